/** Shared pieces of the lifecycle tests: tables with history, reading every snapshot and tag, files on disk. */
import { cpSync, existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { expect } from 'vitest';
import { batchToRows } from '../src/read/rows.js';
import { FileStoreTable } from '../src/table/table.js';
import { FileReferences } from '../src/table/expire-snapshots.js';
import { LocalFileIO } from '../src/io/file-io.js';
import type { RowInput } from '../src/write/input.js';
import { scratchTable, tempDir } from './write-helpers.js';

export const COLUMNS: [string, string][] = [['id', 'INT'], ['dt', 'STRING'], ['v', 'STRING']];

/** A partitioned append table (bucket -1: every file in bucket-0). */
export function appendTable(options: Record<string, string> = {}): Promise<FileStoreTable> {
  return scratchTable(COLUMNS, { partitionKeys: ['dt'], options });
}

/** A primary-key table, 2 fixed buckets. */
export function pkTable(options: Record<string, string> = {}): Promise<FileStoreTable> {
  return scratchTable(COLUMNS, { primaryKeys: ['dt', 'id'], partitionKeys: ['dt'], options: { bucket: '2', ...options } });
}

export async function write(table: FileStoreTable, rows: RowInput[], overwrite = false): Promise<number> {
  const w = (await table.reload()).newBatchWrite(overwrite ? { overwrite: true } : {});
  await w.write(rows);
  const s = await w.commit();
  if (!s) throw new Error('nothing committed');
  await new Promise((r) => setTimeout(r, 3)); // distinct commit times
  return s.id;
}

export const rowsOf = (n: number, from: number, dt: string, v = 'x'): RowInput[] =>
  Array.from({ length: n }, (_, i) => ({ id: from + i, dt, v: `${v}${from + i}` }));

export async function read(table: FileStoreTable, at: { snapshot?: number; tag?: string } = {}): Promise<string[]> {
  const scan = table.newScan();
  if (at.snapshot !== undefined) scan.atSnapshot(at.snapshot);
  if (at.tag !== undefined) scan.atTag(at.tag);
  return (await scan.toArrow()).batches.flatMap((b) => batchToRows(b)).map((r) => `${r['dt']}|${r['id']}|${r['v']}`).sort();
}

/** Rows of every snapshot and every tag, keyed `snapshot-N` / `tag-NAME`. */
export async function readAll(table: FileStoreTable): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const id of await table.snapshots.listIds()) out.set(`snapshot-${id}`, await read(table, { snapshot: id }));
  for (const name of await table.tags.list()) out.set(`tag-${name}`, await read(table, { tag: name }));
  return out;
}

/** Every file under a folder, relative paths. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = `${d}/${name}`;
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p.slice(dir.length + 1));
    }
  };
  walk(dir);
  return out.sort();
}

/** Every file the remaining snapshots and tags read exists on disk. */
export async function expectReferencedFilesExist(table: FileStoreTable): Promise<number> {
  const refs = new FileReferences(table);
  let n = 0;
  const check = async (s: Parameters<FileReferences['of']>[0], what: string) => {
    for (const f of (await refs.of(s, { live: true, strict: true }, what)).values()) {
      expect(existsSync(f.path), `${what} needs ${f.path}`).toBe(true);
      n++;
    }
  };
  for (const s of await table.snapshots.all()) await check(s, `snapshot ${s.id}`);
  for (const t of await table.tags.all()) await check(t.snapshot, `tag ${t.name}`);
  return n;
}

/**
 * Creates branch `name` from snapshot `id` by copying files, as Paimon's
 * createBranch does: the schemas and the snapshot go under branch/branch-<name>.
 */
export function branchFromSnapshot(table: FileStoreTable, name: string, id: number): void {
  const root = `${table.path}/branch/branch-${name}`;
  cpSync(`${table.path}/schema`, `${root}/schema`, { recursive: true });
  cpSync(`${table.path}/snapshot/snapshot-${id}`, `${root}/snapshot/snapshot-${id}`);
}

/** A copy of a table folder in a fresh temp dir, opened (optionally through another FileIO). */
export async function copyTable(src: string, fileIO = new LocalFileIO()): Promise<FileStoreTable> {
  const dst = `${mkdtempSync(`${tempDir()}/copy-`)}/t`;
  cpSync(src, dst, { recursive: true });
  return FileStoreTable.open(dst, { fileIO });
}

/** A FileIO whose delete throws after `allowed` successful deletions: a process dying mid-way. */
export class CrashingFileIO extends LocalFileIO {
  deletions = 0;
  constructor(private readonly allowed: number) {
    super();
  }
  override async delete(path: string, recursive: boolean): Promise<void> {
    if (this.deletions >= this.allowed) throw new Error(`crash before deleting ${path}`);
    this.deletions++;
    await super.delete(path, recursive);
  }
}
