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

/** The files one bucket wrote (and, for compactions, removed). */
export interface CommitMessage {
  partition: Uint8Array;
  bucket: number;
  totalBuckets: number;
  newFiles: DataFileMeta[];
  deletedFiles?: DataFileMeta[];
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
   * Commits the messages as one snapshot and returns it; null when there was
   * nothing to commit or this identifier was already committed.
   */
  async commit(messages: readonly CommitMessage[], options: CommitOptions = {}): Promise<Snapshot | null> {
    const identifier = options.identifier ?? BATCH_COMMIT_IDENTIFIER;
    const table = this.table;
    const manifestFormat = table.options.manifestFormat;
    if (manifestFormat !== 'avro' && manifestFormat !== 'orc') {
      throw new PaimonError('UNSUPPORTED_FORMAT', `table ${table.name}: writing manifest.format ${manifestFormat} is not supported (avro and orc are)`);
    }
    const schema = table.schema;
    const coreOptions = table.options;
    const maxRetries = coreOptions.commitMaxRetries;
    const partitionTypes = fieldsByName(schema, schema.partitionKeys, `table ${table.name}`).map((f) => f.type);
    const added: ManifestEntry[] = [];
    const removed: ManifestEntry[] = [];
    for (const m of messages) {
      for (const file of m.newFiles) added.push({ kind: FileKind.ADD, partition: m.partition, bucket: m.bucket, totalBuckets: m.totalBuckets, file });
      for (const file of m.deletedFiles ?? []) removed.push({ kind: FileKind.DELETE, partition: m.partition, bucket: m.bucket, totalBuckets: m.totalBuckets, file });
    }
    if (added.length === 0 && removed.length === 0 && !options.overwrite) return null;
    const kind: CommitKind = options.kind ?? (options.overwrite ? 'OVERWRITE' : removed.length > 0 ? 'COMPACT' : 'APPEND');

    for (let attempt = 0; ; attempt++) {
      const latest = await table.snapshots.latest();
      if (identifier !== BATCH_COMMIT_IDENTIFIER) {
        const mine = await this.latestOfUser(latest);
        if (mine && mine.commitIdentifier >= identifier) return null;
      }
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
        manifestFormat,
      );
      try {
        const delta = [...deletes, ...added];
        const baseMetas = await this.compactManifests(metas, writer);
        const base = await writer.writeList(baseMetas);
        const deltaList = await writer.writeList(await writer.writeManifests(delta));
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
          commitUser: this.commitUser,
          commitIdentifier: identifier,
          commitKind: kind,
          timeMillis: Date.now(),
          totalRecordCount: (latest?.totalRecordCount ?? 0) + deltaRecordCount,
          deltaRecordCount,
          nextRowId: latest?.nextRowId ?? 0,
        };
        if (latest?.indexManifest) snapshot.indexManifest = latest.indexManifest;
        if (latest?.watermark !== undefined) snapshot.watermark = latest.watermark;
        if (options.properties) snapshot.properties = options.properties;
        const root = branchPath(table.path, table.branch);
        if (await table.fileIO.tryToWriteAtomic(snapshotPath(root, id), serializeSnapshot(snapshot))) {
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
