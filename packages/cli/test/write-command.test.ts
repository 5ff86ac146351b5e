/** `paimon-ts write` and `paimon-ts demo`, run as a user runs them. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

describe('paimon-ts write', () => {
  it('loads CSV, JSON lines with row kinds, and Parquet; --overwrite replaces', async () => {
    const wh = temp();
    expect((await cli('create', wh, 'shop.users', '--schema', 'id INT, name STRING, joined DATE, score DECIMAL(5, 1)', '--primary-key', 'id', '--bucket', '2')).code).toBe(0);
    const csv = `${wh}/users.csv`;
    writeFileSync(csv, 'id,name,joined,score\n1,"Smith, Ann",2024-01-02,9.5\n2,"says ""hi""",2024-02-03,\n3,,2024-03-04,1\n');
    const w1 = await cli('write', wh, 'shop.users', '--from', csv);
    expect(w1.stdout).toMatch(/wrote 3 rows \(3 \+I\) to shop\.users: snapshot 1/);
    const jsonl = `${wh}/changes.jsonl`;
    writeFileSync(jsonl, '{"op":"+U","id":2,"name":"Bo","joined":"2024-02-03","score":"7.0"}\n{"op":"-D","id":3}\n');
    const w2 = await cli('write', wh, 'shop.users', '--from', jsonl, '--kind-column', 'op');
    expect(w2.stdout).toMatch(/wrote 2 rows \(1 \+U, 1 -D\)/);
    const rows = jsonLines((await cli('cat', `${wh}/shop.db/users`, '--format', 'jsonl')).stdout).sort((a, b) => Number(a['id']) - Number(b['id']));
    expect(rows).toEqual([
      { id: 1, name: 'Smith, Ann', joined: '2024-01-02', score: '9.5' },
      { id: 2, name: 'Bo', joined: '2024-02-03', score: '7.0' },
    ]);

    // Parquet in: a data file of an append table is a plain Parquet file of its columns
    await cli('create', wh, 'shop.events', '--schema', 'id INT, name STRING, joined DATE, score DECIMAL(5, 1)');
    await cli('write', wh, 'shop.events', '--from', csv);
    const [file] = jsonLines((await cli('files', `${wh}/shop.db/events`, '--format', 'jsonl')).stdout);
    await cli('create', wh, 'shop.events2', '--schema', 'id BIGINT, name STRING, joined DATE, score DECIMAL(5, 1)');
    const w4 = await cli('write', wh, 'shop.events2', '--from', `${wh}/shop.db/events/bucket-0/${file!['file']}`);
    expect(w4.stdout).toMatch(/wrote 3 rows/);
    expect(jsonLines((await cli('cat', `${wh}/shop.db/events2`, '--format', 'jsonl')).stdout)).toContainEqual({ id: 1, name: 'Smith, Ann', joined: '2024-01-02', score: '9.5' });
    const w3 = await cli('write', wh, 'shop.users', '--from', csv, '--overwrite');
    expect(w3.code).toBe(0);
    const after = jsonLines((await cli('cat', `${wh}/shop.db/users`, '--format', 'jsonl')).stdout);
    expect(after).toHaveLength(3);
    expect((await cli('snapshots', `${wh}/shop.db/users`, '--format', 'jsonl')).stdout).toContain('"kind":"OVERWRITE"');
  });

  it('rejects a bad row with one line naming row and column, and commits nothing', async () => {
    const wh = temp();
    await cli('create', wh, 'db.t', '--schema', 'id INT NOT NULL, v STRING');
    writeFileSync(`${wh}/bad.csv`, 'id,v\n1,a\nnot-a-number,b\n');
    const res = await cli('write', wh, 'db.t', '--from', `${wh}/bad.csv`);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/row 1, column id/);
    expect((await cli('snapshots', `${wh}/db.db/t`, '--format', 'jsonl')).stdout.trim()).toBe('');
  });
});

describe('paimon-ts demo', () => {
  it('creates, writes CDC batches and shows the table before and after', async () => {
    const wh = temp();
    const { stdout, code } = await cli('demo', wh);
    expect(code).toBe(0);
    expect(stdout).toContain('1. After inserting 12 orders (snapshot 1, 12 rows)');
    expect(stdout).toContain('(snapshot 2, 11 rows)');
    expect(stdout).toMatch(/│\s+2 │ 2024-06-01 │ grace\s+│ 120\.00 │ shipped/);
    // runs again on the same warehouse
    expect((await cli('demo', wh)).code).toBe(0);
    // full compaction keeps the rows and drops what deletes and updates superseded
    const before = jsonLines((await cli('cat', `${wh}/demo.db/orders`, '--format', 'jsonl')).stdout);
    // two sorted runs per bucket are below the compaction trigger: nothing is due
    expect((await cli('compact', `${wh}/demo.db/orders`)).stdout).toMatch(/nothing to compact/);
    const compacted = await cli('compact', `${wh}/demo.db/orders`, '--full');
    expect(compacted.stdout).toMatch(/full compaction committed as snapshot 3/);
    expect(compacted.stdout).toMatch(/│ after\s+│\s+\d+ │\s+11 │/);
    expect(jsonLines((await cli('cat', `${wh}/demo.db/orders`, '--format', 'jsonl')).stdout)).toEqual(before);
    expect((await cli('compact', `${wh}/demo.db/orders`, '--full')).stdout).toMatch(/nothing to compact/);
    expect((await cli('compact', `${wh}/demo.db/orders`, '--partition', 'nope=1')).stderr).toMatch(/table demo.orders: nope is not a partition/);
  });
});
