/**
 * Rolling a table back to a snapshot or a tag (Paimon's `rollback_to`,
 * RollbackHelper): newer snapshots and newer tags are removed with the files
 * only they used, LATEST points at the target, and the next commit gets the
 * target's id + 1. Rolling back to a tag whose snapshot already expired
 * re-creates that snapshot from the tag.
 *
 * Like Paimon's, a rollback assumes no writer commits to the branch meanwhile.
 */
import { PaimonError } from '../errors.js';
import { serializeSnapshot, type Snapshot } from '../spec/snapshot.js';
import { deleteInOrder, FileReferences, protectedNames, writeHint, type ReferencedFile } from './expire-snapshots.js';
import { branchPath, snapshotPath } from './paths.js';
import type { FileStoreTable } from './table.js';

export type RollbackTarget = { snapshot: number } | { tag: string };

export interface RollbackResult {
  /** The snapshot id the table now reads at (its latest). */
  snapshot: number;
  /** Set when rolling back to a tag. */
  tag: string | null;
  /** True when the target snapshot had expired and was re-created from the tag. */
  restoredFromTag: boolean;
  deletedSnapshots: number[];
  /** Tags on snapshots newer than the target (Paimon removes them too: their ids will be reused). */
  deletedTags: string[];
  deletedFiles: ReferencedFile[];
}

/** `snapshot:N`, `tag:NAME`, or a bare number (a snapshot id). */
export function parseRollbackTarget(text: string): RollbackTarget {
  const m = /^(snapshot|tag):(.+)$/.exec(text.trim());
  if (m?.[1] === 'tag') return { tag: m[2]! };
  const id = m?.[1] === 'snapshot' ? m[2]! : text.trim();
  if (/^\d+$/.test(id) && Number(id) > 0) return { snapshot: Number(id) };
  throw new PaimonError('INVALID_ARGUMENT', `rollback target ${JSON.stringify(text)}: use snapshot:N or tag:NAME`);
}

async function tryRead(table: FileStoreTable, id: number): Promise<Snapshot | null> {
  try {
    return await table.snapshots.snapshot(id);
  } catch (e) {
    if (e instanceof PaimonError && e.code === 'SNAPSHOT_NOT_FOUND') return null;
    throw e;
  }
}

export async function rollbackTo(table: FileStoreTable, target: RollbackTarget): Promise<RollbackResult> {
  const fromTag = 'tag' in target ? target.tag : null;
  const targetSnapshot: Snapshot = fromTag !== null ? await table.tags.snapshot(fromTag) : await table.snapshots.snapshot((target as { snapshot: number }).snapshot);
  const targetId = targetSnapshot.id;
  const restore = fromTag !== null && !(await table.snapshots.snapshotExists(targetId));

  const ids = await table.snapshots.listIds();
  const newer: Snapshot[] = [];
  const older: Snapshot[] = [];
  for (const id of ids) {
    if (id === targetId) continue;
    const s = await tryRead(table, id);
    if (s) (id > targetId ? newer : older).push(s);
  }
  const newerTags = (await table.tags.all()).filter((t) => t.snapshot.id > targetId);

  // Everything is read before anything changes.
  const refs = new FileReferences(table);
  const candidates = new Map<string, ReferencedFile>();
  for (const s of newer) for (const [k, f] of await refs.of(s, { live: false, strict: false })) candidates.set(k, f);
  for (const t of newerTags) for (const [k, f] of await refs.of(t.snapshot, { live: false, strict: false }, `tag ${t.name}`)) candidates.set(k, f);
  const keep = await protectedNames(table, refs, older, { strictSnapshots: false, skipTags: new Set(newerTags.map((t) => t.name)) });
  for (const name of (await refs.of(targetSnapshot, { live: true, strict: true }, fromTag !== null ? `tag ${fromTag}` : undefined)).keys()) keep.add(name);
  const unused = [...candidates.values()].filter((f) => !keep.has(f.name));

  const root = branchPath(table.path, table.branch);
  const result: RollbackResult = { snapshot: targetId, tag: fromTag, restoredFromTag: restore, deletedSnapshots: [], deletedTags: [], deletedFiles: [] };
  if (restore) {
    // The tag's snapshot comes back first, so that at every step some whole snapshot is the latest.
    if (!(await table.fileIO.tryToWriteAtomic(snapshotPath(root, targetId), serializeSnapshot(targetSnapshot)))) {
      throw new PaimonError('COMMIT_CONFLICT', `table ${table.name}: snapshot ${targetId} appeared while rolling back to tag ${fromTag}`);
    }
    if (older.length === 0) await writeHint(table, 'EARLIEST', targetId);
  }
  // Newest first: a reader in between sees the newest snapshot that is left, whole.
  for (const s of [...newer].sort((a, b) => b.id - a.id)) {
    await table.fileIO.delete(snapshotPath(root, s.id), false);
    result.deletedSnapshots.push(s.id);
  }
  for (const t of newerTags) {
    await table.tags.deleteFile(t.name);
    result.deletedTags.push(t.name);
  }
  await writeHint(table, 'LATEST', targetId);
  await deleteInOrder(table, unused, result.deletedFiles);
  result.deletedSnapshots.sort((a, b) => a - b);
  return result;
}
