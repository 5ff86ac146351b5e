/** The built `paimon-ts` binary, run as a user runs it, on Paimon-written tables. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cli, jsonLines } from './run-cli.js';

const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/paimon-java/paimon-cpp/', import.meta.url));
const MOR = `${FIXTURES}pk_table_scan_and_read_mor-parquet`;

describe('paimon-ts cat', () => {
  it('prints the merged rows of the latest snapshot as JSON lines', async () => {
    const { stdout, code } = await cli('cat', MOR, '--format', 'jsonl');
    expect(code).toBe(0);
    const rows = jsonLines(stdout);
    expect(rows).toHaveLength(11);
    expect(rows).toContainEqual({ f0: 'Alice', f1: 10, f2: 1, f3: 19.1 });
    expect(rows.map((r) => r['f0'])).not.toContain('Tony');
  });

  it('reads an older snapshot with --snapshot', async () => {
    const rows = jsonLines((await cli('cat', MOR, '--snapshot', '1', '--format', 'jsonl')).stdout);
    expect(rows).toHaveLength(9);
    expect(rows).toContainEqual({ f0: 'Tony', f1: 10, f2: 0, f3: 14.1 });
  });

  it('projects, filters and limits', async () => {
    const { stdout } = await cli('cat', MOR, '--columns', 'f3,f0', '--where', "f1 = 10 AND f0 >= 'S'", '--format', 'csv');
    expect(stdout.trim().split('\n')).toEqual(['f3,f0', expect.any(String), expect.any(String), expect.any(String)]);
    expect(stdout).toContain('31,Skye2');
    const limited = jsonLines((await cli('cat', MOR, '--limit', '3', '--format', 'jsonl')).stdout);
    expect(limited).toHaveLength(3);
  });

  it('renders types as the jsonl contract says (DECIMAL scale, DATE, TIMESTAMP, bytes, ROW, MAP)', async () => {
    const rows = jsonLines((await cli('cat', `${FIXTURES}append_multiple-avro`, '--where', 'f0 = 1', '--format', 'jsonl')).stdout);
    expect(rows).toEqual([
      {
        f0: 1, f1: 10, f2: 0, f3: 100, f4: 1, f5: 1, f6: 'one', f7: Buffer.from('aaa').toString('base64'), f8: '1970-05-04', f9: '123.45',
        f10: '1970-01-01 00:00:00', f11: '1970-01-01 00:00:00', f12: '1970-01-01 00:00:00', f13: '1970-01-01 00:00:00',
        f14: '1970-01-01 00:00:00', f15: '1970-01-01 00:00:00', f16: { f0: { key: 123 }, f1: [1, 2, 3] },
      },
    ]);
    const nested = jsonLines((await cli('cat', `${FIXTURES}append_complex_build_in_fieldid-parquet`, '--format', 'jsonl')).stdout);
    expect(nested).toContainEqual({ f1: [[127, 32767], [-128, -32768]], f2: [expect.closeTo(1.1, 5), expect.closeTo(1.2, 5)], f3: { f0: false, f1: 2222 }, f4: '1970-01-01 00:02:03.123123', f5: '1970-09-03', f6: '0.12' });
  });

  it('prints an aligned table by default, with a summary line', async () => {
    const { stdout } = await cli('cat', MOR, '--where', "f0 = 'Bob'");
    expect(stdout).toMatch(/│ f0\s+│ f1 │ f2 │ f3\s+│/);
    expect(stdout).toMatch(/│ Bob\s+│ 10 │\s+0 │ 12\.1 │/);
    expect(stdout).toContain('1 row · snapshot 5');
  });

  it('fails with one line and a non-zero exit code', async () => {
    for (const args of [['cat', '/no/such/table'], ['cat', MOR, '--snapshot', '99'], ['cat', MOR, '--where', 'nope = 1'], ['cat', MOR, '--format', 'xml']]) {
      const { stderr, code } = await cli(...args);
      expect(code, args.join(' ')).not.toBe(0);
      expect(stderr.trim().split('\n').length, stderr).toBeLessThanOrEqual(2);
    }
    expect((await cli('cat', MOR, '--snapshot', '99')).stderr).toMatch(/no snapshot 99 \[SNAPSHOT_NOT_FOUND\]/);
  });
});

describe('paimon-ts schema, snapshots, files', () => {
  it('lists the schema', async () => {
    const rows = jsonLines((await cli('schema', MOR, '--format', 'jsonl')).stdout);
    expect(rows.map((r) => [r['name'], r['type'], r['partition'], r['key']])).toEqual([
      ['f0', 'STRING NOT NULL', '', 'primary key'],
      ['f1', 'INT NOT NULL', 'partition', 'primary key'],
      ['f2', 'INT NOT NULL', '', 'primary key'],
      ['f3', 'DOUBLE', '', ''],
    ]);
  });

  it('lists the snapshots with their kinds', async () => {
    const rows = jsonLines((await cli('snapshots', MOR, '--format', 'jsonl')).stdout);
    expect(rows.map((r) => r['kind'])).toEqual(['APPEND', 'APPEND', 'COMPACT', 'APPEND', 'APPEND']);
  });

  it('lists the live files of a snapshot', async () => {
    const rows = jsonLines((await cli('files', MOR, '--snapshot', '3', '--format', 'jsonl')).stdout);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => typeof r['file'] === 'string' && (r['file'] as string).endsWith('.parquet'))).toBe(true);
    expect(new Set(rows.map((r) => r['partition']))).toEqual(new Set(['f1=10', 'f1=20']));
  });
});
