/**
 * Publishing written files as a snapshot (spec 3.2): delta manifests, a base
 * manifest list describing the previous state, the snapshot file created
 * atomically (a commit appears whole or not at all), then the LATEST hint.
 * Concurrent committers race for the next snapshot id; the loser re-reads the
 * latest snapshot, checks for conflicts and tries again.
 */
import { PaimonError } from '../errors.js';
import { deserializeBinaryRow, rowKey } from '../spec/binary-row.js';
import type { DataFileMeta } from '../spec/data-file-meta.js';
import { entryIdentifier, FileKind, type ManifestEntry } from '../spec/manifest-entry.js';
import type { ManifestFileMeta } from '../spec/manifest-file-meta.js';
import { serializeSnapshot, type CommitKind, type Snapshot } from '../spec/snapshot.js';
import { fieldsByName } from '../spec/table-schema.js';
import type { FileStoreTable } from '../table/table.js';
import { snapshotDir, snapshotPath, branchPath, indexPath } from '../table/paths.js';
import { bucketDirectory } from '../table/data-paths.js';
import { compareValues, type Value } from '../types/values.js';
import type { DataType } from '../types/data-type.js';
import { avroCodecOf, ManifestWriter } from './manifest-writer.js';
import type { IndexFileMeta } from '../compact/deletion-vector-maintainer.js';
import { HASH_INDEX, type IndexManifestEntry } from '../spec/index-manifest-entry.js';

/** What one bucket wrote: new files, and what its compactions replaced (Paimon's CommitMessageImpl). */
export interface CommitMessage {
  partition: Uint8Array;
  bucket: number;
  totalBuckets: number;
  /** Level-0 files of new data (APPEND snapshot). */
  newFiles: DataFileMeta[];
  /** `changelog-producer = input`: the input rows as written (APPEND snapshot's changelog). */
  changelogFiles?: DataFileMeta[];
  /** Files compactions removed and added (COMPACT snapshot). */
  compactBefore?: DataFileMeta[];
  compactAfter?: DataFileMeta[];
  /** Changelog derived by compaction (`lookup`, `full-compaction` producers). */
  compactChangelog?: DataFileMeta[];
  /**
   * Index files written and retired with the new files (APPEND or OVERWRITE
   * snapshot): dynamic-bucket HASH indexes, deletion vectors of a DELETE.
   */
  newIndexFiles?: IndexFileMeta[];
  deletedIndexFiles?: IndexFileMeta[];
  /** Deletion-vector index files compactions wrote and retired (COMPACT snapshot). */
  compactNewIndexFiles?: IndexFileMeta[];
  compactDeletedIndexFiles?: IndexFileMeta[];
}

interface IndexChanges {
  added: IndexManifestEntry[];
  removed: IndexManifestEntry[];
}

/** INSERT OVERWRITE scopes: the whole table, the partitions present in the data, or one given partition. */
export type Overwrite = { mode: 'all' } | { mode: 'dynamic' } | { mode: 'static'; partition: Record<string, Value> };

export interface CommitOptions {
  /** Identifies this commit for idempotent retries (with the commit user); batch jobs use Long.MAX_VALUE. */
  identifier?: bigint;
  overwrite?: Overwrite;
  kind?: CommitKind;
  /** Properties stored in the snapshot. */
  properties?: Record<string, string>;
}

export const BATCH_COMMIT_IDENTIFIER = 9223372036854775807n;

/** Every attempt lost the race for the next snapshot id: nothing was published, the messages can be committed again. */
class LostRaces extends PaimonError {
  constructor(message: string) {
    super('COMMIT_CONFLICT', message);
  }
}

/** The compaction part of a commit failed; the new data (`committed`, if any) is in the table. */
export class CompactionConflict extends PaimonError {
  constructor(
    message: string,
    readonly committed: Snapshot | null,
    cause: unknown,
  ) {
    super('COMMIT_CONFLICT', message, { cause });
  }
}


export class TableCommit {
  constructor(
    readonly table: FileStoreTable,
    readonly commitUser: string,
  ) {}

  /** The latest snapshot this user committed, scanning back from the latest (for idempotent retries). */
  private async latestOfUser(latest: Snapshot | null): Promise<Snapshot | null> {
    if (!latest) return null;
    const earliest = (await this.table.snapshots.earliestId()) ?? latest.id;
    for (let id = latest.id; id >= earliest; id--) {
      let s: Snapshot;
      try {
        s = id === latest.id ? latest : await this.table.snapshots.snapshot(id);
      } catch (e) {
        if (e instanceof PaimonError && e.code === 'SNAPSHOT_NOT_FOUND') break; // expired meanwhile
        throw e;
      }
      if (s.commitUser === this.commitUser) return s;
    }
    return null;
  }

  private async manifestsOf(snapshot: Snapshot | null): Promise<ManifestFileMeta[]> {
    return snapshot ? this.table.manifests.dataManifests(snapshot) : [];
  }

  private readAll(metas: ManifestFileMeta[]): Promise<ManifestEntry[]> {
    return this.table.manifests.liveEntries(metas, {}, `table ${this.table.name}`);
  }

  /**
   * Commits the messages and returns the last snapshot made; null when there
   * was nothing to commit or this identifier was already committed. New
   * files (and input changelog) become one APPEND (or OVERWRITE) snapshot;
   * compaction changes a following COMPACT snapshot, as Paimon commits them.
   */
  async commit(messages: readonly CommitMessage[], options: CommitOptions = {}): Promise<Snapshot | null> {
    const identifier = options.identifier ?? BATCH_COMMIT_IDENTIFIER;
    const table = this.table;
    const manifestFormat = table.options.manifestFormat;
    if (manifestFormat !== 'avro' && manifestFormat !== 'orc') {
      throw new PaimonError('UNSUPPORTED_FORMAT', `table ${table.name}: writing manifest.format ${manifestFormat} is not supported (avro and orc are)`);
    }
    const entries = (kind: FileKind, pick: (m: CommitMessage) => readonly DataFileMeta[] | undefined): ManifestEntry[] =>
      messages.flatMap((m) => (pick(m) ?? []).map((file) => ({ kind, partition: m.partition, bucket: m.bucket, totalBuckets: m.totalBuckets, file })));
    const appended = entries(FileKind.ADD, (m) => m.newFiles);
    const changelog = entries(FileKind.ADD, (m) => m.changelogFiles);
    const compactAdded = entries(FileKind.ADD, (m) => m.compactAfter);
    const compactRemoved = entries(FileKind.DELETE, (m) => m.compactBefore);
    const compactChangelog = entries(FileKind.ADD, (m) => m.compactChangelog);
    const indexEntries = (kind: FileKind, pick: (m: CommitMessage) => readonly IndexFileMeta[] | undefined): IndexManifestEntry[] =>
      messages.flatMap((m) => (pick(m) ?? []).map((f) => ({ ...f, kind, partition: m.partition, bucket: m.bucket })));
    const appendIndex: IndexChanges = { added: indexEntries(FileKind.ADD, (m) => m.newIndexFiles), removed: indexEntries(FileKind.DELETE, (m) => m.deletedIndexFiles) };
    const compactIndex: IndexChanges = { added: indexEntries(FileKind.ADD, (m) => m.compactNewIndexFiles), removed: indexEntries(FileKind.DELETE, (m) => m.compactDeletedIndexFiles) };
    const hasAppend = appended.length > 0 || changelog.length > 0 || appendIndex.added.length + appendIndex.removed.length > 0 || !!options.overwrite;
    const hasCompact = compactAdded.length > 0 || compactRemoved.length > 0 || compactChangelog.length > 0 || compactIndex.added.length + compactIndex.removed.length > 0;
    if (!hasAppend && !hasCompact) return null;
    if (identifier !== BATCH_COMMIT_IDENTIFIER) {
      const mine = await this.latestOfUser(await table.snapshots.latest());
      if (mine && mine.commitIdentifier >= identifier) return null;
    }
    let last: Snapshot | null = null;
    if (hasAppend) {
      const kind: CommitKind = options.kind ?? (options.overwrite ? 'OVERWRITE' : 'APPEND');
      // Nothing is cleaned up here on failure: the messages stay committable (a retry, as Paimon's
      // committer does); a caller that gives them up calls abort().
      last = await this.commitChanges(kind, appended, [], changelog, identifier, options, appendIndex);
    }
    if (hasCompact) {
      try {
        last = await this.commitChanges('COMPACT', compactAdded, compactRemoved, compactChangelog, identifier, { ...options, overwrite: undefined }, compactIndex);
      } catch (e) {
        if (!(e instanceof PaimonError && e.code === 'COMMIT_CONFLICT')) throw e;
        // A real conflict (the files it replaces are gone) can never commit: its outputs are spent.
        if (!(e instanceof LostRaces)) await this.abort(messages, 'compaction');
        const kept = last ? `the new data was committed as snapshot ${last.id}; ` : '';
        throw new CompactionConflict(`table ${table.name}: ${kept}its compaction was not committed: ${e.message}`, last, e);
      }
    }
    return last;
  }

  /**
   * Deletes the files the messages brought that no snapshot references:
   * after a failed write, or a commit that conflicted (`compaction`: only
   * what compactions wrote). Files a compaction only moved to another level
   * keep their bytes (they are committed under their old level).
   */
  async abort(messages: readonly CommitMessage[], scope: 'all' | 'compaction' = 'all'): Promise<void> {
    const table = this.table;
    const partitionTypes = fieldsByName(table.schema, table.schema.partitionKeys, `table ${table.name}`).map((f) => f.type);
    const paths: string[] = [];
    for (const m of messages) {
      const dir = bucketDirectory(table.path, table.schema, deserializeBinaryRow(m.partition, partitionTypes), m.bucket);
      const committed = new Set((m.compactBefore ?? []).map((f) => f.fileName));
      const files = [
        ...(scope === 'all' ? [...m.newFiles, ...(m.changelogFiles ?? [])] : []),
        ...(m.compactAfter ?? []).filter((f) => !committed.has(f.fileName)),
        ...(m.compactChangelog ?? []),
      ];
      for (const f of files) paths.push(f.externalPath ?? `${dir}/${f.fileName}`);
      const indexFiles = [...(scope === 'all' ? (m.newIndexFiles ?? []) : []), ...(m.compactNewIndexFiles ?? [])];
      for (const f of indexFiles) paths.push(f.externalPath ?? indexPath(table.path, f.fileName));
    }
    for (const p of paths) await table.fileIO.delete(p, false).catch(() => undefined);
  }

  /** One snapshot: retried on a lost race for the next id, failed on a conflict. */
  private async commitChanges(
    kind: CommitKind,
    added: ManifestEntry[],
    removed: ManifestEntry[],
    changelog: ManifestEntry[],
    identifier: bigint,
    options: CommitOptions,
    index: IndexChanges = { added: [], removed: [] },
  ): Promise<Snapshot> {
    const table = this.table;
    const schema = table.schema;
    const coreOptions = table.options;
    const maxRetries = coreOptions.commitMaxRetries;
    const partitionTypes = fieldsByName(schema, schema.partitionKeys, `table ${table.name}`).map((f) => f.type);
    for (let attempt = 0; ; attempt++) {
      const latest = await table.snapshots.latest();
      const metas = await this.manifestsOf(latest);
      let deletes = removed;
      const overwritten = options.overwrite ? this.overwriteScope(added, options.overwrite, partitionTypes) : null;
      if (overwritten || removed.length > 0) {
        const live = await this.readAll(metas);
        if (overwritten) deletes = [...removed, ...live.filter((e) => overwritten(e.partition)).map((e) => ({ ...e, kind: FileKind.DELETE }))];
        this.checkConflicts(live, deletes, latest);
      }
      const writer = new ManifestWriter(
        table.fileIO,
        table.path,
        partitionTypes,
        schema.id,
        avroCodecOf(coreOptions.manifestCompression),
        coreOptions.manifestTargetFileSize,
        coreOptions.manifestFormat as 'avro' | 'orc',
      );
      // Once the snapshot may be published its manifests may be the table's: nothing after that deletes them.
      let keepFiles = false;
      try {
        const delta = [...deletes, ...added];
        const baseMetas = await this.compactManifests(metas, writer);
        const base = await writer.writeList(baseMetas);
        const deltaList = await writer.writeList(await writer.writeManifests(delta));
        const changelogList = changelog.length > 0 ? await writer.writeList(await writer.writeManifests(changelog)) : null;
        const deltaRecordCount = added.reduce((n, e) => n + e.file.rowCount, 0) - deletes.reduce((n, e) => n + e.file.rowCount, 0);
        const id = (latest?.id ?? 0) + 1;
        const snapshot: Snapshot = {
          version: 3,
          id,
          schemaId: schema.id,
          baseManifestList: base.name,
          baseManifestListSize: base.size,
          deltaManifestList: deltaList.name,
          deltaManifestListSize: deltaList.size,
          ...(changelogList ? { changelogManifestList: changelogList.name, changelogManifestListSize: changelogList.size } : {}),
          commitUser: this.commitUser,
          commitIdentifier: identifier,
          commitKind: kind,
          timeMillis: Date.now(),
          totalRecordCount: (latest?.totalRecordCount ?? 0) + deltaRecordCount,
          deltaRecordCount,
          ...(changelogList ? { changelogRecordCount: changelog.reduce((n, e) => n + e.file.rowCount, 0) } : {}),
          nextRowId: latest?.nextRowId ?? 0,
        };
        let indexChange = index;
        if (overwritten && latest?.indexManifest) {
          // The replaced partitions' index files (deletion vectors, key hashes) retire with their data (OverwriteChangesProvider).
          const stale = (await table.manifests.liveIndexFiles(latest)).filter((e) => overwritten(e.partition));
          if (stale.length > 0) indexChange = { added: index.added, removed: [...index.removed, ...stale] };
        }
        if (indexChange.added.length + indexChange.removed.length > 0) {
          const indexManifest = await this.nextIndexManifest(latest, indexChange, writer);
          if (indexManifest) snapshot.indexManifest = indexManifest;
        } else if (latest?.indexManifest) snapshot.indexManifest = latest.indexManifest;
        if (latest?.watermark !== undefined) snapshot.watermark = latest.watermark;
        if (options.properties) snapshot.properties = options.properties;
        const root = branchPath(table.path, table.branch);
        const publish = (): Promise<boolean> => table.fileIO.tryToWriteAtomic(snapshotPath(root, id), serializeSnapshot(snapshot));
        let published: boolean;
        try {
          published = table.commitLock
            ? await table.commitLock.runWithLock(table.name, async () => !(await table.fileIO.exists(snapshotPath(root, id))) && (await publish()))
            : await publish();
        } catch (e) {
          // Not sure whether the snapshot landed (Paimon: "should not clean up the files"): if it is ours, it did.
          keepFiles = true;
          if (!(await this.isMine(id, identifier, kind))) throw e;
          published = true;
        }
        if (published) {
          keepFiles = true;
          await this.writeLatestHint(root, id);
          for (const callback of table.commitCallbacks) {
            try {
              await callback(snapshot, [...deletes, ...added]);
            } catch (e) {
              throw new PaimonError('COMMIT_CALLBACK_FAILED', `table ${table.name}: snapshot ${id} was committed, but a commit callback failed: ${(e as Error).message}`, { cause: e });
            }
          }
          return snapshot;
        }
        await writer.abort();
      } catch (e) {
        if (!keepFiles) await writer.abort().catch(() => undefined);
        throw e;
      }
      if (attempt >= maxRetries) {
        throw new LostRaces(`table ${table.name}: gave up committing after ${attempt + 1} attempts; other writers kept taking the next snapshot id (the same messages can be committed again)`);
      }
      await new Promise((r) => setTimeout(r, Math.random() * 20 * (attempt + 1)));
    }
  }

  /** Whether snapshot `id` exists and is this commit (user, identifier, kind). */
  private async isMine(id: number, identifier: bigint, kind: CommitKind): Promise<boolean> {
    try {
      const s = await this.table.snapshots.snapshot(id);
      return s.commitUser === this.commitUser && s.commitIdentifier === identifier && s.commitKind === kind;
    } catch {
      return false;
    }
  }

  /**
   * The index manifest after retiring and adding index files: the complete
   * list of live index files, as Paimon keeps it; null when none is left.
   */
  private async nextIndexManifest(latest: Snapshot | null, index: IndexChanges, writer: ManifestWriter): Promise<string | null> {
    const live = await this.table.manifests.liveIndexFiles(latest);
    const liveNames = new Set(live.map((e) => e.fileName));
    const gone = new Set(index.removed.map((e) => e.fileName));
    for (const name of gone) {
      if (!liveNames.has(name)) {
        throw new PaimonError('COMMIT_CONFLICT', `table ${this.table.name}: index file ${name} to retire is not in snapshot ${latest?.id ?? 'none'}; another writer changed the table's index files`);
      }
    }
    const next = [...live.filter((e) => !gone.has(e.fileName)), ...index.added];
    // A bucket has one HASH file; two mean another writer assigned keys in the same bucket meanwhile.
    const hashFiles = new Set<string>();
    for (const e of next) {
      if (e.indexType !== HASH_INDEX) continue;
      const key = `${rowKey(e.partition)}/${e.bucket}`;
      if (hashFiles.has(key)) {
        throw new PaimonError('COMMIT_CONFLICT', `table ${this.table.name}: bucket ${e.bucket} got a second hash index file (${e.fileName}) in snapshot ${(latest?.id ?? 0) + 1}; another writer wrote new keys to the same dynamic bucket`);
      }
      hashFiles.add(key);
    }
    return next.length === 0 ? null : writer.writeIndexManifest(next);
  }

  private async writeLatestHint(root: string, id: number): Promise<void> {
    try {
      await this.table.fileIO.writeFile(`${snapshotDir(root)}/LATEST`, String(id), true);
    } catch {
      // The hint is advisory; readers fall back to listing snapshot/.
    }
  }

  /** Which partitions an overwrite replaces, as a test on a serialized partition. */
  private overwriteScope(added: ManifestEntry[], overwrite: Overwrite, partitionTypes: DataType[]): (partition: Uint8Array) => boolean {
    if (overwrite.mode === 'all') return () => true;
    if (overwrite.mode === 'dynamic') {
      const touched = new Set(added.map((e) => rowKey(e.partition)));
      return (p) => touched.has(rowKey(p));
    }
    const keys = this.table.schema.partitionKeys;
    for (const k of Object.keys(overwrite.partition)) {
      if (!keys.includes(k)) throw new PaimonError('INVALID_ARGUMENT', `table ${this.table.name}: ${k} is not a partition key (partition keys: ${keys.join(', ') || 'none'})`);
    }
    const wanted = keys.map((k) => (k in overwrite.partition ? overwrite.partition[k]! : undefined));
    const matches = (p: Uint8Array): boolean => {
      const values = deserializeBinaryRow(p, partitionTypes);
      return wanted.every((w, i) => w === undefined || compareValues(w, values[i]!) === 0);
    };
    const outside = added.find((e) => !matches(e.partition));
    if (outside) throw new PaimonError('INVALID_ARGUMENT', `table ${this.table.name}: overwriting partition ${JSON.stringify(overwrite.partition)} but data for another partition was written`);
    return matches;
  }

  /** A file to delete must be live in the latest snapshot (someone else may have compacted or overwritten it). */
  private checkConflicts(live: ManifestEntry[], deletes: ManifestEntry[], latest: Snapshot | null): void {
    const liveIds = new Set(live.map(entryIdentifier));
    for (const d of deletes) {
      if (!liveIds.delete(entryIdentifier(d))) {
        throw new PaimonError(
          'COMMIT_CONFLICT',
          `table ${this.table.name}: file ${d.file.fileName} (bucket ${d.bucket}) to delete is not in snapshot ${latest?.id ?? 'none'}; another writer changed it`,
        );
      }
    }
  }

  /**
   * Manifest housekeeping (ManifestFileMerger): once `manifest.merge-min-count`
   * manifests pile up, all are merged (ADD/DELETE cancelled) into new files.
   */
  private async compactManifests(metas: ManifestFileMeta[], writer: ManifestWriter): Promise<ManifestFileMeta[]> {
    const minCount = this.table.options.manifestMergeMinCount;
    if (metas.length < minCount) return metas;
    return writer.writeManifests(await this.readAll(metas));
  }
}
