/**
 * Creating, listing and deleting tags (Paimon's `create_tag`, `delete_tag`).
 * A tag is a snapshot kept under a name: its files survive snapshot
 * expiration, and deleting the last reference to them deletes them.
 */
import { PaimonError } from '../errors.js';
import { parseDurationMillis } from './options.js';
import { deleteInOrder, FileReferences, protectedNames, type ReferencedFile } from './expire-snapshots.js';
import type { FileStoreTable } from './table.js';
import type { TagInfo } from './tag-manager.js';
import type { Snapshot } from '../spec/snapshot.js';

export interface CreateTagOptions {
  /** The snapshot to tag (default: the latest). */
  snapshotId?: number;
  /** The tag's TTL (`tagTimeRetained`); default the table option `tag.default-time-retained`, else none. */
  timeRetainedMillis?: number | null;
  /** Succeed without change when the tag exists. */
  ignoreIfExists?: boolean;
}

/** Tags `snapshotId` (default latest) as `name`; returns the tag. */
export async function createTag(table: FileStoreTable, name: string, options: CreateTagOptions = {}): Promise<TagInfo> {
  let snapshot: Snapshot;
  if (options.snapshotId !== undefined) {
    snapshot = await table.snapshots.snapshot(options.snapshotId);
  } else {
    const latest = await table.snapshots.latest();
    if (!latest) throw new PaimonError('SNAPSHOT_NOT_FOUND', `table ${table.name} has no snapshot to tag yet`);
    snapshot = latest;
  }
  let ttl = options.timeRetainedMillis;
  if (ttl === undefined) {
    const dflt = table.options.raw['tag.default-time-retained'];
    ttl = dflt === undefined ? null : parseDurationMillis(dflt, 'tag.default-time-retained');
  }
  await table.tags.create(name, snapshot, { timeRetainedMillis: ttl, ignoreIfExists: options.ignoreIfExists ?? false });
  return table.tags.info(name);
}

export function listTags(table: FileStoreTable): Promise<TagInfo[]> {
  return table.tags.all();
}

export interface DeleteTagResult {
  tag: TagInfo;
  /** Files only this tag kept alive (its snapshot had expired), now deleted. */
  deletedFiles: ReferencedFile[];
}

/**
 * Deletes a tag (TagManager.deleteTag). When its snapshot still exists the
 * files stay for snapshot expiration to handle; otherwise every file the
 * tag references that no snapshot, other tag or branch references is
 * deleted too. The tag file goes first: a crash afterwards leaves orphan
 * files (for `removeOrphanFiles`), never a tag with missing files.
 */
export async function deleteTag(table: FileStoreTable, name: string): Promise<DeleteTagResult> {
  const tag = await table.tags.info(name);
  const deletedFiles: ReferencedFile[] = [];
  if (await table.snapshots.snapshotExists(tag.snapshot.id)) {
    await table.tags.deleteFile(name);
    return { tag, deletedFiles };
  }
  const refs = new FileReferences(table);
  const snapshots: Snapshot[] = [];
  for (const id of await table.snapshots.listIds()) {
    try {
      snapshots.push(await table.snapshots.snapshot(id));
    } catch (e) {
      if (e instanceof PaimonError && e.code === 'SNAPSHOT_NOT_FOUND') continue;
      throw e;
    }
  }
  const keep = await protectedNames(table, refs, snapshots, { strictSnapshots: true, skipTags: new Set([name]) });
  const candidates = await refs.of(tag.snapshot, { live: false, strict: false }, `tag ${name}`);
  const unused = [...candidates.values()].filter((f) => !keep.has(f.name));
  await table.tags.deleteFile(name);
  await deleteInOrder(table, unused, deletedFiles);
  return { tag, deletedFiles };
}
