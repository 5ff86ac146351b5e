/**
 * Metastore partitions of a Paimon table registered with
 * `metastore.partitioned-table=true` (Paimon's `AddPartitionCommitCallback`
 * and `HiveCatalog.createPartitions`): after each commit the partitions its
 * new files went to are added to the metastore, so Hive, Spark and Trino
 * that list partitions from the metastore see them. Partitions are never
 * dropped here: Paimon drops metastore partitions only when a partition is
 * dropped or expires through the catalog, not when a commit empties one.
 */
import {
  type DataType,
  deserializeBinaryRow,
  FileKind,
  type ManifestEntry,
  OPTIONS,
  PaimonError,
  partitionDirectory,
  partitionSpec,
  rowKey,
  type TableSchema,
  type Value,
} from '@paimon-ts/core';
import { PAIMON_HMS } from './hms-table.js';
import type { MetastoreClient } from './metastore-client.js';
import type { Partition, Table } from './thrift/hms-types.js';

/** Partitions sent per `add_partitions_req`, so a table with many partitions is registered in bounded messages. */
const ADD_BATCH = 1000;

/** Known partitions kept per table; past this the set starts over (the metastore skips the ones it has). */
const KNOWN_MAX = 10_000;

/** How long the known set is trusted (Paimon's cache: 30 minutes): partitions dropped or a table re-created elsewhere are noticed after it. */
const KNOWN_TTL_MS = 30 * 60_000;

/** A partition as the serialized BinaryRow of a manifest entry. */
export type PartitionBytes = Uint8Array;

/** The distinct partitions of the entries that add files (a commit's new partitions are among them). */
export function addedPartitions(entries: readonly ManifestEntry[]): Map<string, PartitionBytes> {
  const out = new Map<string, PartitionBytes>();
  for (const e of entries) if (e.kind === FileKind.ADD) out.set(rowKey(e.partition), e.partition);
  return out;
}

function partitionTypes(schema: TableSchema): DataType[] {
  return schema.partitionKeys.map((k) => {
    const f = schema.fields.find((x) => x.name === k);
    if (!f) throw new PaimonError('INVALID_ARGUMENT', `partition key ${k} is not a column of the table schema ${schema.id}`);
    return f.type;
  });
}

/** Where the partition folders are (`getDataFilePath`): the table location, under `data-file.path-directory` when set. */
function dataFilePath(hms: Table, tableLocation: string): string {
  const base = tableLocation.replace(/\/+$/, '');
  const dir = hms.parameters?.[OPTIONS.dataFilePathDirectory.key];
  return dir ? `${base}/${dir}` : base;
}

/**
 * The metastore partition Paimon writes (`createPartitionsUtil`): the values
 * as Paimon renders them (default name for null and blank), a copy of the
 * table's storage descriptor, `<data path>/<k1>=<v1>/.../` as its location
 * (in the parameter `paimon_location` with `location-in-properties`), and
 * create and access time in seconds.
 */
export function newHmsPartition(
  hms: Table,
  schema: TableSchema,
  values: readonly Value[],
  tableLocation: string,
  locationInProperties: boolean,
  nowMillis = Date.now(),
): Partition {
  const seconds = Math.floor(nowMillis / 1000);
  const location = `${dataFilePath(hms, tableLocation)}/${partitionDirectory(schema, values)}`;
  const sd = structuredClone(hms.sd ?? {});
  const partition: Partition = {
    values: partitionSpec(schema, values).map(([, v]) => v),
    dbName: hms.dbName,
    tableName: hms.tableName,
    createTime: seconds,
    lastAccessTime: seconds,
    sd,
  };
  if (locationInProperties) partition.parameters = { [PAIMON_HMS.propertiesLocationKey]: location };
  else sd.location = location;
  return partition;
}

export interface PartitionTarget {
  db: string;
  table: string;
  /** The table location for partitions, when the registration carries none (a URI). */
  fallbackLocation: string;
  locationInProperties: boolean;
}

/**
 * Adds partitions of one table to the metastore, remembering those known to
 * be there so a commit to known partitions costs no metastore call. One
 * instance per table per catalog; a table dropped or re-created must
 * `forget()`.
 */
export class HmsPartitionSync {
  private known = new Set<string>();
  private knownSince = Date.now();

  constructor(
    private readonly client: MetastoreClient,
    private readonly target: PartitionTarget,
  ) {}

  forget(): void {
    this.known = new Set();
    this.knownSince = Date.now();
  }

  /**
   * Adds those of `partitions` not known to be in the metastore (with
   * `all`, every one; the metastore skips those it has) and returns how many
   * the metastore added (with `all`; else how many were sent), or null when
   * the registration has no partition keys (registered before
   * `metastore.partitioned-table` was set: the metastore cannot hold
   * partitions for it, and alter cannot add keys).
   */
  async add(schema: TableSchema, partitions: ReadonlyMap<string, PartitionBytes>, options: { all?: boolean } = {}): Promise<number | null> {
    const all = options.all === true;
    if (this.known.size >= KNOWN_MAX || Date.now() - this.knownSince > KNOWN_TTL_MS) this.forget();
    const fresh = [...partitions].filter(([key]) => all || !this.known.has(key));
    if (fresh.length === 0) return 0;
    const hms = await this.client.getTable(this.target.db, this.target.table);
    if ((hms.partitionKeys ?? []).length === 0) return null;
    const location = hms.parameters?.[PAIMON_HMS.propertiesLocationKey] ?? hms.sd?.location ?? this.target.fallbackLocation;
    const types = partitionTypes(schema);
    const now = Date.now();
    let added = 0;
    for (let i = 0; i < fresh.length; i += ADD_BATCH) {
      const batch = fresh.slice(i, i + ADD_BATCH);
      const parts = batch.map(([, bytes]) => newHmsPartition(hms, schema, deserializeBinaryRow(bytes, types), location, this.target.locationInProperties, now));
      // Paimon's add_partitions(parts, ifNotExists = true, needResults = false); the count is asked for only when registering.
      const result = await this.client.addPartitions({ dbName: this.target.db, tblName: this.target.table, parts, ifNotExists: true, needResult: all });
      added += all ? (result.partitions?.length ?? 0) : parts.length;
      for (const [key] of batch) this.known.add(key);
    }
    return added;
  }
}
