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
  toJsonValue,
  typeToJson,
  typeToString,
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
import { bySchema, columnMapping, emptySelect, fastPathSql, hasNanos, KIND, mergeSql, readFilesSql, SEQ, type FastFile } from './fast-path.js';
import { PlanCache, snapshotToRead } from './plan-cache.js';
import type { ScanArgs, ScanInfo, SqlOp, SqlResult, TableLocator } from './protocol.js';
import { applySnapshotSelection } from './snapshot-args.js';
import { predicateSql, quoteIdent, quoteString } from './sql.js';
import { duckTypeSql } from './types.js';

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

/**
 * The `buckets` argument as sorted bucket numbers, or null for every bucket.
 * A bucket number names that bucket in every partition (each partition keeps
 * the bucket count it was written with).
 */
export function parseBuckets(value: ScanArgs['buckets'], table: string): number[] | null {
  if (value == null) return null;
  const text = String(value).trim();
  const items = Array.isArray(value) ? value : typeof value === 'number' ? [value] : text === '' ? [] : text.split(',').map((s) => s.trim());
  const out = new Set<number>();
  for (const item of items) {
    if (!/^-?\d+$/.test(String(item))) throw new PaimonError('INVALID_ARGUMENT', `table ${table}: buckets ${JSON.stringify(value)} must be bucket numbers, e.g. '0,3'`);
    out.add(Number(item));
  }
  if (out.size === 0) throw new PaimonError('INVALID_ARGUMENT', `table ${table}: buckets ${JSON.stringify(value)} names no bucket`);
  return [...out].sort((a, b) => a - b);
}

/** The columns a scan with these arguments returns (the schema of the snapshot it reads). */
export async function scanFields(args: ScanArgs, fileIO: FileIO): Promise<DataField[]> {
  const table = await openTable(args, fileIO);
  if (args.snapshotId == null && args.tag == null && args.timestamp == null) return table.schema.fields;
  const scan = table.newScan();
  applySnapshotSelection(scan, args);
  return (await scan.plan()).schema.fields;
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

/** Plans of recent scans (see plan-cache.ts); results with a core-read part are cached too (their handle is re-registered). */
const plans = new PlanCache<ScanSqlResult>(64);

export async function scanSql(args: ScanArgs, fileIO: FileIO): Promise<ScanSqlResult> {
  const table = await openTable(args, fileIO);
  const incremental = args.incrementalBetween != null || (args.scanMode ?? 'batch').toLowerCase() === 'incremental';
  if (incremental) return incrementalSql(table, args);
  if (args.scanMode != null && !['batch', 'full', 'latest', 'default'].includes(args.scanMode.toLowerCase())) {
    throw new PaimonError('INVALID_ARGUMENT', `scan_mode ${JSON.stringify(args.scanMode)} is not supported (batch or incremental)`);
  }
  const buckets = parseBuckets(args.buckets, table.name);
  const snapshot = await snapshotToRead(table, args);
  const key = snapshot
    ? JSON.stringify([table.path, table.branch, table.schema.id, snapshot.id, args.tag ?? null, args.filter ?? null, args.prune ?? null, buckets, args.fastPath !== false])
    : null;
  const hit = key ? plans.get(key) : undefined;
  if (hit) return { ...hit, info: { ...hit.info, planCached: true } };
  // Pinned to the snapshot just resolved, so a commit in between cannot put a newer plan under this key.
  const pinned = snapshot?.pinned ? { ...args, snapshotId: snapshot.id, tag: null, timestamp: null } : args;
  const result = await planScanSql(table, pinned);
  if (key && result.info.snapshotId === snapshot!.id) plans.set(key, result);
  return result;
}

async function planScanSql(table: FileStoreTable, args: ScanArgs): Promise<ScanSqlResult> {
  const filter = parseFilter(args.filter, 'filter');
  const prune = pruneFilter(args.prune, table);
  const both = filter && prune ? and(filter, prune) : (filter ?? prune);
  const buckets = parseBuckets(args.buckets, table.name);
  const newScan = (predicate: Predicate | null): TableScan => {
    const scan = table.newScan();
    applySnapshotSelection(scan, args);
    if (predicate) scan.filter(predicate);
    if (buckets) scan.onlyBuckets(buckets);
    return scan;
  };
  let scan = newScan(both);
  let plan: ScanPlan;
  try {
    plan = await scan.plan();
  } catch (e) {
    // A prune filter written against the latest schema may not bind to an older snapshot's: plan without it.
    if (!(prune && e instanceof PaimonError && e.code === 'INVALID_PREDICATE')) throw e;
    scan = newScan(filter);
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
      mergedFiles: fast.mergedFiles,
      slowSplits: fast.slowSplits.length,
      slowReasons: fast.slowReasons,
      planCached: false,
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
  const buckets = parseBuckets(args.buckets, table.name);
  const entries: ManifestEntry[] = [];
  const snapshots: Snapshot[] = [];
  for (let id = start + 1; id <= end; id++) {
    const s = await table.snapshots.snapshot(id);
    snapshots.push(s);
    if (s.commitKind !== 'APPEND') continue;
    for (const meta of await table.manifests.manifestList(s.deltaManifestList)) {
      for (const e of await table.manifests.manifest(meta.fileName)) if (e.kind === 0 && (!buckets || buckets.includes(e.bucket))) entries.push(e);
    }
  }
  const filter = parseFilter(args.filter, 'filter');
  if (filter) bindPredicate(filter, fields, table.name);
  const paths = entries.some((e) => !e.file.externalPath) ? await dataFilePaths(table.fileIO, table.path) : new Map<string, string>();
  const files: FastFile[] = entries.map((e) => {
    const path = e.file.externalPath ?? paths.get(e.file.fileName);
    if (!path) throw new PaimonError('FILE_NOT_FOUND', `table ${table.name}: data file ${e.file.fileName} of the incremental range is gone (expired?)`);
    return { path, schemaId: e.file.schemaId, deleted: null, retractions: true, rows: e.file.rowCount };
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
    inputs.push(...readFilesSql(group, isPk ? [...m, SEQ, KIND] : m));
  }
  let sql: string;
  if (inputs.length === 0) sql = `SELECT CAST(NULL AS VARCHAR) AS rowkind, * FROM (${emptySelect(fields)})`;
  else if (!isPk) sql = `SELECT '+I' AS rowkind, * FROM (${inputs.join(' UNION ALL ')})`;
  else sql = `SELECT ${ROW_KIND_SQL} AS rowkind, ${names.join(', ')} FROM (${mergeSql(inputs, [...new Set([...schema.primaryKeys, ...schema.partitionKeys])].map(quoteIdent), options, names, true)})`;
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
      mergedFiles: isPk ? files.map((f) => f.path) : [],
      slowSplits: 0,
      slowReasons: [],
      planCached: false,
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
    info: { table: table.name, snapshotId: plan.snapshot?.id ?? null, schemaId: plan.schema.id, splits: plan.splits.length, files, fastFiles: [], mergedFiles: [], slowSplits: 0, slowReasons: [], planCached: false },
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

