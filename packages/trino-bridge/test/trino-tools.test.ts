/**
 * The trino-client tools against a stand-in coordinator that speaks Trino's
 * client REST protocol (test/fake-trino.ts): the CREATE CATALOG statement
 * for Trino's Paimon connector, and verification queries comparing Trino's
 * answer with paimon-ts's.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSystemCatalog } from '@paimon-ts/core';
import {
  canonical,
  compareMetrics,
  formatVerification,
  runTrinoQuery,
  trinoCatalogStatement,
  TrinoQueryError,
  verificationMetrics,
  verifyTable,
  warehouseUri,
} from '../src/index.js';
import { startFakeTrino, type FakeTrino } from './fake-trino.js';
import { buildWarehouse, removeWarehouse } from './helpers.js';

let wh: string;
let trino: FakeTrino;

beforeAll(async () => {
  wh = await buildWarehouse();
  trino = await startFakeTrino({ warehouse: wh });
});

afterAll(async () => {
  await trino?.close();
  removeWarehouse(wh);
});

describe('CREATE CATALOG for Trino’s Paimon connector', () => {
  it('a local warehouse: file URI, filesystem metastore, local file system enabled', () => {
    expect(trinoCatalogStatement({ warehouse: '/data/wh', name: 'lake' })).toBe(
      [`CREATE CATALOG lake USING paimon`, `WITH (`, `  "warehouse" = 'file:///data/wh',`, `  "metastore" = 'filesystem',`, `  "fs.local.enabled" = 'true'`, `)`].join('\n'),
    );
    expect(warehouseUri('relative/wh')).toBe(`file://${process.cwd()}/relative/wh`);
    expect(warehouseUri('/a b/it\'s')).toBe("file:///a%20b/it's");
  });

  it('an S3 warehouse turns on native S3; extra properties are added and quoted', () => {
    const sql = trinoCatalogStatement({ warehouse: 's3://bucket/wh', properties: { 's3.endpoint': 'http://minio:9000', 's3.path-style-access': 'true', 'odd"name': "it's" } });
    expect(sql).toContain(`"warehouse" = 's3://bucket/wh'`);
    expect(sql).toContain(`"fs.native-s3.enabled" = 'true'`);
    expect(sql).toContain(`"s3.endpoint" = 'http://minio:9000'`);
    expect(sql).toContain(`"odd""name" = 'it''s'`);
    expect(sql).not.toContain('fs.local.enabled');
    expect(sql.startsWith('CREATE CATALOG paimon USING paimon')).toBe(true);
  });

  it('refuses a catalog name that is not a plain identifier', () => {
    expect(() => trinoCatalogStatement({ warehouse: '/wh', name: 'x; DROP' })).toThrow(/plain identifier/);
  });

  it('runs through trino-client: the coordinator receives exactly the statement; a second run fails with Trino’s error', async () => {
    const sql = trinoCatalogStatement({ warehouse: wh, name: 'pt' });
    const answer = await runTrinoQuery({ url: trino.url, user: 'alice' }, sql);
    expect(answer.updateType).toBe('CREATE CATALOG');
    expect(trino.statements.at(-1)).toMatchObject({ sql, user: 'alice' });
    expect(trino.catalogs.has('pt')).toBe(true);
    const again = await runTrinoQuery({ url: trino.url }, sql).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(TrinoQueryError);
    expect((again as TrinoQueryError).message).toContain("Catalog 'pt' already exists");
    expect((again as TrinoQueryError).errorName).toBe('CATALOG_ALREADY_EXISTS');
  });
});

describe('runTrinoQuery', () => {
  it('follows nextUri across pages and collects columns and rows', async () => {
    const before = trino.pagesServed;
    const answer = await runTrinoQuery({ url: trino.url }, 'SELECT dt, count(*) AS n FROM "paimon"."shop"."orders" GROUP BY dt ORDER BY dt');
    expect(answer.columns).toEqual([
      { name: 'dt', type: 'varchar' },
      { name: 'n', type: 'bigint' },
    ]);
    expect(answer.rows).toEqual([
      ['2024-06-01', 100],
      ['2024-06-02', 99],
      ['2024-06-03', 100],
    ]);
    expect(trino.pagesServed - before).toBe(3); // columns, then 2 rows + 1 row
  });

  it('reports a failed query and an unreachable coordinator clearly', async () => {
    const failed = await runTrinoQuery({ url: trino.url }, 'SELECT nope FROM "paimon"."shop"."orders"').catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(TrinoQueryError);
    expect((failed as Error).message).toMatch(/GENERIC_USER_ERROR: Binder Error: Referenced column "nope" not found/);
    const down = await runTrinoQuery({ url: 'http://127.0.0.1:9' }, 'SELECT 1').catch((e: unknown) => e);
    expect((down as Error).message).toMatch(/cannot reach Trino at http:\/\/127\.0\.0\.1:9: ECONNREFUSED/);
  });
});

describe('verification', () => {
  it('metrics per column type, as SQL both engines read', async () => {
    const table = await new FileSystemCatalog(wh).getTable('logs.events');
    const names = verificationMetrics(table.schema.fields).map((m) => m.name);
    expect(names.slice(0, 6)).toEqual(['rows', 'id: non-null', 'id: sum', 'id: min', 'id: max', 'day: non-null']);
    expect(names).toContain('msg: total length');
    expect(names).toContain('flag: true');
    expect(names).toContain('score: sum');
    expect(names).toContain('price: sum');
    expect(names).toContain('tags: non-null');
    expect(names).not.toContain('tags: min');
  });

  it('canonical text and comparison: trailing zeros, float tolerance, NULLs', () => {
    expect(canonical('1.50')).toBe('1.5');
    expect(canonical('12.000')).toBe('12');
    expect(canonical('2024-06-01 12:00:00.120000')).toBe('2024-06-01 12:00:00.12');
    expect(canonical('2024-06-01 12:00:00.000')).toBe('2024-06-01 12:00:00');
    expect(canonical(42n)).toBe('42');
    expect(canonical(null)).toBeNull();
    const metrics = [
      { name: 'rows', sql: 'count(*)', compare: 'exact' as const },
      { name: 's', sql: 'sum(x)', compare: 'float' as const },
      { name: 'm', sql: 'min(y)', compare: 'exact' as const },
    ];
    const same = compareMetrics('t', 'q', metrics, [10, 0.30000000000000004, null], [10n, 0.3, null]);
    expect(same.match).toBe(true);
    const diff = compareMetrics('t', 'q', metrics, [10, 0.3, 'a'], [11n, 0.31, null]);
    expect(diff.metrics.map((m) => m.equal)).toEqual([false, false, false]);
  });

  it('MATCH when Trino reads the same warehouse, for every table shape', async () => {
    for (const table of ['shop.orders', 'logs.events', 'logs.empty', 'fixtures.pk_table_scan_and_read_mor-parquet']) {
      const v = await verifyTable({ trino: { url: trino.url }, warehouse: wh, table });
      expect(v.match, `${table}\n${formatVerification(v)}`).toBe(true);
      expect(trino.statements.at(-1)!.sql).toBe(v.sql);
    }
    const v = await verifyTable({ trino: { url: trino.url }, warehouse: wh, table: 'shop.orders' });
    expect(v.metrics.find((m) => m.name === 'rows')).toEqual({ name: 'rows', trino: '299', ours: '299', equal: true });
    expect(v.metrics.find((m) => m.name === 'amount: sum')!.ours).toMatch(/^\d+\.\d+$/);
    const text = formatVerification(v);
    expect(text).toMatch(/^metric\s+trino\s+paimon-ts/);
    expect(text).toMatch(/MATCH: Trino and paimon-ts agree on shop\.orders \(\d+ metrics\)$/);
  });

  it('MISMATCH when Trino’s warehouse differs, naming the metrics that differ', async () => {
    // Trino reads a copy taken before one more commit to ours.
    const copy = mkdtempSync(`${tmpdir()}/trino-bridge-stale-`);
    cpSync(wh, copy, { recursive: true });
    const stale = await startFakeTrino({ warehouse: copy });
    try {
      const orders = await new FileSystemCatalog(wh).getTable('shop.orders');
      const w = orders.newBatchWrite();
      await w.write([{ id: 7777, dt: '2024-06-02', customer: 'new', amount: '10.00' }]);
      await w.commit();
      const v = await verifyTable({ trino: { url: stale.url }, warehouse: wh, table: 'shop.orders' });
      expect(v.match).toBe(false);
      const differing = v.metrics.filter((m) => !m.equal).map((m) => m.name);
      expect(differing).toEqual(expect.arrayContaining(['rows', 'id: sum', 'id: max', 'amount: sum']));
      expect(differing).not.toContain('dt: min');
      expect(v.metrics.find((m) => m.name === 'rows')).toMatchObject({ trino: '299', ours: '300' });
      expect(formatVerification(v)).toMatch(/MISMATCH: \d+ of \d+ metrics differ on shop\.orders$/);
    } finally {
      await stale.close();
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('an unknown table fails before asking Trino', async () => {
    const before = trino.statements.length;
    await expect(verifyTable({ trino: { url: trino.url }, warehouse: wh, table: 'shop.nope' })).rejects.toThrow(/nope/);
    await expect(verifyTable({ trino: { url: trino.url }, warehouse: wh, table: 'orders' })).rejects.toThrow(/<db>\.<table>/);
    expect(trino.statements.length).toBe(before);
  });
});
