import { readdirSync, readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { batchToJsonRows } from '../src/read/rows.js';
import { filePath } from '../src/scan/split.js';
import { cleanTempDirs, scratchTable } from './write-helpers.js';

afterEach(cleanTempDirs);

const COLUMNS: [string, string][] = [
  ['id', 'INT NOT NULL'],
  ['b', 'BOOLEAN'],
  ['ti', 'TINYINT'],
  ['si', 'SMALLINT'],
  ['bi', 'BIGINT'],
  ['f', 'FLOAT'],
  ['d', 'DOUBLE'],
  ['dec_small', 'DECIMAL(5, 2)'],
  ['dec_mid', 'DECIMAL(18, 4)'],
  ['dec_big', 'DECIMAL(38, 10)'],
  ['s', 'STRING'],
  ['c', 'CHAR(3)'],
  ['vc', 'VARCHAR(10)'],
  ['bin', 'BYTES'],
  ['dt', 'DATE'],
  ['tm', 'TIME(3)'],
  ['ts3', 'TIMESTAMP(3)'],
  ['ts6', 'TIMESTAMP(6)'],
  ['ts9', 'TIMESTAMP(9)'],
  ['ltz', 'TIMESTAMP(6) WITH LOCAL TIME ZONE'],
  ['arr', 'ARRAY<INT>'],
  ['m', 'MAP<STRING, DOUBLE>'],
  ['mi', 'MAP<INT, STRING>'],
  ['r', 'ROW<x INT, y ARRAY<STRING>>'],
  ['part', 'STRING'],
];

const ROWS = [
  {
    id: 1, b: true, ti: -128, si: 32767, bi: 9007199254740993n, f: 1.5, d: -2.25, dec_small: '123.45', dec_mid: '99999999999999.9999',
    dec_big: '-1234567890123456789012345678.0123456789', s: 'hello, ünïcode', c: 'abc', vc: 'ten chars!', bin: new Uint8Array([0, 1, 2, 255]),
    dt: '2024-02-29', tm: '12:34:56.789', ts3: '2024-01-31 23:59:59.123', ts6: '1969-12-31 23:59:59.999999', ts9: '2024-01-31 00:00:00.123456789',
    ltz: '2000-01-01 00:00:00.000001', arr: [1, null, 3], m: { a: 1.5, b: null }, mi: [[1, 'one'], [2, null]], r: { x: 7, y: ['p', 'q'] }, part: 'p1',
  },
  {
    id: 2, b: null, ti: null, si: null, bi: null, f: null, d: null, dec_small: null, dec_mid: null, dec_big: null, s: null, c: null, vc: null,
    bin: null, dt: null, tm: null, ts3: null, ts6: null, ts9: null, ltz: null, arr: null, m: null, mi: null, r: null, part: 'p2',
  },
  {
    id: 3, b: false, ti: 0, si: -1, bi: -1n, f: 0, d: 1e300, dec_small: '-0.01', dec_mid: '0', dec_big: '0.0000000001', s: '', c: 'x', vc: '',
    bin: new Uint8Array([]), dt: '1900-01-01', tm: '00:00:00', ts3: '1900-01-01 00:00:00', ts6: '2262-04-11 23:47:16.854775', ts9: '1970-01-01 00:00:00',
    ltz: '1970-01-01 00:00:00', arr: [], m: {}, mi: [], r: { x: null, y: [] }, part: 'p1',
  },
];

const EXPECTED_JSON = [
  {
    id: 1, b: true, ti: -128, si: 32767, bi: '9007199254740993', f: 1.5, d: -2.25, dec_small: '123.45', dec_mid: '99999999999999.9999',
    dec_big: '-1234567890123456789012345678.0123456789', s: 'hello, ünïcode', c: 'abc', vc: 'ten chars!', bin: Buffer.from([0, 1, 2, 255]).toString('base64'),
    dt: '2024-02-29', tm: '12:34:56.789', ts3: '2024-01-31 23:59:59.123', ts6: '1969-12-31 23:59:59.999999', ts9: '2024-01-31 00:00:00.123456789',
    ltz: '2000-01-01 00:00:00.000001', arr: [1, null, 3], m: { a: 1.5, b: null }, mi: [[1, 'one'], [2, null]], r: { x: 7, y: ['p', 'q'] }, part: 'p1',
  },
  {
    id: 2, b: null, ti: null, si: null, bi: null, f: null, d: null, dec_small: null, dec_mid: null, dec_big: null, s: null, c: null, vc: null,
    bin: null, dt: null, tm: null, ts3: null, ts6: null, ts9: null, ltz: null, arr: null, m: null, mi: null, r: null, part: 'p2',
  },
  {
    id: 3, b: false, ti: 0, si: -1, bi: -1, f: 0, d: 1e300, dec_small: '-0.01', dec_mid: '0.0000', dec_big: '0.0000000001', s: '', c: 'x', vc: '',
    bin: '', dt: '1900-01-01', tm: '00:00:00', ts3: '1900-01-01 00:00:00', ts6: '2262-04-11 23:47:16.854775', ts9: '1970-01-01 00:00:00',
    ltz: '1970-01-01 00:00:00', arr: [], m: {}, mi: [], r: { x: null, y: [] }, part: 'p1',
  },
];

async function readJson(table: Awaited<ReturnType<typeof scratchTable>>) {
  const fresh = await table.reload();
  const scan = fresh.newScan();
  const plan = await scan.plan();
  const out: Record<string, unknown>[] = [];
  for await (const b of scan.read(plan)) out.push(...batchToJsonRows(b, plan.schema.fields));
  return { rows: out.sort((a, b) => Number(a['id']) - Number(b['id'])), plan };
}

describe('every type round-trips through our writer and reader', () => {
  for (const [label, opts] of [
    ['append, unaware bucket', { partitionKeys: ['part'] }],
    ['append, fixed buckets', { partitionKeys: ['part'], options: { bucket: '3', 'bucket-key': 'id' } }],
    ['primary key, 2 buckets', { partitionKeys: ['part'], primaryKeys: ['id', 'part'], options: { bucket: '2' } }],
    ['primary key, ORC data files and ORC manifests', { partitionKeys: ['part'], primaryKeys: ['id', 'part'], options: { bucket: '2', 'file.format': 'orc', 'manifest.format': 'orc' } }],
    ['append, ORC with snappy', { options: { 'file.format': 'orc', 'file.compression': 'snappy' } }],
  ] as const) {
    it(`${label}: rows read back exactly (and DuckDB reads every Parquet file we wrote)`, async () => {
      const table = await scratchTable(COLUMNS, opts as never);
      const orc = (opts as { options?: Record<string, string> }).options?.['file.format'] === 'orc';
      // ORC (Java's writer and reader alike) misplaces timestamps between -1 s and 0 by a second; avoid that window there.
      const patch = <T extends Record<string, unknown>>(rows: T[]): T[] => (orc ? rows.map((r, i) => (i === 0 ? { ...r, ts6: '1969-12-31 23:59:58.999999' } : r)) : rows);
      const w = table.newBatchWrite();
      await w.write(patch(ROWS));
      await w.commit();
      const { rows, plan } = await readJson(table);
      expect(rows).toEqual(patch(EXPECTED_JSON));

      if (orc) {
        expect(plan.splits.every((s) => s.files.every((f) => f.fileName.endsWith('.orc')))).toBe(true);
        const manifests = readdirSync(`${table.path}/manifest`);
        const wantOrc = (opts as { options?: Record<string, string> }).options?.['manifest.format'] === 'orc';
        for (const m of manifests) expect(readFileSync(`${table.path}/manifest/${m}`).subarray(0, 3).toString(), m).toBe(wantOrc ? 'ORC' : 'Obj');
        return; // DuckDB has no ORC reader: our ORC reader (and Apache ORC's C++ reader, by hand) are the checks
      }
      const db = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
      const con = await db.connect();
      let total = 0;
      for (const split of plan.splits) {
        for (const f of split.files) {
          const res = await con.runAndReadAll(`SELECT count(*), count(ts9), max(id) FROM read_parquet('${filePath(split, f)}')`);
          const [n] = res.getRows()[0]!;
          expect(Number(n)).toBe(f.rowCount);
          total += Number(n);
        }
      }
      expect(total).toBe(3);
      con.closeSync();
      db.closeSync();
    });
  }
});
