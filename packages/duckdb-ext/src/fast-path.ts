/**
 * The fast path: the SQL with which DuckDB's own Parquet reader reads the
 * splits core planned, merge-on-read included. What each split becomes:
 *
 * - append splits, raw-convertible primary-key splits (deletion-vector
 *   tables, one compacted file) and primary-key files whose key range meets
 *   no other sorted run's: plain `read_parquet`, deletion vectors as a
 *   bitmap test on the row position (or an anti-join for a few positions),
 *   retractions (`_VALUE_KIND` 1, 3) dropped only where the file's
 *   `deleteRowCount` says it holds any;
 * - overlapping sorted runs of the deduplicate engine, when their
 *   sequence-number ranges are ordered (the normal LSM state, see
 *   sorted-runs.ts): a chain of anti-joins on the key alone, oldest run
 *   first, each run's rows dropped where a newer run holds the key;
 * - other merges: an anti-join on `_SEQUENCE_NUMBER` (a record loses when its
 *   key has a newer one), or a window over `sequence.field`.
 *
 * The query's filters reach these reads through DuckDB's own filter
 * pushdown: a filter on any column goes into the row sides of the merge
 * joins (the rows being kept), and a filter on a key or partition column
 * also into the key sides (through the join's equality), never a filter on
 * a value column (the newer versions must all be seen), so results are those
 * of filtering after the merge. The Parquet reader then skips row groups by
 * their statistics.
 *
 * Splits DuckDB cannot read exactly go to core (`slowSplits`).
 */
import {
  CoreOptions,
  filePath,
  readDeletionVector,
  sameType,
  typeToString,
  withNullable,
  type DataField,
  type DataFileMeta,
  type DataSplit,
  type DataType,
  type FileIO,
  type FileStoreTable,
  type ScanPlan,
  type TableSchema,
} from '@paimon-ts/core';
import { parquetMetadata } from 'hyparquet';
import { analyzeRuns } from './sorted-runs.js';
import { quoteIdent, quoteString } from './sql.js';
import { duckTypeSql } from './types.js';

export const SEQ = '"_SEQUENCE_NUMBER"';
export const KIND = '"_VALUE_KIND"';
/** `_VALUE_KIND` of +I and +U; -U (1) and -D (3) are retractions. */
export const ADDS = `${KIND} IN (0, 2)`;

// ---- types and columns ---------------------------------------------------------------

export function hasNanos(type: DataType): boolean {
  switch (type.kind) {
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return type.precision > 6;
    case 'ARRAY':
    case 'MULTISET':
    case 'VECTOR':
      return hasNanos(type.element);
    case 'MAP':
      return hasNanos(type.key) || hasNanos(type.value);
    case 'ROW':
      return type.fields.some((f) => hasNanos(f.type));
    default:
      return false;
  }
}

const INT_RANK: Record<string, number> = { TINYINT: 1, SMALLINT: 2, INT: 3, BIGINT: 4 };

/** Type changes where DuckDB's CAST gives exactly what Paimon's schema evolution gives. */
function isWidening(from: DataType, to: DataType): boolean {
  if (INT_RANK[from.kind] && INT_RANK[to.kind]) return INT_RANK[from.kind]! <= INT_RANK[to.kind]!;
  if (from.kind === 'FLOAT' && to.kind === 'DOUBLE') return true;
  if (from.kind === 'DECIMAL' && to.kind === 'DECIMAL') return from.scale === to.scale && from.precision <= to.precision;
  if (from.kind === 'VARCHAR' && to.kind === 'VARCHAR') return true;
  if ((from.kind === 'BINARY' || from.kind === 'VARBINARY') && to.kind === 'VARBINARY') return true;
  return false;
}

/**
 * SELECT expressions producing the read schema's columns from a file
 * written with `fileSchema`, or a reason why DuckDB cannot do it exactly.
 */
export function columnMapping(fileSchema: TableSchema, read: readonly DataField[]): string[] | string {
  const out: string[] = [];
  for (const f of read) {
    const target = duckTypeSql(f.type);
    const old = fileSchema.fields.find((x) => x.id === f.id);
    if (!old) {
      out.push(`CAST(NULL AS ${target}) AS ${quoteIdent(f.name)}`);
      continue;
    }
    if (!sameType(withNullable(old.type, true), withNullable(f.type, true)) && !isWidening(old.type, f.type)) {
      return `column ${f.name} changed type from ${typeToString(old.type)} to ${typeToString(f.type)} (schema ${fileSchema.id})`;
    }
    out.push(`CAST(${quoteIdent(old.name)} AS ${target}) AS ${quoteIdent(f.name)}`);
  }
  return out;
}

export function emptySelect(fields: readonly DataField[]): string {
  return `SELECT ${fields.map((f) => `CAST(NULL AS ${duckTypeSql(f.type)}) AS ${quoteIdent(f.name)}`).join(', ')} WHERE FALSE`;
}

/** Whether every column in `names` is a top-level INT64 column of the Parquet file (not INT96). */
async function nanosExact(fileIO: FileIO, path: string, fileSize: number, names: string[]): Promise<boolean> {
  try {
    const tail = await fileIO.readRange(path, fileSize - 8, 8);
    const footerLength = new DataView(tail.buffer, tail.byteOffset, 8).getInt32(0, true);
    const start = Math.max(0, fileSize - 8 - footerLength);
    const meta = parquetMetadata(await fileIO.readRange(path, start, fileSize - start));
    const schema = meta.schema;
    // Top-level columns are the children of the root, in order; skip nested subtrees.
    const top = new Map<string, string | undefined>();
    let i = 1;
    const skip = (at: number): number => {
      let next = at + 1;
      for (let c = 0; c < (schema[at]!.num_children ?? 0); c++) next = skip(next);
      return next;
    };
    while (i < schema.length) {
      top.set(schema[i]!.name, schema[i]!.num_children ? undefined : schema[i]!.type);
      i = skip(i);
    }
    return names.every((n) => !top.has(n) || top.get(n) === 'INT64');
  } catch {
    return false;
  }
}

// ---- deletion vectors ---------------------------------------------------------------

class DvCache {
  private readonly files = new Map<string, Uint8Array>();
  constructor(private readonly fileIO: FileIO) {}

  async positions(file: { path: string; offset: number; length: number }): Promise<Float64Array> {
    let bytes = this.files.get(file.path);
    if (!bytes) {
      bytes = await this.fileIO.readFile(file.path);
      this.files.set(file.path, bytes);
    }
    return readDeletionVector(bytes, file.offset, file.length, file.path).positions();
  }
}

// ---- reading files ------------------------------------------------------------------

export interface FastFile {
  path: string;
  schemaId: number;
  /** Deleted row positions (deletion vector), or null. */
  deleted: Float64Array | null;
  /** False when the file's meta says it holds no -U/-D record. */
  retractions: boolean;
  /** Row count (from the file's meta). */
  rows: number;
}

/**
 * Paimon folders look like Hive partitions (`f1=10/`): DuckDB would replace
 * the partition column with the folder's text (`__DEFAULT_PARTITION__` for
 * NULL). The files hold the real values.
 */
const READ_OPTIONS = 'hive_partitioning = false';

function fileListSql(files: readonly FastFile[]): string {
  return `[${files.map((f) => quoteString(f.path)).join(', ')}]`;
}

/**
 * Deleted positions as a bitmap literal (bit i set: row i deleted), which
 * DuckDB tests per row with `get_bit`, without a join.
 */
function bitmapSql(deleted: Float64Array, rows: number): string {
  let size = rows;
  for (const p of deleted) if (p >= size) size = p + 1;
  const bytes = new Uint8Array(Math.ceil(size / 8));
  for (const p of deleted) bytes[p >>> 3]! |= 0x80 >>> (p & 7);
  return `CAST(from_base64('${Buffer.from(bytes).toString('base64')}') AS BIT)`;
}

/** A deletion vector is cheaper as a bitmap (about rows/6 characters of SQL) than as a list of positions once it holds more than ~rows/48 of them. */
const denseDeletions = (f: FastFile) => f.deleted!.length * 8 > f.rows / 6;

/**
 * SELECTs of `columns` (expressions over the files' own columns) from
 * `files`, deletion vectors applied: a file with many deleted rows filters
 * by a bitmap of positions (measured ~25x faster than a join at 30% deleted),
 * files with few by an anti-join on (file, row number).
 */
export function readFilesSql(files: readonly FastFile[], columns: readonly string[]): string[] {
  const select = columns.join(', ');
  const parts: string[] = [];
  const plain = files.filter((f) => !f.deleted || f.deleted.length === 0);
  const withDv = files.filter((f) => f.deleted && f.deleted.length > 0);
  const dense = withDv.filter(denseDeletions);
  const sparse = withDv.filter((f) => !denseDeletions(f));
  if (plain.length > 0) parts.push(`SELECT ${select} FROM read_parquet(${fileListSql(plain)}, ${READ_OPTIONS})`);
  for (const f of dense) {
    parts.push(
      `SELECT ${select} FROM read_parquet(${quoteString(f.path)}, ${READ_OPTIONS}, file_row_number = true) ` +
        `WHERE get_bit(${bitmapSql(f.deleted!, f.rows)}, CAST(file_row_number AS INTEGER)) = 0`,
    );
  }
  if (sparse.length > 0) {
    const lists = sparse.map((f, i) => `(${i}, [${Array.from(f.deleted!).join(',')}])`).join(', ');
    parts.push(
      `SELECT ${select} FROM read_parquet(${fileListSql(sparse)}, ${READ_OPTIONS}, file_row_number = true) AS __f ` +
        `ANTI JOIN (SELECT __i, CAST(unnest(__p) AS BIGINT) AS __pos FROM (VALUES ${lists}) AS __v(__i, __p)) AS __dv ` +
        `ON __f.file_index = __dv.__i AND __f.file_row_number = __dv.__pos`,
    );
  }
  return parts;
}

export function bySchema<T extends { schemaId: number }>(files: readonly T[]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const f of files) {
    const list = out.get(f.schemaId) ?? [];
    list.push(f);
    out.set(f.schemaId, list);
  }
  return out;
}

// ---- merges ------------------------------------------------------------------------------

/** Order that puts the merge winner of a key first: user sequence fields, then `_SEQUENCE_NUMBER`, newest first. */
function winnerOrder(options: CoreOptions): string {
  const seq = options.sequenceFields.map((f) => (options.sequenceDescending ? `${quoteIdent(f)} ASC NULLS FIRST` : `${quoteIdent(f)} DESC NULLS LAST`));
  return [...seq, `${SEQ} DESC`].join(', ');
}

/**
 * Deduplicate merge by sequence number over `inputs` (SELECTs of the output
 * columns, `_SEQUENCE_NUMBER` and `_VALUE_KIND`): the latest record per key
 * survives unless it is a retraction. Without `sequence.field`, an
 * anti-join (a record loses when its key has one with a higher
 * `_SEQUENCE_NUMBER`), cheaper in DuckDB than a window; with user sequence
 * fields, a window ordered by them.
 */
export function mergeSql(inputs: string[], keys: readonly string[], options: CoreOptions, names: readonly string[], keepRetractions = false): string {
  const union = inputs.join(' UNION ALL ');
  const source = options.ignoreDelete ? `SELECT * FROM (${union}) WHERE ${ADDS}` : union;
  let winners: string;
  if (options.sequenceFields.length === 0) {
    const on = keys.map((k) => `__a.${k} = __b.${k}`).join(' AND ');
    winners = `WITH __m AS (${source}) SELECT __a.* FROM __m AS __a ANTI JOIN __m AS __b ON ${on} AND __b.${SEQ} > __a.${SEQ}`;
  } else {
    winners = `SELECT * FROM (${source}) QUALIFY row_number() OVER (PARTITION BY ${keys.join(', ')} ORDER BY ${winnerOrder(options)}) = 1`;
  }
  if (keepRetractions) return winners;
  return `SELECT ${names.join(', ')} FROM (${winners}) WHERE ${ADDS}`;
}

// ---- the plan ------------------------------------------------------------------------------

export interface FastPathPlan {
  /** SELECT of the fast splits (output columns of the read schema, canonical types), or null. */
  sql: string | null;
  fastFiles: string[];
  /** Of `fastFiles`, those DuckDB merges by key with other files. */
  mergedFiles: string[];
  slowSplits: DataSplit[];
  slowReasons: string[];
}

/** The fast files by how they are read. */
interface FastFiles {
  /** Read as they are (retractions dropped). */
  raw: FastFile[];
  /** Merged by sorted run, in one of a few groups of splits. */
  layered: { file: FastFile; depth: number; group: number }[];
  /** Merged by sequence number (or `sequence.field`). */
  bySequence: FastFile[];
}

/** Splits the plan's splits into what DuckDB reads (as SQL) and what core must read. */
export async function fastPathSql(table: FileStoreTable, plan: ScanPlan, enabled: boolean): Promise<FastPathPlan> {
  const schema = plan.schema;
  const fields = schema.fields;
  const options = new CoreOptions(schema.options);
  const isPk = schema.primaryKeys.length > 0;
  const mappings = new Map<number, string[] | string>();
  const mappingOf = async (schemaId: number) => {
    let m = mappings.get(schemaId);
    if (!m) {
      m = columnMapping(await table.schemas.schema(schemaId), fields);
      mappings.set(schemaId, m);
    }
    return m;
  };
  // TIMESTAMP(7..9): Paimon Java writes Parquet INT96, which DuckDB reads to microseconds only;
  // files holding them as INT64 nanoseconds (paimon-ts) are exact. Nested ones always go to core.
  const nanosFields = fields.filter((f) => (f.type.kind === 'TIMESTAMP' || f.type.kind === 'TIMESTAMP_LTZ') && f.type.precision > 6);
  const tableReason = !enabled
    ? 'fast path disabled'
    : fields.some((f) => hasNanos(f.type) && !nanosFields.includes(f))
      ? 'nested TIMESTAMP(7..9) field'
      : null;
  // Data files hold the key without partition columns (`_KEY_*`, DataFileMeta min/max keys).
  const trimmedKeys = schema.primaryKeys.filter((k) => !schema.partitionKeys.includes(k));
  const keyTypes = trimmedKeys.map((k) => fields.find((f) => f.name === k)!.type);
  const byRuns = isPk && options.mergeEngine === 'deduplicate' && options.sequenceFields.length === 0 && trimmedKeys.length > 0;

  const dvs = new DvCache(table.fileIO);
  const files: FastFiles = { raw: [], layered: [], bySequence: [] };
  const fastFiles: string[] = [];
  const mergedFiles: string[] = [];
  const slowSplits: DataSplit[] = [];
  const reasons = new Set<string>();
  let mergedSplits = 0;
  for (const split of plan.splits) {
    const reason = await slowReason(split);
    if (reason) {
      reasons.add(reason);
      slowSplits.push(split);
      continue;
    }
    const read = new Map<DataFileMeta, FastFile>();
    for (const [i, f] of split.files.entries()) {
      const dv = split.deletionFiles[i];
      const path = filePath(split, f);
      read.set(f, { path, schemaId: f.schemaId, deleted: dv ? await dvs.positions(dv) : null, retractions: (f.deleteRowCount ?? 1) > 0, rows: f.rowCount });
      fastFiles.push(path);
    }
    if (!isPk || split.rawConvertible) {
      files.raw.push(...read.values());
      continue;
    }
    const runs = byRuns ? analyzeRuns(split.files, keyTypes) : null;
    if (runs && 'layout' in runs) {
      for (const f of runs.layout.free) files.raw.push(read.get(f)!);
      const group = mergedSplits++ % MERGE_GROUPS;
      for (const { file, depth } of runs.layout.layered) {
        files.layered.push({ file: read.get(file)!, depth, group });
        mergedFiles.push(read.get(file)!.path);
      }
    } else {
      files.bySequence.push(...read.values());
      mergedFiles.push(...[...read.values()].map((f) => f.path));
    }
  }

  async function slowReason(split: DataSplit): Promise<string | null> {
    if (tableReason) return tableReason;
    if (split.branch) return `split of fallback branch ${split.branch}`;
    if (split.files.some((f) => !f.fileName.toLowerCase().endsWith('.parquet'))) return 'ORC/Avro data files';
    if (!split.rawConvertible) {
      if (options.mergeEngine !== 'deduplicate') return `merge engine ${options.mergeEngine}`;
      if (split.deletionFiles.some((d) => d !== null)) return 'merge with deletion vectors';
    }
    for (const f of split.files) {
      const m = await mappingOf(f.schemaId);
      if (typeof m === 'string') return m;
      if (nanosFields.length > 0) {
        const fileSchema = await table.schemas.schema(f.schemaId);
        const names = nanosFields.map((n) => fileSchema.fields.find((x) => x.id === n.id)?.name).filter((n): n is string => n !== undefined);
        if (names.length > 0 && !(await nanosExact(table.fileIO, filePath(split, f), f.fileSize, names))) {
          return 'TIMESTAMP(7..9) stored as Parquet INT96 (Paimon Java), which DuckDB reads to microseconds only';
        }
      }
    }
    return null;
  }

  // Splits are merged together; their keys meet only within a partition and bucket. The partition
  // is part of the join key because a primary key need not hold it (cross-partition upserts).
  const keys = [...new Set([...schema.primaryKeys, ...schema.partitionKeys])].map(quoteIdent);
  const mapped = new Map<number, string[]>();
  for (const f of [...files.raw, ...files.layered.map((l) => l.file), ...files.bySequence]) mapped.set(f.schemaId, (await mappingOf(f.schemaId)) as string[]);
  const sql = fastSql(files, keys, (schemaId) => mapped.get(schemaId)!, fields, options, isPk);
  return { sql, fastFiles, mergedFiles, slowSplits, slowReasons: [...reasons] };
}

/** The SQL of the fast files: raw reads, the run merge and the sequence merge, as one UNION ALL (or null). */
function fastSql(
  files: FastFiles,
  keys: string[],
  mappingOf: (schemaId: number) => string[],
  fields: readonly DataField[],
  options: CoreOptions,
  isPk: boolean,
): string | null {
  const names = fields.map((f) => quoteIdent(f.name));
  const index = new Map(names.map((n, i) => [n, i]));
  /** SELECTs of `columns` (quoted output names) and system columns from `group`, per file schema. */
  const pick: Pick = (group, columns, system) =>
    [...bySchema(group)].flatMap(([id, same]) => {
      const m = mappingOf(id);
      return readFilesSql(same, [...columns.map((c) => m[index.get(c)!]!), ...system]);
    });
  const parts: string[] = [];
  if (files.raw.length > 0) {
    const kind = isPk && files.raw.some((f) => f.retractions);
    for (const sql of pick(files.raw, names, kind ? [KIND] : [])) parts.push(kind ? `SELECT ${names.join(', ')} FROM (${sql}) WHERE ${ADDS}` : sql);
  }
  for (let g = 0; g < MERGE_GROUPS; g++) {
    const layered = files.layered.filter((l) => l.group === g);
    if (layered.length > 0) parts.push(runMergeSql(layered, keys, names, pick, options));
  }
  if (files.bySequence.length > 0) parts.push(mergeSql(pick(files.bySequence, names, [SEQ, KIND]), keys, options, names));
  return parts.length === 0 ? null : parts.length === 1 ? parts[0]! : parts.map((p) => `(${p})`).join('\nUNION ALL\n');
}

/**
 * Splits are merged in up to this many separate joins (round robin): smaller
 * hash tables. Per bucket was ~18% faster than one join over 4 buckets on the
 * 10M-row bench; more groups mean more joins for DuckDB to plan.
 */
const MERGE_GROUPS = 8;

type Pick = (files: readonly FastFile[], columns: readonly string[], system: string[]) => string[];

/**
 * Merge of sorted runs by depth (0 = newest run of its split): starting
 * from the oldest depth, the rows so far lose their keys that the next
 * newer depth holds, then that depth's rows join them. The splits of a group
 * are merged at once: the join key holds the partition, and a key has one
 * bucket.
 */
function runMergeSql(layered: FastFiles['layered'], keys: string[], names: string[], pick: Pick, options: CoreOptions): string {
  const kind = layered.some((l) => l.file.retractions);
  // ignore-delete: retractions are not records at all, so they neither win nor hide older rows.
  const dropFirst = kind && options.ignoreDelete;
  const source = (sqls: string[], columns: string[]) => {
    const union = sqls.length === 1 ? sqls[0]! : sqls.map((s) => `(${s})`).join(' UNION ALL ');
    return dropFirst ? `SELECT ${columns.join(', ')} FROM (${union}) WHERE ${ADDS}` : union;
  };
  const depths = [...new Set(layered.map((l) => l.depth))].sort((a, b) => b - a);
  const at = (d: number) => layered.filter((l) => l.depth === d).map((l) => l.file);
  const rows = (d: number) => source(pick(at(d), names, kind ? [KIND] : []), names);
  const keysAt = (d: number) => source(pick(at(d), keys, dropFirst ? [KIND] : []), keys);
  const on = keys.map((k) => `__o.${k} = __n.${k}`).join(' AND ');
  let acc = rows(depths[0]!);
  for (const d of depths.slice(1)) {
    // LEFT JOIN ... IS NULL rather than ANTI JOIN (same cost): DuckDB carries a filter on a join key (a
    // primary-key or partition column) over to the key side too, so both sides skip row groups by it.
    // Key columns are NOT NULL, so a NULL key on the right means "no newer record".
    acc = `SELECT __o.* FROM (${acc}) AS __o LEFT JOIN (${keysAt(d)}) AS __n ON ${on} WHERE __n.${keys[0]!} IS NULL UNION ALL ${rows(d)}`;
  }
  if (kind && !dropFirst) return `SELECT ${names.join(', ')} FROM (${acc}) WHERE ${ADDS}`;
  return `SELECT ${names.join(', ')} FROM (${acc})`;
}
