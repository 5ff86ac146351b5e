/** `paimon-ts expire | tag | rollback | orphans`, run as a user runs them. */
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, jsonLines } from './run-cli.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function temp(): string {
  const d = mkdtempSync(`${tmpdir()}/paimon-ts-cli-`);
  dirs.push(d);
  return d;
}

/** A partitioned append table with 4 snapshots; the third is an INSERT OVERWRITE. */
async function table(): Promise<string> {
  const wh = temp();
  expect((await cli('create', wh, 'db.t', '--schema', 'id INT, dt STRING', '--partition', 'dt')).code).toBe(0);
  const csv = (name: string, rows: string[]) => {
    writeFileSync(`${wh}/${name}.csv`, ['id,dt', ...rows].join('\n') + '\n');
    return `${wh}/${name}.csv`;
  };
  for (const [name, rows, overwrite] of [
    ['one', ['1,a', '2,b'], false],
    ['two', ['3,a'], false],
    ['three', ['9,a'], true],
    ['four', ['10,c'], false],
  ] as const) {
    const r = await cli('write', wh, 'db.t', '--from', csv(name, [...rows]), ...(overwrite ? ['--overwrite'] : []));
    expect(r.code, r.stderr).toBe(0);
  }
  return `${wh}/db.db/t`;
}

const ids = async (path: string, ...args: string[]) =>
  jsonLines((await cli('cat', path, '--format', 'jsonl', ...args)).stdout).map((r) => `${r['dt']}${r['id']}`).sort();

const snapshotIds = async (path: string) => jsonLines((await cli('snapshots', path, '--format', 'jsonl')).stdout).map((r) => r['id']);

describe('paimon-ts expire', () => {
  it('keeps the retention by default and expires with --retain-min / --older-than', async () => {
    const t = await table();
    const latest = await ids(t);
    let r = await cli('expire', t);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('nothing to expire in db.t: snapshots 1-4 kept by the retention\n');
    r = await cli('expire', t, '--retain-min', '2', '--older-than', '0s');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^expired 2 snapshots of db\.t \(1-2\); snapshots 3-4 kept; deleted \d+ files\n/);
    expect(r.stdout).toMatch(/│ data files\s+│\s+2 │/);
    expect(await snapshotIds(t)).toEqual([3, 4]);
    expect(await ids(t)).toEqual(latest);
    expect(await ids(t, '--snapshot', '3')).toEqual(['a9', 'b2']);
  });

  it('fails with one line on bad arguments', async () => {
    const t = await table();
    for (const args of [['--retain-min', '0'], ['--older-than', 'soon'], ['--retain-max', 'x']]) {
      const r = await cli('expire', t, ...args);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^paimon-ts: error: --/);
    }
    const missing = await cli('expire', `${t}-nope`);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/TABLE_NOT_FOUND/);
  });
});

describe('paimon-ts tag', () => {
  it('creates, lists, reads, protects and deletes tags', async () => {
    const t = await table();
    let r = await cli('tag', 'create', t, 'first', '--snapshot', '1');
    expect(r.stdout).toBe('created tag first (snapshot 1) on db.t\n');
    r = await cli('tag', 'create', t, 'weekly', '--time-retained', '7d');
    expect(r.stdout).toBe('created tag weekly (snapshot 4) on db.t, retained for 7d\n');
    r = await cli('tag', 'list', t);
    expect(r.stdout).toMatch(/│ first\s+│\s+1 │ APPEND/);
    expect(r.stdout).toMatch(/│ weekly │\s+4 │ APPEND .*│ 604800 s │/);
    expect(await ids(t, '--tag', 'first')).toEqual(['a1', 'b2']);

    expect((await cli('expire', t, '--retain-min', '1', '--older-than', '0s')).code).toBe(0);
    expect(await snapshotIds(t)).toEqual([4]);
    expect(await ids(t, '--tag', 'first')).toEqual(['a1', 'b2']); // the tag kept its files

    r = await cli('tag', 'delete', t, 'first');
    expect(r.stdout).toMatch(/^deleted tag first \(snapshot 1\) from db\.t; removed \d+ files only it used\n$/);
    r = await cli('tag', 'create', t, 'weekly');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('paimon-ts: error: table db.t: tag weekly already exists [INVALID_ARGUMENT]\n');
    r = await cli('tag', 'delete', t, 'first');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/has no tag first \[TAG_NOT_FOUND\]/);
    r = await cli('tag', 'create', t);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect((await cli('tag', 'list', t)).stdout).not.toMatch(/first/);
  });
});

describe('paimon-ts rollback', () => {
  it('rolls back to a snapshot, then to a tag, and writes continue from there', async () => {
    const t = await table();
    expect((await cli('tag', 'create', t, 'two', '--snapshot', '2')).code).toBe(0);
    let r = await cli('rollback', t, '--to', 'snapshot:3');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^rolled db\.t back to snapshot 3; removed snapshots 4; deleted \d+ files\n/);
    expect(await ids(t)).toEqual(['a9', 'b2']);
    r = await cli('rollback', t, '--to', 'tag:two');
    expect(r.stdout).toMatch(/^rolled db\.t back to snapshot 2 \(tag two\); removed snapshots 3; deleted \d+ files\n/);
    expect(await ids(t)).toEqual(['a1', 'a3', 'b2']);
    const wh = t.slice(0, t.indexOf('/db.db/'));
    writeFileSync(`${wh}/more.csv`, 'id,dt\n7,z\n');
    expect((await cli('write', wh, 'db.t', '--from', `${wh}/more.csv`)).stdout).toMatch(/snapshot 3$/m);
    expect(await ids(t)).toEqual(['a1', 'a3', 'b2', 'z7']);

    for (const to of [['--to', 'snapshot:99'], ['--to', 'someday'], []]) {
      r = await cli('rollback', t, ...to);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('paimon-ts orphans', () => {
  it('lists with --dry-run, deletes old unreferenced files, keeps fresh ones', async () => {
    const t = await table();
    const old = `${t}/dt=a/bucket-0/data-0123-orphan.parquet`;
    const fresh = `${t}/dt=a/bucket-0/data-4567-fresh.parquet`;
    writeFileSync(old, 'x');
    writeFileSync(fresh, 'y');
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    utimesSync(old, twoDaysAgo, twoDaysAgo);
    const before = await ids(t);

    let r = await cli('orphans', t, '--dry-run');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/│ dt=a\/bucket-0\/data-0123-orphan\.parquet │ unreferenced │/);
    expect(r.stdout).toMatch(/would delete \(dry run\) 1 orphan file older than 1d \(1 bytes\) from db\.t\n$/);
    expect(existsSync(old)).toBe(true);

    r = await cli('orphans', t);
    expect(r.stdout).toMatch(/^deleted 1 orphan file older than 1d/m);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    expect(await ids(t)).toEqual(before);

    r = await cli('orphans', t, '--older-than', '12h');
    expect(r.stdout).toMatch(/^no orphan files older than 12h in db\.t/);
    // Every snapshot still reads.
    for (const id of await snapshotIds(t)) expect((await cli('cat', t, '--snapshot', String(id))).code).toBe(0);
    expect(readdirSync(`${t}/dt=a/bucket-0`)).toContain('data-4567-fresh.parquet');
  });
});
