/**
 * Plans a Paimon read in core and writes the DuckDB SQL that performs it.
 *
 * Fast path: core resolves the snapshot, reads manifests, prunes partitions,
 * buckets and files by the filter, and finds deletion vectors; DuckDB's own
 * Parquet reader then reads the surviving files:
 * - append and raw-convertible splits: `read_parquet([...])`, deletion
 *   vectors as an anti-join on (file_index, file_row_number), primary-key
 *   retractions (`_VALUE_KIND` 1 and 3) dropped;
 * - merge-on-read splits (deduplicate engine): one row per primary key, the
 *   latest by `sequence.field` (if set) then `_SEQUENCE_NUMBER`, dropped when
 *   it is a retraction;
 * - files written under older schemas: columns mapped by field id (renamed,
 *   added as NULL, dropped; widened types cast).
 * Every split the fast path cannot read exactly (ORC/Avro files, other merge
 * engines, type changes DuckDB would cast differently, TIMESTAMP(7..9) which
 * Paimon Java writes as INT96, fallback branches) is read by core and fed to
 * DuckDB through the `__paimon_rows(handle)` table function.
 */
import {
  CoreOptions,
  FileStoreTable,
  FileSystemCatalog,
  Identifier,
  PaimonError,
  bindPredicate,
  filePath,
  formatTimestamp,
  parsePredicate,
  readDeletionVector,
  sameType,
  toJsonValue,
  typeToJson,
  typeToString,
  withNullable,
  and,
  type DataField,
  type DataSplit,
  type DataType,
  type FileIO,
  type ManifestEntry,
  type Predicate,
  type ScanPlan,
  type Snapshot,
  type TableScan,
  type TableSchema,
} from '@paimon-ts/core';
import { parquetMetadata } from 'hyparquet';
import type { ScanArgs, ScanInfo, SqlOp, SqlResult, TableLocator } from './protocol.js';
import { predicateSql, quoteIdent, quoteString } from './sql.js';
import { duckTypeSql } from './types.js';

const SEQ = '"_SEQUENCE_NUMBER"';
const KIND = '"_VALUE_KIND"';
/** `_VALUE_KIND` of +I and +U; -U (1) and -D (3) are retractions. */
const ADDS = `${KIND} IN (0, 2)`;

// ---- opening tables ----------------------------------------------------------------

export async function openTable(loc: TableLocator, fileIO: FileIO): Promise<FileStoreTable> {
  const branch = loc.branch ?? undefined;
  if (loc.path && !loc.database && !loc.table) {
    return FileStoreTable.open(loc.path, { fileIO, ...(branch ? { branch } : {}) });
  }
  const warehouse = loc.warehouse ?? loc.path;
  if (!warehouse) throw new PaimonError('INVALID_ARGUMENT', 'paimon_scan needs a table path, or a warehouse with a database and a table');
  let name: string;
  if (loc.table) {
    if (!loc.database) throw new PaimonError('INVALID_ARGUMENT', `table ${loc.table}: no database given`);
    name = `${loc.database}.${loc.table}`;
  } else if (loc.database) {
    name = loc.database;
  } else {
    throw new PaimonError('INVALID_ARGUMENT', `warehouse ${warehouse}: no table given (use '<db>', '<table>' or '<db>.<table>')`);
  }
  const id = Identifier.parse(name);
  const catalog = new FileSystemCatalog(warehouse, { fileIO });
  const table = await catalog.getTable(branch && !id.branch ? `${id.database}.${id.table}$branch_${branch}` : id);
  return table;
}

export async function listTables(warehouse: string, fileIO: FileIO): Promise<{ database: string; table: string; path: string }[]> {
  const catalog = new FileSystemCatalog(warehouse, { fileIO });
  const out: { database: string; table: string; path: string }[] = [];
  for (const db of await catalog.listDatabases()) {
    for (const t of await catalog.listTables(db)) out.push({ database: db, table: t, path: catalog.tablePath(`${db}.${t}`) });
  }
  return out;
}

// ---- arguments ---------------------------------------------------------------------

/** Epoch millis of a `timestamp` argument. */
export function parseTimestampArg(value: string | number): number {
  if (typeof value === 'number') return value;
  const text = value.trim();
  if (/^-?\d+$/.test(text)) return Number(text);
  let iso = text.replace(' ', 'T');
  const zone = /([+-]\d{2})(:?(\d{2}))?$/.exec(iso);
  if (zone && /T.*[+-]\d{2}(:?\d{2})?$/.test(iso)) iso = iso.slice(0, zone.index) + `${zone[1]}:${zone[3] ?? '00'}`;
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) iso += 'T00:00:00';
  const millis = Date.parse(iso);
  if (Number.isNaN(millis)) throw new PaimonError('INVALID_ARGUMENT', `timestamp ${JSON.stringify(value)} is neither epoch millis nor 'YYYY-MM-DD HH:MM:SS[.fff][+hh:mm]'`);
  return millis;
}

function applySnapshotSelection(scan: TableScan, args: ScanArgs): void {
  const chosen = [args.snapshotId != null, args.tag != null, args.timestamp != null].filter(Boolean).length;
  if (chosen > 1) throw new PaimonError('INVALID_ARGUMENT', 'give at most one of snapshot_id, tag and timestamp');
  if (args.snapshotId != null) scan.atSnapshot(Number(args.snapshotId));
  else if (args.tag != null) scan.atTag(String(args.tag));
  else if (args.timestamp != null) scan.atTimestamp(parseTimestampArg(args.timestamp));
}

function parseFilter(text: string | null | undefined, what: string): Predicate | null {
  if (text == null || text.trim() === '') return null;
  try {
    return parsePredicate(text);
  } catch (e) {
    if (e instanceof PaimonError) throw new PaimonError(e.code, `${what} ${JSON.stringify(text)}: ${e.message}`, { cause: e });
    throw e;
  }
}

/**
 * The `prune` argument: conjuncts that do not parse or bind to the table's
 * columns are dropped (pruning is an optimization; the query filters rows).
 */
function pruneFilter(text: string | null | undefined, table: FileStoreTable): Predicate | null {
  let p: Predicate | null;
  try {
    p = parseFilter(text, 'prune');
  } catch {
    return null;
  }
  if (!p) return null;
  const parts = (p.op === 'and' ? p.children : [p]).filter((c) => {
    try {
      bindPredicate(c, table.schema.fields, table.name);
      return true;
    } catch {
      return false;
    }
  });
  return parts.length === 0 ? null : parts.length === 1 ? parts[0]! : and(...parts);
}

/** The columns a scan with these arguments returns (the schema of the snapshot it reads). */
export async function scanFields(args: ScanArgs, fileIO: FileIO): Promise<DataField[]> {
  const table = await openTable(args, fileIO);
  if (args.snapshotId == null && args.tag == null && args.timestamp == null) return table.schema.fields;
  const scan = table.newScan();
  applySnapshotSelection(scan, args);
  return (await scan.plan()).schema.fields;
}

// ---- types and columns ---------------------------------------------------------------

function hasNanos(type: DataType): boolean {
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
function columnMapping(fileSchema: TableSchema, read: readonly DataField[]): string[] | string {
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

function emptySelect(fields: readonly DataField[]): string {
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

// ---- the fast path ----------------------------------------------------------------

interface FastFile {
  path: string;
  schemaId: number;
  /** Deleted row positions (deletion vector), or null. */
  deleted: Float64Array | null;
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

/** SELECTs reading `files` (one schema) with mapped columns (and system columns), deletion vectors applied. */
function readFilesSql(files: readonly FastFile[], columns: string[], system: boolean): string[] {
  const select = [...columns, ...(system ? [SEQ, KIND] : [])].join(', ');
  const parts: string[] = [];
  const plain = files.filter((f) => !f.deleted || f.deleted.length === 0);
  const withDv = files.filter((f) => f.deleted && f.deleted.length > 0);
  if (plain.length > 0) parts.push(`SELECT ${select} FROM read_parquet(${fileListSql(plain)}, ${READ_OPTIONS})`);
  if (withDv.length > 0) {
    const lists = withDv.map((f, i) => `(${i}, [${Array.from(f.deleted!).join(',')}])`).join(', ');
    parts.push(
      `SELECT ${select} FROM read_parquet(${fileListSql(withDv)}, ${READ_OPTIONS}, file_row_number = true) AS __f ` +
        `ANTI JOIN (SELECT __i, CAST(unnest(__p) AS BIGINT) AS __pos FROM (VALUES ${lists}) AS __v(__i, __p)) AS __dv ` +
        `ON __f.file_index = __dv.__i AND __f.file_row_number = __dv.__pos`,
    );
  }
  return parts;
}

function bySchema(files: readonly FastFile[]): Map<number, FastFile[]> {
  const out = new Map<number, FastFile[]>();
  for (const f of files) {
    const list = out.get(f.schemaId) ?? [];
    list.push(f);
    out.set(f.schemaId, list);
  }
  return out;
}

export interface FastPathPlan {
  /** SELECT of the fast splits (output columns of the read schema, canonical types), or null. */
  sql: string | null;
  fastFiles: string[];
  slowSplits: DataSplit[];
  slowReasons: string[];
}

/** Splits the plan's splits into what DuckDB reads (as SQL) and what core must read. */
export async function fastPathSql(table: FileStoreTable, plan: ScanPlan, enabled: boolean): Promise<FastPathPlan> {
  const schema = plan.schema;
  const fields = schema.fields;
  const options = new CoreOptions(schema.options);
  const isPk = schema.primaryKeys.length > 0;
  const names = fields.map((f) => quoteIdent(f.name));
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

  const dvs = new DvCache(table.fileIO);
  const raw: FastFile[] = [];
  const merged: FastFile[] = [];
  const slowSplits: DataSplit[] = [];
  const reasons = new Set<string>();
  for (const split of plan.splits) {
    let reason: string | null = tableReason;
    if (!reason && split.branch) reason = `split of fallback branch ${split.branch}`;
    if (!reason && split.files.some((f) => !f.fileName.toLowerCase().endsWith('.parquet'))) reason = 'ORC/Avro data files';
    if (!reason && !split.rawConvertible) {
      if (options.mergeEngine !== 'deduplicate') reason = `merge engine ${options.mergeEngine}`;
      else if (split.deletionFiles.some((d) => d !== null)) reason = 'merge with deletion vectors';
    }
    if (!reason) {
      for (const f of split.files) {
        const m = await mappingOf(f.schemaId);
        if (typeof m === 'string') {
          reason = m;
          break;
        }
        if (nanosFields.length > 0) {
          const fileSchema = await table.schemas.schema(f.schemaId);
          const names = nanosFields.map((n) => fileSchema.fields.find((x) => x.id === n.id)?.name).filter((n): n is string => n !== undefined);
          if (names.length > 0 && !(await nanosExact(table.fileIO, filePath(split, f), f.fileSize, names))) {
            reason = 'TIMESTAMP(7..9) stored as Parquet INT96 (Paimon Java), which DuckDB reads to microseconds only';
            break;
          }
        }
      }
    }
    if (reason) {
      reasons.add(reason);
      slowSplits.push(split);
      continue;
    }
    for (const [i, f] of split.files.entries()) {
      const dv = split.deletionFiles[i];
      const file: FastFile = { path: filePath(split, f), schemaId: f.schemaId, deleted: dv ? await dvs.positions(dv) : null };
      (split.rawConvertible ? raw : merged).push(file);
    }
  }

  const parts: string[] = [];
  for (const [schemaId, files] of bySchema(raw)) {
    const columns = (await mappingOf(schemaId)) as string[];
    for (const sql of readFilesSql(files, columns, isPk)) parts.push(isPk ? `SELECT ${names.join(', ')} FROM (${sql}) WHERE ${ADDS}` : sql);
  }
  if (merged.length > 0) {
    const inputs: string[] = [];
    for (const [schemaId, files] of bySchema(merged)) inputs.push(...readFilesSql(files, (await mappingOf(schemaId)) as string[], true));
    parts.push(mergeSql(inputs, schema, options, names));
  }
  return {
    sql: parts.length === 0 ? null : parts.join('\nUNION ALL\n'),
    fastFiles: [...raw, ...merged].map((f) => f.path),
    slowSplits,
    slowReasons: [...reasons],
  };
}

/** Order that puts the merge winner of a key first: user sequence fields, then `_SEQUENCE_NUMBER`, newest first. */
function winnerOrder(options: CoreOptions): string {
  const seq = options.sequenceFields.map((f) => (options.sequenceDescending ? `${quoteIdent(f)} ASC NULLS FIRST` : `${quoteIdent(f)} DESC NULLS LAST`));
  return [...seq, `${SEQ} DESC`].join(', ');
}

/**
 * Deduplicate merge-on-read: the latest record per primary key survives
 * unless it is a retraction. Without `sequence.field` this is an anti-join
 * (a record loses when the same key has a record with a higher
 * `_SEQUENCE_NUMBER`), about twice as fast in DuckDB as a window; with user
 * sequence fields, a window ordered by them.
 */
function mergeSql(inputs: string[], schema: TableSchema, options: CoreOptions, names: string[], keepRetractions = false): string {
  const union = inputs.join(' UNION ALL ');
  const source = options.ignoreDelete ? `SELECT * FROM (${union}) WHERE ${ADDS}` : union;
  let winners: string;
  if (options.sequenceFields.length === 0) {
    const on = schema.primaryKeys.map((k) => `__a.${quoteIdent(k)} = __b.${quoteIdent(k)}`).join(' AND ');
    winners = `WITH __m AS (${source}) SELECT __a.* FROM __m AS __a ANTI JOIN __m AS __b ON ${on} AND __b.${SEQ} > __a.${SEQ}`;
  } else {
    const keys = schema.primaryKeys.map(quoteIdent).join(', ');
    winners = `SELECT * FROM (${source}) QUALIFY row_number() OVER (PARTITION BY ${keys} ORDER BY ${winnerOrder(options)}) = 1`;
  }
  if (keepRetractions) return winners;
  return `SELECT ${names.join(', ')} FROM (${winners}) WHERE ${ADDS}`;
}

// ---- scans -----------------------------------------------------------------------------

export interface PlannedScan {
  scan: TableScan;
  plan: ScanPlan;
  table: FileStoreTable;
}

export interface ScanSqlResult {
  /** SQL with `__SLOW__` standing for the slow-path source, if any. */
  sql: string;
  slow: { planned: PlannedScan; splits: DataSplit[] } | null;
  info: ScanInfo;
}

export const SLOW_PLACEHOLDER = '__PAIMON_SLOW_SOURCE__';

export async function scanSql(args: ScanArgs, fileIO: FileIO): Promise<ScanSqlResult> {
  const table = await openTable(args, fileIO);
  const incremental = args.incrementalBetween != null || (args.scanMode ?? 'batch').toLowerCase() === 'incremental';
  if (incremental) return incrementalSql(table, args);
  if (args.scanMode != null && !['batch', 'full', 'latest', 'default'].includes(args.scanMode.toLowerCase())) {
    throw new PaimonError('INVALID_ARGUMENT', `scan_mode ${JSON.stringify(args.scanMode)} is not supported (batch or incremental)`);
  }
  const filter = parseFilter(args.filter, 'filter');
  const prune = pruneFilter(args.prune, table);
  const both = filter && prune ? and(filter, prune) : (filter ?? prune);
  let scan = table.newScan();
  applySnapshotSelection(scan, args);
  if (both) scan.filter(both);
  let plan: ScanPlan;
  try {
    plan = await scan.plan();
  } catch (e) {
    // A prune filter written against the latest schema may not bind to an older snapshot's: plan without it.
    if (!(prune && e instanceof PaimonError && e.code === 'INVALID_PREDICATE')) throw e;
    scan = table.newScan();
    applySnapshotSelection(scan, args);
    if (filter) scan.filter(filter);
    plan = await scan.plan();
  }
  const fields = plan.schema.fields;
  const fast = await fastPathSql(table, plan, args.fastPath !== false);
  const parts: string[] = [];
  if (fast.sql) parts.push(fast.sql);
  if (fast.slowSplits.length > 0) parts.push(`SELECT * FROM ${SLOW_PLACEHOLDER}`);
  let sql = parts.length === 0 ? emptySelect(fields) : parts.length === 1 ? parts[0]! : parts.map((p) => `(${p})`).join('\nUNION ALL\n');
  if (filter) sql = `SELECT * FROM (${sql}) WHERE ${predicateSql(bindPredicate(filter, fields, table.name), fields)}`;
  else if (parts.length > 1 || fast.sql?.includes('UNION ALL')) sql = `SELECT * FROM (${sql})`;
  const files = plan.splits.flatMap((s) => s.files.map((f) => filePath(s, f)));
  return {
    sql,
    slow: fast.slowSplits.length > 0 ? { planned: { scan, plan, table }, splits: fast.slowSplits } : null,
    info: {
      table: table.name,
      snapshotId: plan.snapshot?.id ?? null,
      schemaId: plan.schema.id,
      splits: plan.splits.length,
      files,
      fastFiles: fast.fastFiles,
      slowSplits: fast.slowSplits.length,
      slowReasons: fast.slowReasons,
    },
  };
}

// ---- incremental reads ----------------------------------------------------------------

const ROW_KIND_SQL = `CASE ${KIND} WHEN 0 THEN '+I' WHEN 1 THEN '-U' WHEN 2 THEN '+U' ELSE '-D' END`;

/** Every data file under the table folder by name (delta manifests name files, not folders). */
async function dataFilePaths(fileIO: FileIO, root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const skip = new Set(['manifest', 'snapshot', 'schema', 'index', 'tag', 'branch', 'statistics', 'changelog', 'consumer']);
  const walk = async (dir: string, depth: number) => {
    for (const e of await fileIO.list(dir)) {
      if (e.isDir) {
        if (depth === 0 && skip.has(e.name)) continue;
        if (depth < 16) await walk(e.path, depth + 1);
      } else if (e.name.startsWith('data-') || e.name.includes('.')) {
        out.set(e.name, e.path);
      }
    }
  };
  await walk(root, 0);
  return out;
}

/**
 * `incremental_between := 'start,end'`: the changes committed by the APPEND
 * snapshots start+1 .. end (Paimon's `delta` mode), read from their delta
 * manifests: every row of an append table; for a primary-key table the
 * latest change per key, retractions included. A `rowkind` column comes first.
 */
async function incrementalSql(table: FileStoreTable, args: ScanArgs): Promise<ScanSqlResult> {
  const between = args.incrementalBetween?.split(',').map((s) => s.trim());
  if (!between || between.length !== 2 || !between.every((s) => /^\d+$/.test(s))) {
    throw new PaimonError('INVALID_ARGUMENT', `incremental_between must be 'start,end' snapshot ids, got ${JSON.stringify(args.incrementalBetween ?? null)}`);
  }
  const [start, end] = between.map(Number) as [number, number];
  if (start >= end) throw new PaimonError('INVALID_ARGUMENT', `incremental_between '${start},${end}': start must be below end`);
  const endSnapshot = await table.snapshots.snapshot(end);
  const schema = await table.schemas.schema(endSnapshot.schemaId);
  const fields = schema.fields;
  const options = new CoreOptions(schema.options);
  const isPk = schema.primaryKeys.length > 0;
  const names = fields.map((f) => quoteIdent(f.name));
  const entries: ManifestEntry[] = [];
  const snapshots: Snapshot[] = [];
  for (let id = start + 1; id <= end; id++) {
    const s = await table.snapshots.snapshot(id);
    snapshots.push(s);
    if (s.commitKind !== 'APPEND') continue;
    for (const meta of await table.manifests.manifestList(s.deltaManifestList)) {
      for (const e of await table.manifests.manifest(meta.fileName)) if (e.kind === 0) entries.push(e);
    }
  }
  const filter = parseFilter(args.filter, 'filter');
  if (filter) bindPredicate(filter, fields, table.name);
  const paths = entries.some((e) => !e.file.externalPath) ? await dataFilePaths(table.fileIO, table.path) : new Map<string, string>();
  const files: FastFile[] = entries.map((e) => {
    const path = e.file.externalPath ?? paths.get(e.file.fileName);
    if (!path) throw new PaimonError('FILE_NOT_FOUND', `table ${table.name}: data file ${e.file.fileName} of the incremental range is gone (expired?)`);
    return { path, schemaId: e.file.schemaId, deleted: null };
  });
  if (files.some((f) => !f.path.toLowerCase().endsWith('.parquet'))) {
    throw new PaimonError('UNSUPPORTED', `table ${table.name}: incremental reads need Parquet data files (this range has ORC/Avro files)`);
  }
  if (fields.some((f) => hasNanos(f.type))) {
    throw new PaimonError('UNSUPPORTED', `table ${table.name}: incremental reads of TIMESTAMP(7..9) columns are not supported yet`);
  }
  const inputs: string[] = [];
  for (const [schemaId, group] of bySchema(files)) {
    const m = columnMapping(await table.schemas.schema(schemaId), fields);
    if (typeof m === 'string') throw new PaimonError('UNSUPPORTED', `table ${table.name}: incremental read: ${m}`);
    inputs.push(...readFilesSql(group, m, isPk));
  }
  let sql: string;
  if (inputs.length === 0) sql = `SELECT CAST(NULL AS VARCHAR) AS rowkind, * FROM (${emptySelect(fields)})`;
  else if (!isPk) sql = `SELECT '+I' AS rowkind, * FROM (${inputs.join(' UNION ALL ')})`;
  else sql = `SELECT ${ROW_KIND_SQL} AS rowkind, ${names.join(', ')} FROM (${mergeSql(inputs, schema, options, names, true)})`;
  if (filter) sql = `SELECT * FROM (${sql}) WHERE ${predicateSql(bindPredicate(filter, fields, table.name), fields)}`;
  return {
    sql,
    slow: null,
    info: {
      table: table.name,
      snapshotId: end,
      schemaId: schema.id,
      splits: 0,
      files: files.map((f) => f.path),
      fastFiles: files.map((f) => f.path),
      slowSplits: 0,
      slowReasons: [],
    },
  };
}

// ---- system tables -----------------------------------------------------------------------

interface Column {
  name: string;
  type: string;
}

function valuesSql(columns: Column[], rows: string[][]): string {
  const select = columns.map((c, i) => `CAST(${rows.length ? `__c${i}` : 'NULL'} AS ${c.type}) AS ${quoteIdent(c.name)}`).join(', ');
  if (rows.length === 0) return `SELECT ${select} WHERE FALSE`;
  const aliases = columns.map((_, i) => `__c${i}`).join(', ');
  return `SELECT ${select} FROM (VALUES ${rows.map((r) => `(${r.join(', ')})`).join(', ')}) AS __t(${aliases})`;
}

const str = (v: string | null | undefined) => (v == null ? 'NULL' : quoteString(v));
const num = (v: number | bigint | null | undefined) => (v == null ? 'NULL' : String(v));
const ts = (millis: number | null | undefined) => (millis == null ? 'NULL' : quoteString(`${formatTimestamp(BigInt(millis), 3)}+00`));
const strList = (items: readonly string[]) => `CAST([${items.map(quoteString).join(', ')}] AS VARCHAR[])`;

function typeText(t: DataType): string {
  const json = typeToJson(t);
  return typeof json === 'string' ? json : typeToString(t);
}

async function snapshotsSql(table: FileStoreTable): Promise<string> {
  const columns: Column[] = [
    { name: 'snapshot_id', type: 'BIGINT' },
    { name: 'schema_id', type: 'BIGINT' },
    { name: 'commit_user', type: 'VARCHAR' },
    { name: 'commit_identifier', type: 'BIGINT' },
    { name: 'commit_kind', type: 'VARCHAR' },
    { name: 'commit_time', type: 'TIMESTAMPTZ' },
    { name: 'base_manifest_list', type: 'VARCHAR' },
    { name: 'delta_manifest_list', type: 'VARCHAR' },
    { name: 'changelog_manifest_list', type: 'VARCHAR' },
    { name: 'total_record_count', type: 'BIGINT' },
    { name: 'delta_record_count', type: 'BIGINT' },
    { name: 'changelog_record_count', type: 'BIGINT' },
    { name: 'watermark', type: 'BIGINT' },
  ];
  const rows = (await table.snapshots.all()).map((s) => [
    num(s.id),
    num(s.schemaId),
    str(s.commitUser),
    num(s.commitIdentifier),
    str(s.commitKind),
    ts(s.timeMillis),
    str(s.baseManifestList),
    str(s.deltaManifestList),
    str(s.changelogManifestList ?? null),
    num(s.totalRecordCount ?? null),
    num(s.deltaRecordCount ?? null),
    num(s.changelogRecordCount ?? null),
    num(s.watermark ?? null),
  ]);
  return valuesSql(columns, rows);
}

async function filesSql(table: FileStoreTable, args: ScanArgs): Promise<{ sql: string; info: ScanInfo }> {
  const scan = table.newScan();
  applySnapshotSelection(scan, args);
  const filter = parseFilter(args.filter, 'filter');
  const prune = pruneFilter(args.prune, table);
  const both = filter && prune ? and(filter, prune) : (filter ?? prune);
  if (both) scan.filter(both);
  const plan = await scan.plan();
  const partitionFields = plan.schema.partitionKeys.map((k) => plan.schema.fields.find((f) => f.name === k)!);
  const columns: Column[] = [
    { name: 'partition', type: 'VARCHAR' },
    { name: 'bucket', type: 'INTEGER' },
    { name: 'file_path', type: 'VARCHAR' },
    { name: 'file_format', type: 'VARCHAR' },
    { name: 'schema_id', type: 'BIGINT' },
    { name: 'level', type: 'INTEGER' },
    { name: 'record_count', type: 'BIGINT' },
    { name: 'file_size_in_bytes', type: 'BIGINT' },
    { name: 'min_sequence_number', type: 'BIGINT' },
    { name: 'max_sequence_number', type: 'BIGINT' },
    { name: 'creation_time', type: 'TIMESTAMP' },
    { name: 'delete_row_count', type: 'BIGINT' },
    { name: 'deletion_vector_rows', type: 'BIGINT' },
    { name: 'raw_convertible', type: 'BOOLEAN' },
  ];
  const rows: string[][] = [];
  for (const split of plan.splits) {
    const partition = partitionFields.map((f, i) => `${f.name}=${JSON.stringify(toJsonValue(split.partition[i] ?? null, f.type))}`).join('/');
    split.files.forEach((f, i) => {
      const dv = split.deletionFiles[i];
      const path = filePath(split, f);
      rows.push([
        str(partition),
        num(split.bucket),
        str(path),
        str(path.slice(path.lastIndexOf('.') + 1).toLowerCase()),
        num(f.schemaId),
        num(f.level),
        num(f.rowCount),
        num(f.fileSize),
        num(f.minSequenceNumber),
        num(f.maxSequenceNumber),
        f.creationTime == null ? 'NULL' : quoteString(formatTimestamp(BigInt(f.creationTime), 3)),
        num(f.deleteRowCount),
        dv ? num(dv.cardinality ?? null) : 'NULL',
        split.rawConvertible ? 'TRUE' : 'FALSE',
      ]);
    });
  }
  const files = plan.splits.flatMap((s) => s.files.map((f) => filePath(s, f)));
  return {
    sql: valuesSql(columns, rows),
    info: { table: table.name, snapshotId: plan.snapshot?.id ?? null, schemaId: plan.schema.id, splits: plan.splits.length, files, fastFiles: [], slowSplits: 0, slowReasons: [] },
  };
}

async function schemaAt(table: FileStoreTable, args: ScanArgs): Promise<TableSchema> {
  if (args.schemaId != null) return table.schemas.schema(Number(args.schemaId));
  if (args.snapshotId != null || args.tag != null || args.timestamp != null) {
    const scan = table.newScan();
    applySnapshotSelection(scan, args);
    return (await scan.plan()).schema;
  }
  return table.schema;
}

async function schemaSql(table: FileStoreTable, args: ScanArgs): Promise<string> {
  const schema = await schemaAt(table, args);
  const columns: Column[] = [
    { name: 'field_id', type: 'INTEGER' },
    { name: 'name', type: 'VARCHAR' },
    { name: 'type', type: 'VARCHAR' },
    { name: 'duckdb_type', type: 'VARCHAR' },
    { name: 'nullable', type: 'BOOLEAN' },
    { name: 'partition_key', type: 'BOOLEAN' },
    { name: 'primary_key', type: 'BOOLEAN' },
    { name: 'comment', type: 'VARCHAR' },
    { name: 'schema_id', type: 'BIGINT' },
  ];
  const rows = schema.fields.map((f) => [
    num(f.id),
    str(f.name),
    str(typeText(f.type)),
    str(duckTypeSql(f.type)),
    f.type.nullable ? 'TRUE' : 'FALSE',
    schema.partitionKeys.includes(f.name) ? 'TRUE' : 'FALSE',
    schema.primaryKeys.includes(f.name) ? 'TRUE' : 'FALSE',
    str(f.description ?? null),
    num(schema.id),
  ]);
  return valuesSql(columns, rows);
}

async function schemasSql(table: FileStoreTable): Promise<string> {
  const columns: Column[] = [
    { name: 'schema_id', type: 'BIGINT' },
    { name: 'fields', type: 'VARCHAR' },
    { name: 'partition_keys', type: 'VARCHAR[]' },
    { name: 'primary_keys', type: 'VARCHAR[]' },
    { name: 'options', type: 'MAP(VARCHAR, VARCHAR)' },
    { name: 'comment', type: 'VARCHAR' },
    { name: 'update_time', type: 'TIMESTAMPTZ' },
  ];
  const rows: string[][] = [];
  for (const id of await table.schemas.listIds()) {
    const s = await table.schemas.schema(id);
    const opts = Object.entries(s.options);
    rows.push([
      num(s.id),
      str(JSON.stringify(s.fields.map((f) => ({ id: f.id, name: f.name, type: typeToJson(f.type), ...(f.description ? { description: f.description } : {}) })))),
      strList(s.partitionKeys),
      strList(s.primaryKeys),
      opts.length ? `MAP {${opts.map(([k, v]) => `${quoteString(k)}: ${quoteString(v)}`).join(', ')}}` : 'CAST(MAP {} AS MAP(VARCHAR, VARCHAR))',
      str(s.comment ?? null),
      ts(s.timeMillis || null),
    ]);
  }
  return valuesSql(columns, rows);
}

async function tagsSql(table: FileStoreTable): Promise<string> {
  const columns: Column[] = [
    { name: 'tag_name', type: 'VARCHAR' },
    { name: 'snapshot_id', type: 'BIGINT' },
    { name: 'schema_id', type: 'BIGINT' },
    { name: 'commit_time', type: 'TIMESTAMPTZ' },
    { name: 'record_count', type: 'BIGINT' },
  ];
  const rows: string[][] = [];
  for (const name of await table.tags.list()) {
    const s = await table.tags.snapshot(name);
    rows.push([str(name), num(s.id), num(s.schemaId), ts(s.timeMillis), num(s.totalRecordCount ?? null)]);
  }
  return valuesSql(columns, rows);
}

export async function systemSql(kind: Exclude<SqlOp, 'scan'>, args: ScanArgs, fileIO: FileIO): Promise<SqlResult> {
  const table = await openTable(args, fileIO);
  switch (kind) {
    case 'snapshots':
      return { sql: await snapshotsSql(table), slow: null, info: null };
    case 'files': {
      const { sql, info } = await filesSql(table, args);
      return { sql, slow: null, info };
    }
    case 'schema':
      return { sql: await schemaSql(table, args), slow: null, info: null };
    case 'schemas':
      return { sql: await schemasSql(table), slow: null, info: null };
    case 'tags':
      return { sql: await tagsSql(table), slow: null, info: null };
  }
}

