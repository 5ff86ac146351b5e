/** `paimon-ts alter` and `paimon-ts rescale`, run as the built binary, then read back with `schema`, `files` and `cat`. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, jsonLines } from './run-cli.js';
import { AlterSteps, schemaChanges, type AlterStep } from '../src/commands/alter.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A partitioned primary-key table with 2 buckets and one commit of 3 rows. */
async function table(): Promise<{ wh: string; path: string; csv: (name: string, lines: string[]) => string }> {
  const wh = mkdtempSync(join(tmpdir(), 'paimon-ts-cli-alter-'));
  dirs.push(wh);
  const csv = (name: string, lines: string[]) => {
    writeFileSync(join(wh, `${name}.csv`), lines.join('\n') + '\n');
    return join(wh, `${name}.csv`);
  };
  expect((await cli('create', wh, 'db.t', '--schema', 'id INT, name STRING, qty INT, dt STRING', '--primary-key', 'id,dt', '--partition', 'dt', '--bucket', '2')).code).toBe(0);
  const w = await cli('write', wh, 'db.t', '--from', csv('one', ['id,name,qty,dt', '1,ann,5,x', '2,bob,6,y', '3,cy,7,x']));
  expect(w.code, w.stderr).toBe(0);
  return { wh, path: join(wh, 'db.db', 't'), csv };
}

const rowsOf = async (path: string) =>
  jsonLines((await cli('cat', path, '--format', 'jsonl')).stdout).sort((a, b) => String(a['dt']).localeCompare(String(b['dt'])) || Number(a['id']) - Number(b['id']));

describe('paimon-ts alter', () => {
  it('applies every flag, in order, as one new schema and prints it; old rows read through it', async () => {
    const { wh, path, csv } = await table();
    const r = await cli(
      'alter', path,
      '--add-column', "score DOUBLE COMMENT 'points'", '--after', 'id',
      '--rename-column', 'name=full_name',
      '--alter-column', 'qty BIGINT',
      '--add-column', 'note STRING', '--first',
      '--set', 'snapshot.num-retained.min=3',
      '--unset', 'manifest.merge-min-count',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('altered db.t: 6 changes, schema 0 -> 1\n');
    expect(r.stdout).toMatch(/│\s+4 │ score\s+│ DOUBLE\s+│\s+│\s+│ points\s+│/);
    expect(r.stdout).toContain('schema 1 of db.t · primary-key table');
    expect(r.stdout).toMatch(/│ snapshot\.num-retained\.min │ 3\s+│/);

    const schema = jsonLines((await cli('schema', path, '--format', 'jsonl')).stdout);
    expect(schema.map((f) => [f['id'], f['name'], f['type']])).toEqual([
      [5, 'note', 'STRING'],
      [0, 'id', 'INT NOT NULL'],
      [4, 'score', 'DOUBLE'],
      [1, 'full_name', 'STRING'],
      [2, 'qty', 'BIGINT'],
      [3, 'dt', 'STRING NOT NULL'],
    ]);

    const w = await cli('write', wh, 'db.t', '--from', csv('two', ['note,id,score,full_name,qty,dt', 'hi,3,1.5,cyd,10000000000,x', ',4,,dee,1,y']));
    expect(w.code, w.stderr).toBe(0);
    expect(await rowsOf(path)).toEqual([
      { note: null, id: 1, score: null, full_name: 'ann', qty: 5, dt: 'x' },
      { note: 'hi', id: 3, score: 1.5, full_name: 'cyd', qty: 10000000000, dt: 'x' },
      { note: null, id: 2, score: null, full_name: 'bob', qty: 6, dt: 'y' },
      { note: null, id: 4, score: null, full_name: 'dee', qty: 1, dt: 'y' },
    ]);
    const snapshots = jsonLines((await cli('snapshots', path, '--format', 'jsonl')).stdout);
    expect(snapshots.map((s) => s['schema'])).toEqual([0, 1]);
  });

  it('refuses unsafe changes (and bad rescale arguments) with one line naming the column, and writes nothing', async () => {
    const { path } = await table();
    for (const [command, args, message] of [
      ['alter', ['--alter-column', 'qty SMALLINT'], /column qty cannot change type from INT to SMALLINT.*\[INVALID_SCHEMA\]/],
      ['alter', ['--set', 'merge-engine=first-row'], /option merge-engine cannot be changed once the table has snapshots \[UNSUPPORTED\]/],
      ['rescale', ['--bucket', '3', '--partition', 'id=1'], /id is not a partition column/],
    ] as const) {
      const r = await cli(command, path, ...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    const schema = jsonLines((await cli('schema', path, '--format', 'jsonl')).stdout);
    expect(schema.map((f) => f['name'])).toEqual(['id', 'name', 'qty', 'dt']);
  });

  it('turns flags into schema changes in order, placing each added column by the --after/--first after it', () => {
    const steps = new AlterSteps();
    const flag = (make: (v: string) => AlterStep, value = '') => steps.collect(make)(value);
    flag((text) => ({ kind: 'add', text }), "a INT COMMENT 'x'");
    flag(() => ({ kind: 'first' }));
    flag((text) => ({ kind: 'alter', text }), 'q BIGINT');
    flag((text) => ({ kind: 'alter', text }), 'r DOUBLE NOT NULL');
    flag((text) => ({ kind: 'add', text }), 'b STRING');
    flag((text) => ({ kind: 'set', text }), 'k=v=w');
    expect(schemaChanges(steps.steps)).toEqual([
      { kind: 'addColumn', column: 'a', type: { kind: 'INT', nullable: true }, description: 'x', move: { type: 'first' } },
      { kind: 'updateColumnType', column: 'q', type: { kind: 'BIGINT', nullable: true }, keepNullability: true },
      { kind: 'updateColumnType', column: 'r', type: { kind: 'DOUBLE', nullable: false }, keepNullability: false },
      { kind: 'addColumn', column: 'b', type: { kind: 'VARCHAR', length: 2147483647, nullable: true } },
      { kind: 'setOption', key: 'k', value: 'v=w' },
    ]);
    for (const [steps, message] of [
      [[{ kind: 'after', column: 'id' }], /--after places the column of an --add-column given before it/],
      [[{ kind: 'add', text: 'a INT' }, { kind: 'drop', column: 'x' }, { kind: 'first' }], /--first places the column of an --add-column/],
      [[{ kind: 'add', text: 'a INT' }, { kind: 'first' }, { kind: 'after', column: 'x' }], /column a is already placed/],
      [[{ kind: 'add', text: 'a INT, b INT' }], /--add-column takes one column per flag/],
      [[{ kind: 'rename', text: 'a' }], /--rename-column expects old=new/],
      [[], /nothing to change/],
    ] as [AlterStep[], RegExp][]) {
      expect(() => schemaChanges(steps)).toThrow(message);
    }
  });
});

describe('paimon-ts rescale', () => {
  it('rewrites one partition with the new bucket count; the other keeps its count and refuses plain writes', async () => {
    const { wh, path, csv } = await table();
    const before = await rowsOf(path);
    const r = await cli('rescale', path, '--bucket', '4', '--partition', 'dt=x');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('db.t: bucket set to 4 in schema 1; dt=x rewritten with 4 buckets as snapshot 2\n');
    expect(r.stdout).toMatch(/│ before │\s+2 │ 2\s+│\s+2 │/);
    expect(await rowsOf(path)).toEqual(before);

    const files = jsonLines((await cli('files', path, '--format', 'jsonl')).stdout);
    const bucketsOf = (dt: string) => [...new Set(files.filter((f) => f['partition'] === `dt="${dt}"`).map((f) => f['bucket']))].sort();
    expect(files.filter((f) => f['partition'] === 'dt="y"')).toHaveLength(1); // untouched, in the old 2-bucket layout
    expect(bucketsOf('y').every((b) => (b as number) < 2)).toBe(true);
    expect(bucketsOf('x').length).toBeGreaterThan(0);
    const snapshots = jsonLines((await cli('snapshots', path, '--format', 'jsonl')).stdout);
    expect(snapshots.map((s) => s['kind'])).toEqual(['APPEND', 'OVERWRITE']);

    const refused = await cli('write', wh, 'db.t', '--from', csv('y', ['id,name,qty,dt', '9,zed,1,y']));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/cannot write partition dt=y with bucket = 4: its files have 2 buckets; rescale it first with an INSERT OVERWRITE/);
    const ok = await cli('write', wh, 'db.t', '--from', csv('x', ['id,name,qty,dt', '1,ANN,50,x']));
    expect(ok.code, ok.stderr).toBe(0);

    const all = await cli('rescale', path, '--bucket', '4');
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain('db.t: bucket was 4 already; all partitions rewritten with 4 buckets as snapshot 4\n');
    expect((await rowsOf(path)).map((row) => row['name'])).toEqual(['ANN', 'cy', 'bob']);
  });
});
