/**
 * A Paimon table on a file system: its schema, snapshots, tags and
 * manifests, and the entry points for reading (`newScan`).
 */
import { PaimonError } from '../errors.js';
import { checkName } from '../catalog/catalog.js';
import { LocalFileIO, type FileIO } from '../io/file-io.js';
import type { TableSchema } from '../spec/table-schema.js';
import { TableScan } from '../scan/table-scan-builder.js';
import { StreamScan, type StreamScanOptions } from '../scan/stream-scan.js';
import { BatchWrite, type BatchWriteOptions } from '../write/batch-write.js';
import { TableWrite } from '../write/table-write.js';
import { TableCommit } from '../write/table-commit.js';
import { compactTable, type CompactOptions } from '../compact/compact-table.js';
import type { Snapshot } from '../spec/snapshot.js';
import type { ManifestEntry } from '../spec/manifest-entry.js';
import { ManifestFiles } from './manifest-files.js';
import { CoreOptions } from './options.js';
import { branchPath, DEFAULT_BRANCH } from './paths.js';
import { SchemaManager } from './schema-manager.js';
import type { SchemaChange } from './schema-change.js';
import { SnapshotManager } from './snapshot-manager.js';
import { TagManager } from './tag-manager.js';

/**
 * Serializes commits of one table across processes where the file system
 * alone cannot (Paimon's `CatalogLock`; e.g. the Hive Metastore lock when
 * `lock.enabled` is set). Held only around publishing the snapshot file.
 */
export interface CommitLock {
  runWithLock<T>(table: string, fn: () => Promise<T>): Promise<T>;
}

/**
 * Told of every snapshot this table's commits publish, with the entries it
 * added or removed (Paimon's `CommitCallback`; e.g. a Hive Metastore adding
 * new partitions). It runs after the snapshot is published: a failure is
 * reported to the committer, the snapshot stays.
 */
export type CommitCallback = (snapshot: Snapshot, entries: readonly ManifestEntry[]) => Promise<void>;

export interface OpenTableOptions {
  fileIO?: FileIO;
  branch?: string;
  /** Taken around each snapshot publication by this table's commits. */
  commitLock?: CommitLock;
  /** Called after each snapshot this table's commits publish. */
  commitCallbacks?: CommitCallback[];
}

export class FileStoreTable {
  readonly snapshots: SnapshotManager;
  readonly schemas: SchemaManager;
  readonly tags: TagManager;
  readonly manifests: ManifestFiles;
  readonly options: CoreOptions;

  private constructor(
    readonly fileIO: FileIO,
    /** Table root directory, without a trailing slash. */
    readonly path: string,
    readonly branch: string,
    /** The latest schema. */
    readonly schema: TableSchema,
    schemas: SchemaManager,
    readonly commitLock: CommitLock | null = null,
    readonly commitCallbacks: readonly CommitCallback[] = [],
  ) {
    const root = branchPath(path, branch);
    this.schemas = schemas;
    this.snapshots = new SnapshotManager(fileIO, root, this.name);
    this.tags = new TagManager(fileIO, root, this.name);
    this.manifests = new ManifestFiles(fileIO, path);
    this.options = new CoreOptions(schema.options);
  }

  /** `<db>.<table>` when the path follows the warehouse layout, else the folder name. */
  get name(): string {
    const parts = this.path.split('/').filter(Boolean);
    const table = parts[parts.length - 1] ?? this.path;
    const db = parts[parts.length - 2];
    return db?.endsWith('.db') ? `${db.slice(0, -3)}.${table}` : table;
  }

  get primaryKeys(): string[] {
    return this.schema.primaryKeys;
  }

  get partitionKeys(): string[] {
    return this.schema.partitionKeys;
  }

  static async open(path: string, opts: OpenTableOptions = {}): Promise<FileStoreTable> {
    const fileIO = opts.fileIO ?? new LocalFileIO();
    const root = path.replace(/\/+$/, '') || '/';
    const branch = opts.branch ?? DEFAULT_BRANCH;
    checkName(branch, 'branch');
    const schemas = new SchemaManager(fileIO, branchPath(root, branch), root);
    const schema = await schemas.latest();
    if (!schema) {
      throw new PaimonError('TABLE_NOT_FOUND', `no Paimon table at ${root}${branch !== DEFAULT_BRANCH ? ` (branch ${branch})` : ''}: it has no schema/schema-<id> file`);
    }
    return new FileStoreTable(fileIO, root, branch, schema, schemas, opts.commitLock ?? null, opts.commitCallbacks ?? []);
  }

  newScan(): TableScan {
    return new TableScan(this);
  }

  /** A streaming read: `for await (const c of table.newStreamScan(opts).changes())`. */
  newStreamScan(options: StreamScanOptions = {}): StreamScan {
    return new StreamScan(this, options);
  }

  /** Write then commit once: the batch job's path (INSERT INTO / INSERT OVERWRITE). */
  newBatchWrite(options: BatchWriteOptions = {}): BatchWrite {
    return new BatchWrite(this, options);
  }

  /** A long-lived writer for streaming jobs: `prepareCommit()` per checkpoint, committed with `newCommit`. */
  newWrite(commitUser?: string): TableWrite {
    return new TableWrite(this, commitUser);
  }

  newCommit(commitUser: string): TableCommit {
    return new TableCommit(this, commitUser);
  }

  /** Compacts the table (full: one sorted run per bucket) as one COMPACT snapshot; null when nothing to do. */
  compact(options: CompactOptions = { full: true }): Promise<Snapshot | null> {
    return compactTable(this, options);
  }

  /**
   * Changes the schema (columns, types, comments, options) as one new
   * `schema-<id>`, and returns the table at that schema: writers must use the
   * returned table (or a reloaded one) to write with it. Files written
   * before keep reading by field id.
   */
  async alter(changes: readonly SchemaChange[]): Promise<FileStoreTable> {
    await this.schemas.commitChanges(changes, `table ${this.name}`);
    return this.reload();
  }

  /** The same table with its latest schema and options re-read (after a schema change). */
  reload(): Promise<FileStoreTable> {
    return FileStoreTable.open(this.path, {
      fileIO: this.fileIO,
      branch: this.branch,
      ...(this.commitLock ? { commitLock: this.commitLock } : {}),
      commitCallbacks: [...this.commitCallbacks],
    });
  }
}
