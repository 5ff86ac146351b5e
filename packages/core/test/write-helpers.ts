/** Scratch tables for write tests, in temp warehouse folders removed after each test. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { FileStoreTable } from '../src/table/table.js';
import type { RowInput } from '../src/write/input.js';
import { FileSystemCatalog } from '../src/catalog/filesystem-catalog.js';

const dirs: string[] = [];

export function tempDir(): string {
  const d = mkdtempSync(`${tmpdir()}/paimon-ts-write-`);
  dirs.push(d);
  return d;
}

export function cleanTempDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A table in a fresh warehouse, created through the file system catalog (schema-0 as Paimon writes it). */
export async function scratchTable(
  columns: [string, string][],
  opts: { primaryKeys?: string[]; partitionKeys?: string[]; options?: Record<string, string> } = {},
): Promise<FileStoreTable> {
  const catalog = new FileSystemCatalog(tempDir());
  await catalog.createDatabase('db', true);
  await catalog.createTable(
    'db.t',
    {
      fields: columns.map(([name, type]) => ({ name, type })),
      primaryKeys: opts.primaryKeys ?? [],
      partitionKeys: opts.partitionKeys ?? [],
      options: opts.options ?? {},
    },
    false,
  );
  return catalog.getTable('db.t');
}

/** Writes rows (with row kinds, default +I) into the table at its latest schema as one commit; returns the last snapshot id. */
export async function commitRows(table: FileStoreTable, rows: RowInput[], kinds?: string[]): Promise<number | null> {
  const w = (await table.reload()).newBatchWrite();
  await w.write(rows, kinds ? { kinds } : {});
  return (await w.commit())?.id ?? null;
}
