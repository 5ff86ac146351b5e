/** Shared pieces of the hive-metastore tests: warehouses, a running in-memory metastore, rows. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchToRows, type FileStoreTable, type RowInput } from '@paimon-ts/core';
import { HiveCatalog, type HiveCatalogOptions, MemoryMetastore, type MemoryMetastoreOptions } from '../src/index.js';

export function tempWarehouse(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'paimon-ts-hms-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface Env {
  warehouse: string;
  hms: MemoryMetastore;
  uri: string;
  catalog(options?: Partial<HiveCatalogOptions>): HiveCatalog;
  close(): Promise<void>;
}

/** A warehouse, a metastore serving it, and a factory of catalogs on both (closed together). */
export async function startEnv(hmsOptions: MemoryMetastoreOptions = {}): Promise<Env> {
  const wh = tempWarehouse();
  const hms = new MemoryMetastore({ warehouse: `file:${wh.path}`, ...hmsOptions });
  const uri = await hms.start();
  const catalogs: HiveCatalog[] = [];
  return {
    warehouse: wh.path,
    hms,
    uri,
    catalog(options = {}) {
      const c = new HiveCatalog({ uri, warehouse: wh.path, requestTimeoutMs: 5_000, connectTimeoutMs: 2_000, ...options });
      catalogs.push(c);
      return c;
    },
    async close() {
      for (const c of catalogs) c.close();
      await hms.stop();
      wh.remove();
    },
  };
}

export async function writeRows(table: FileStoreTable, rows: RowInput[]): Promise<number> {
  const w = table.newBatchWrite();
  await w.write(rows);
  const s = await w.commit();
  if (!s) throw new Error(`nothing committed to ${table.name}`);
  return s.id;
}

export async function readRows(table: FileStoreTable): Promise<Record<string, unknown>[]> {
  const t = await table.newScan().toArrow();
  return t.batches.flatMap((b) => batchToRows(b));
}

export const sortBy = <T extends Record<string, unknown>>(rows: T[], key: string): T[] =>
  [...rows].sort((a, b) => (Number(a[key]) - Number(b[key])) || String(a[key]).localeCompare(String(b[key])));
