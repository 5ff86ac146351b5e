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
import { snapshotDir, snapshotPath, branchPath } from '../table/paths.js';
import { compareValues, type Value } from '../types/values.js';
import type { DataType } from '../types/data-type.js';
import { avroCodecOf, ManifestWriter } from './manifest-writer.js';
import type { IndexFileMeta } from '../compact/deletion-vector-maintainer.js';
import type { IndexManifestEntry } from '../spec/index-manifest-entry.js';

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
  /** Deletion-vector index files compactions wrote and retired (COMPACT snapshot). */
  newIndexFiles?: IndexFileMeta[];
  deletedIndexFiles?: IndexFileMeta[];
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
    const hasAppend = appended.length > 0 || changelog.length > 0 || !!options.overwrite;
    const indexAdded = messages.flatMap((m) => (m.newIndexFiles ?? []).map((f) => ({ ...f, kind: FileKind.ADD, partition: m.partition, bucket: m.bucket })));
    const indexRemoved = messages.flatMap((m) => (m.deletedIndexFiles ?? []).map((f) => ({ ...f, kind: FileKind.DELETE, partition: m.partition, bucket: m.bucket })));
    const hasCompact = compactAdded.length > 0 || compactRemoved.length > 0 || compactChangelog.length > 0 || indexAdded.length + indexRemoved.length > 0;
    if (!hasAppend && !hasCompact) return null;
    if (identifier !== BATCH_COMMIT_IDENTIFIER) {
      const mine = await this.latestOfUser(await table.snapshots.latest());
      if (mine && mine.commitIdentifier >= identifier) return null;
    }
    let last: Snapshot | null = null;
    if (hasAppend) {
      const kind: CommitKind = options.kind ?? (options.overwrite ? 'OVERWRITE' : 'APPEND');
      last = await this.commitChanges(kind, appended, [], changelog, identifier, options);
    }
    if (hasCompact) {
      last = await this.commitChanges('COMPACT', compactAdded, compactRemoved, compactChangelog, identifier, { ...options, overwrite: undefined }, { added: indexAdded, removed: indexRemoved });
    }
    return last;
  }

  /** One snapshot: retried on a lost race for the next id, failed on a conflict. */
  private async commitChanges(
    kind: CommitKind,
    added: ManifestEntry[],
    removed: ManifestEntry[],
    changelog: ManifestEntry[],
    identifier: bigint,
    options: CommitOptions,
    index: { added: IndexManifestEntry[]; removed: IndexManifestEntry[] } = { added: [], removed: [] },
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
      if (options.overwrite || removed.length > 0) {
        const live = await this.readAll(metas);
        if (options.overwrite) deletes = [...removed, ...this.overwriteDeletes(live, added, options.overwrite, partitionTypes)];
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
        if (options.overwrite && latest?.indexManifest && deletes.length > 0) {
          // deletion vectors of files the overwrite removed retire with them
          const gone = new Set(deletes.map((e) => e.file.fileName));
          const stale = (await table.manifests.indexManifest(latest.indexManifest)).filter((e) => e.kind === FileKind.ADD && (e.dvRanges ?? []).every((r) => gone.has(r.dataFileName)));
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
        const published = table.commitLock
          ? await table.commitLock.runWithLock(table.name, async () => !(await table.fileIO.exists(snapshotPath(root, id))) && (await publish()))
          : await publish();
        if (published) {
          await this.writeLatestHint(root, id);
          return snapshot;
        }
        await writer.abort();
      } catch (e) {
        await writer.abort().catch(() => undefined);
        throw e;
      }
      if (attempt >= maxRetries) {
        throw new PaimonError('COMMIT_CONFLICT', `table ${table.name}: gave up committing after ${attempt + 1} attempts; other writers kept taking the next snapshot id`);
      }
      await new Promise((r) => setTimeout(r, Math.random() * 20 * (attempt + 1)));
    }
  }

  /**
   * The index manifest after retiring and adding index files: the complete
   * list of live index files, as Paimon keeps it; null when none is left.
   */
  private async nextIndexManifest(latest: Snapshot | null, index: { added: IndexManifestEntry[]; removed: IndexManifestEntry[] }, writer: ManifestWriter): Promise<string | null> {
    const live = latest?.indexManifest ? (await this.table.manifests.indexManifest(latest.indexManifest)).filter((e) => e.kind === FileKind.ADD) : [];
    const gone = new Set(index.removed.map((e) => e.fileName));
    for (const name of gone) {
      if (!live.some((e) => e.fileName === name)) {
        throw new PaimonError('COMMIT_CONFLICT', `table ${this.table.name}: index file ${name} to retire is not in snapshot ${latest?.id ?? 'none'}; another writer changed the deletion vectors`);
      }
    }
    const next = [...live.filter((e) => !gone.has(e.fileName)), ...index.added];
    return next.length === 0 ? null : writer.writeIndexManifest(next);
  }

  private async writeLatestHint(root: string, id: number): Promise<void> {
    try {
      await this.table.fileIO.writeFile(`${snapshotDir(root)}/LATEST`, String(id), true);
    } catch {
      // The hint is advisory; readers fall back to listing snapshot/.
    }
  }

  /** Live files an overwrite removes. */
  private overwriteDeletes(live: ManifestEntry[], added: ManifestEntry[], overwrite: Overwrite, partitionTypes: DataType[]): ManifestEntry[] {
    let matches: (e: ManifestEntry) => boolean;
    if (overwrite.mode === 'all') matches = () => true;
    else if (overwrite.mode === 'dynamic') {
      const touched = new Set(added.map((e) => rowKey(e.partition)));
      matches = (e) => touched.has(rowKey(e.partition));
    } else {
      const keys = this.table.schema.partitionKeys;
      for (const k of Object.keys(overwrite.partition)) {
        if (!keys.includes(k)) throw new PaimonError('INVALID_ARGUMENT', `table ${this.table.name}: ${k} is not a partition key (partition keys: ${keys.join(', ') || 'none'})`);
      }
      const wanted = keys.map((k) => (k in overwrite.partition ? overwrite.partition[k]! : undefined));
      matches = (e) => {
        const values = deserializeBinaryRow(e.partition, partitionTypes);
        return wanted.every((w, i) => w === undefined || compareValues(w, values[i]!) === 0);
      };
      const outside = added.find((e) => !matches(e));
      if (outside) throw new PaimonError('INVALID_ARGUMENT', `table ${this.table.name}: overwriting partition ${JSON.stringify(overwrite.partition)} but data for another partition was written`);
    }
    return live.filter(matches).map((e) => ({ ...e, kind: FileKind.DELETE }));
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
