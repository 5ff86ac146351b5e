/** `paimon-ts sql`: DuckDB SQL over Paimon tables, run as a user runs it. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, jsonLines } from './run-cli.js';

const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/paimon-java/paimon-cpp/', import.meta.url));
const MOR = `${FIXTURES}pk_table_scan_and_read_mor-parquet`;
const BIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function temp(): string {
  const d = mkdtempSync(`${tmpdir()}/paimon-ts-sql-`);
  dirs.push(d);
  return d;
}

/** The shell: the binary with `input` on stdin (not a TTY: no prompts). */
function shell(input: string, ...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, 'sql', ...args], (error, stdout, stderr) => {
      resolve({ stdout, stderr, code: error ? ((error as { code?: number }).code ?? 1) : 0 });
    });
    child.stdin!.end(input);
  });
}

describe('paimon-ts sql', () => {
  it('queries a table folder with paimon_scan and prints rows as JSON lines', async () => {
    const { stdout, code } = await cli('sql', `SELECT f0, f3 FROM paimon_scan('${MOR}') WHERE f1 = 20 ORDER BY f0`, '--format', 'jsonl');
    expect(code).toBe(0);
    expect(jsonLines(stdout)).toEqual([
      { f0: 'Lucy', f3: 14.1 },
      { f0: 'Paul', f3: 18.1 },
    ]);
  });

  it('--explain shows the pruned scan: one partition, one file', async () => {
    const { stderr, code } = await cli('sql', `SELECT count(*) FROM paimon_scan('${MOR}') WHERE f1 = 20`, '--explain');
    expect(code).toBe(0);
    expect(stderr).toContain("prune := '`f1` = 20'");
    expect(stderr).toMatch(/paimon scan pk_table_scan_and_read_mor-parquet @ snapshot 5: 1 file after pruning, 1 by DuckDB's Parquet reader/);
    // the whole table: files whose key ranges overlap are merged by key, the others read as they are
    const all = await cli('sql', `SELECT count(*) FROM paimon_scan('${MOR}')`, '--explain');
    expect(all.stderr).toMatch(/6 files after pruning, 6 by DuckDB's Parquet reader \(4 merged by primary key\)/);
  });

  it('attaches a warehouse: <db>.<table>, INSERT INTO, system tables, aligned table output', async () => {
    const wh = temp();
    expect((await cli('create', wh, 'shop.orders', '--schema', 'id BIGINT, dt STRING, amount DECIMAL(10, 2)', '--primary-key', 'dt,id', '--partition', 'dt', '--bucket', '2', '--option', 'file.format=parquet')).code).toBe(0);
    const insert = await cli('sql', '--warehouse', wh, `INSERT INTO shop.orders SELECT range AS id, '2024-06-0' || (1 + range % 2) AS dt, range * 2.5 AS amount FROM range(10)`);
    expect(insert.stdout).toMatch(/wrote 10 rows to shop\.orders: snapshot 1/);
    const table = await cli('sql', '--warehouse', wh, `SELECT dt, count(*) AS n, sum(amount) AS total FROM shop.orders GROUP BY dt ORDER BY dt`);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/│ dt\s+│ n │ total\s+│/);
    expect(table.stdout).toMatch(/│ 2024-06-01 │ 5 │ 50\.00\s+│/);
    expect(table.stdout).toContain('2 rows');
    const snaps = jsonLines((await cli('sql', '--warehouse', wh, '--format', 'jsonl', `SELECT snapshot_id, commit_kind FROM paimon_snapshots('${wh}/shop.db/orders')`)).stdout);
    expect(snaps).toEqual([{ snapshot_id: 1, commit_kind: 'APPEND' }]);
    const qualified = jsonLines((await cli('sql', '--warehouse', wh, '--name', 'lake', '--format', 'jsonl', 'SELECT count(*) AS n FROM lake.shop.orders')).stdout);
    expect(qualified).toEqual([{ n: 10 }]);
  });

  it('runs an interactive shell when no query is given', async () => {
    const wh = temp();
    await cli('create', wh, 'db.t', '--schema', 'k INT, v STRING');
    const { stdout, stderr, code } = await shell(`INSERT INTO db.t VALUES (1, 'a'), (2, 'b');\nSELECT v\n  FROM db.t\n  WHERE k = 2;\n.tables\nSELECT * FROM nope;\nSELECT 42 AS answer;\n`, '--warehouse', wh, '--format', 'csv');
    expect(code).toBe(0);
    expect(stdout).toContain('wrote 2 rows to db.t: snapshot 1');
    expect(stdout).toContain('v\nb\n');
    expect(stdout).toContain('paimon.db.t');
    expect(stderr).toMatch(/error: .*nope/);
    expect(stdout).toContain('answer\n42\n');
  });

  it('fails with one line and a non-zero exit code', async () => {
    const { stderr, code } = await cli('sql', `SELECT * FROM paimon_scan('${MOR}', snapshot_id := 99)`);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/no snapshot 99/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});
