/**
 * Orphan file removal (Paimon's `remove_orphan_files`, OrphanFilesClean):
 * files in the table's data, manifest, index and statistics folders that no
 * snapshot, tag or long-lived changelog of any branch references, plus
 * leftovers of crashed commits (`.<name>.<uuid>.tmp`, stray files in
 * `snapshot/`), deleted only when older than an age guard so that files of a
 * commit in flight are never touched.
 */
import { PaimonError } from '../errors.js';
import type { FileStatus } from '../io/file-io.js';
import type { Snapshot } from '../spec/snapshot.js';
import { branchTables, FileReferences, longLivedChangelogNames } from './expire-snapshots.js';
import { branchPath } from './paths.js';
import type { FileStoreTable } from './table.js';

export const DEFAULT_ORPHAN_AGE_MILLIS = 86_400_000;

export interface OrphanCleanOptions {
  /** Only files last modified longer ago than this are removed (default 1 day). */
  olderThanMillis?: number;
  /** Report what would be deleted, delete nothing. */
  dryRun?: boolean;
  /** The clock (epoch millis), for tests. */
  now?: number;
}

export interface OrphanFile {
  path: string;
  size: number;
  modificationTime: number;
  /** `unreferenced`: a data, manifest, index or statistics file nothing names; `leftover`: a temporary or stray metadata file. */
  kind: 'unreferenced' | 'leftover';
}

export interface OrphanCleanResult {
  orphans: OrphanFile[];
  /** False on a dry run. */
  deleted: boolean;
  deletedBytes: number;
  /** Files looked at in the managed folders. */
  scannedFiles: number;
  /** Distinct file names that snapshots, tags and changelogs reference. */
  referencedFiles: number;
}

const TMP_FILE = /^\..+\.tmp$/;

/** Names of every file any snapshot, tag or long-lived changelog of any branch names (ADD or DELETE). */
async function referencedNames(table: FileStoreTable): Promise<Set<string>> {
  const used = new Set<string>();
  for (const t of await branchTables(table)) {
    const refs = new FileReferences(t);
    const add = (m: Map<string, unknown>) => {
      for (const k of m.keys()) used.add(k);
    };
    for (const id of await t.snapshots.listIds()) {
      let s: Snapshot;
      try {
        s = await t.snapshots.snapshot(id);
      } catch (e) {
        if (e instanceof PaimonError && e.code === 'SNAPSHOT_NOT_FOUND') continue; // expired meanwhile
        throw e;
      }
      add(await refs.of(s, { live: false, strict: false }));
    }
    for (const tag of await t.tags.all()) add(await refs.of(tag.snapshot, { live: false, strict: false }, `tag ${tag.name}`));
    add(await longLivedChangelogNames(t, refs));
  }
  return used;
}

/** Bucket folders under the data root: `k=v/` per partition level, then `bucket-*` (OrphanFilesClean.listFileDirs). */
async function bucketDirs(table: FileStoreTable, dir: string, level: number): Promise<string[]> {
  const entries = (await table.fileIO.list(dir)).filter((e) => e.isDir);
  if (level === 0) return entries.filter((e) => e.name.startsWith('bucket-')).map((e) => e.path);
  const out: string[] = [];
  for (const e of entries) if (e.name.includes('=')) out.push(...(await bucketDirs(table, e.path, level - 1)));
  return out;
}

/**
 * Finds (and unless `dryRun`, deletes) orphan files. Nothing a snapshot,
 * tag or changelog of any branch names is ever deleted; a snapshot removed
 * while this runs is skipped, a file of it that cannot be read counts as
 * not naming anything (as Paimon does), any other read failure aborts.
 */
export async function removeOrphanFiles(table: FileStoreTable, options: OrphanCleanOptions = {}): Promise<OrphanCleanResult> {
  const age = options.olderThanMillis ?? DEFAULT_ORPHAN_AGE_MILLIS;
  if (!Number.isFinite(age) || age < 0) throw new PaimonError('INVALID_ARGUMENT', `the age guard must be a non-negative duration, got ${age}`);
  const cutoff = (options.now ?? Date.now()) - age;
  const used = await referencedNames(table);
  const result: OrphanCleanResult = { orphans: [], deleted: !options.dryRun, deletedBytes: 0, scannedFiles: 0, referencedFiles: used.size };
  const consider = (files: FileStatus[], isOrphan: (f: FileStatus) => OrphanFile['kind'] | null) => {
    for (const f of files) {
      if (f.isDir) continue;
      result.scannedFiles++;
      const kind = isOrphan(f);
      if (kind && f.modificationTime < cutoff) result.orphans.push({ path: f.path, size: f.size, modificationTime: f.modificationTime, kind });
    }
  };
  const unreferenced = (f: FileStatus): OrphanFile['kind'] | null => (used.has(f.name) ? null : TMP_FILE.test(f.name) ? 'leftover' : 'unreferenced');

  const io = table.fileIO;
  for (const dir of ['manifest', 'index', 'statistics']) consider(await io.list(`${table.path}/${dir}`), unreferenced);
  const dataDir = table.options.dataFilePathDirectory;
  const dataRoot = dataDir ? `${table.path}/${dataDir}` : table.path;
  for (const dir of await bucketDirs(table, dataRoot, table.partitionKeys.length)) consider(await io.list(dir), unreferenced);

  for (const t of await branchTables(table)) {
    const root = branchPath(t.path, t.branch);
    const hint = (name: string) => name === 'EARLIEST' || name === 'LATEST';
    consider(await io.list(`${root}/snapshot`), (f) => (f.name.startsWith('snapshot-') || hint(f.name) ? null : 'leftover'));
    consider(await io.list(`${root}/changelog`), (f) => (f.name.startsWith('changelog-') || hint(f.name) ? null : 'leftover'));
    for (const dir of ['schema', 'tag', 'consumer']) consider(await io.list(`${root}/${dir}`), (f) => (TMP_FILE.test(f.name) ? 'leftover' : null));
  }

  result.orphans.sort((a, b) => a.path.localeCompare(b.path));
  result.deletedBytes = result.orphans.reduce((n, f) => n + f.size, 0);
  if (!options.dryRun) for (const f of result.orphans) await io.delete(f.path, false);
  return result;
}
