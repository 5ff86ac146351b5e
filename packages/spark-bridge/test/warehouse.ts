/** A fresh warehouse with an append table and a primary-key table, for write tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSystemCatalog, LocalFileIO, parseColumnList, type FileIO } from '@paimon-ts/core';

export async function shopWarehouse(fileIO?: FileIO): Promise<{ catalog: FileSystemCatalog; warehouse: string; cleanup: () => void }> {
  const warehouse = mkdtempSync(join(tmpdir(), 'spark-shop-'));
  const catalog = new FileSystemCatalog(warehouse, fileIO ? { fileIO } : {});
  await catalog.createDatabase('shop', false);
  await catalog.createTable('shop.events', { fields: parseColumnList('id BIGINT, dt STRING, amount DOUBLE, at TIMESTAMP(3)'), partitionKeys: ['dt'] }, false);
  await catalog.createTable('shop.users', { fields: parseColumnList('id INT NOT NULL, name STRING, score INT'), primaryKeys: ['id'], options: { bucket: '2' } }, false);
  return { catalog, warehouse, cleanup: () => rmSync(warehouse, { recursive: true, force: true }) };
}

/** Counts what the catalog's tables touch on disk. */
export class CountingFileIO extends LocalFileIO {
  readonly reads: string[] = [];
  readonly writes: string[] = [];

  override readFile(path: string): Promise<Uint8Array> {
    this.reads.push(path);
    return super.readFile(path);
  }
  override readRange(path: string, offset: number, length: number): Promise<Uint8Array> {
    this.reads.push(path);
    return super.readRange(path, offset, length);
  }
  override writeFile(path: string, data: Uint8Array | string, overwrite: boolean): Promise<void> {
    this.writes.push(path);
    return super.writeFile(path, data, overwrite);
  }
  override tryToWriteAtomic(path: string, data: Uint8Array | string): Promise<boolean> {
    this.writes.push(path);
    return super.tryToWriteAtomic(path, data);
  }
  reset(): void {
    this.reads.length = 0;
    this.writes.length = 0;
  }
}
