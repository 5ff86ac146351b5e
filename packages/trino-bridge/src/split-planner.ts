/**
 * Splitting a statement into endpoints a cluster can read in parallel.
 *
 * Only a plain `SELECT <row-wise expressions> FROM <one Paimon table>
 * [WHERE <row-wise condition>]` is split: no join, subquery, CTE, aggregate,
 * window, DISTINCT, ORDER BY, LIMIT, GROUP BY, QUALIFY, SAMPLE, time travel,
 * and only DuckDB scalar functions that are not volatile. For such a query
 * the rows of the whole table are the union of the rows of its splits, so
 * the query over each split gives the query's rows split up.
 *
 * Core plans the table (pruned by the query's WHERE, as the DuckDB package's
 * rewriter derives it) and each split (one bucket of one partition) becomes
 * an endpoint running the query with the table replaced by
 * `paimon_scan(<table>, snapshot_id := <planned snapshot>, filter := <its
 * partition>, buckets := '<its bucket>')` (no filter for an unpartitioned
 * table): every endpoint reads the same snapshot, and DuckDB still does the
 * reading (its Parquet reader, merge-on-read in SQL). A primary key lives in
 * one bucket of one partition, so each endpoint merges on its own.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { FileStoreTable, PaimonError, formatDate, formatDecimal, formatTimestamp, parsePredicate, type DataField, type DataSplit, type ScanPlan, type Value } from '@paimon-ts/core';
import { quoteString, rewriteQuery, type AttachedTable } from '@paimon-ts/duckdb';
import { replaceJsonValue } from './json-splice.js';
import { isObj, walk, type Json } from './query-guard.js';

/** Scalar functions whose value differs call by call: the split query would not be the query. */
const VOLATILE = new Set(['random', 'setseed', 'nextval', 'currval', 'uuid', 'gen_random_uuid', 'uuidv4', 'uuidv7']);

const isEmpty = (v: unknown) => v === null || v === undefined || (Array.isArray(v) && v.length === 0);

/**
 * The Paimon table a query may be split over, or null when it is not a
 * plain single-table SELECT (see the module comment). `scalarFunctions` are
 * DuckDB's scalar function names (lower case).
 */
export function splittableTable(node: Json, scalarFunctions: ReadonlySet<string>, tables: readonly AttachedTable[], catalogName: string): AttachedTable | null {
  if (node['type'] !== 'SELECT_NODE') return null;
  if (!isEmpty(node['modifiers']) || !isEmpty((node['cte_map'] as Json | undefined)?.['map'])) return null;
  if (node['aggregate_handling'] !== 'STANDARD_HANDLING' || !isEmpty(node['group_expressions']) || !isEmpty(node['group_sets'])) return null;
  if (!isEmpty(node['having']) || !isEmpty(node['qualify']) || !isEmpty(node['sample'])) return null;
  const from = node['from_table'];
  if (!isObj(from) || from['type'] !== 'BASE_TABLE' || !isEmpty(from['at_clause']) || !isEmpty(from['sample'])) return null;
  for (const n of walk([node['select_list'], node['where_clause']])) {
    const cls = n['class'];
    if (cls === 'SUBQUERY' || cls === 'WINDOW') return null;
    if (cls === 'FUNCTION') {
      const name = String(n['function_name']).toLowerCase();
      if (!scalarFunctions.has(name) || VOLATILE.has(name)) return null;
      if (n['distinct'] || !isEmpty(n['filter']) || !isEmpty((n['order_bys'] as Json | undefined)?.['orders'])) return null;
    }
  }
  const catalog = String(from['catalog_name'] ?? '');
  const database = String(from['schema_name'] ?? '');
  const table = String(from['table_name'] ?? '');
  if (catalog !== '' && catalog.toLowerCase() !== catalogName.toLowerCase()) return null;
  if (database === '') return null;
  return (
    tables.find((t) => t.database === database && t.table === table) ??
    tables.find((t) => t.database.toLowerCase() === database.toLowerCase() && t.table.toLowerCase() === table.toLowerCase()) ??
    null
  );
}

/** A partition value as a literal of core's predicate syntax, or null when there is no exact one. */
function literal(v: Value, field: DataField): string | null {
  const t = field.type;
  switch (t.kind) {
    case 'CHAR':
    case 'VARCHAR':
      return quoteString(v as string);
    case 'BOOLEAN':
      return v ? 'TRUE' : 'FALSE';
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
      return String(v);
    case 'FLOAT':
    case 'DOUBLE':
      return Number.isFinite(v as number) ? String(v) : null;
    case 'DECIMAL':
      return quoteString(formatDecimal(v as bigint, t.scale));
    case 'DATE':
      return quoteString(formatDate(v as number));
    case 'TIMESTAMP':
      return quoteString(formatTimestamp(v as bigint, t.precision));
    default:
      return null;
  }
}

const ident = (name: string) => `\`${name.replace(/`/g, '``')}\``;

/** Core predicate text selecting exactly one partition, or null when a value has no exact literal. */
export function partitionFilter(split: DataSplit, fields: readonly DataField[]): string | null {
  const parts: string[] = [];
  for (const [i, field] of fields.entries()) {
    const v = split.partition[i] ?? null;
    if (v === null) {
      parts.push(`${ident(field.name)} IS NULL`);
      continue;
    }
    const text = literal(v, field);
    if (text === null) return null;
    parts.push(`${ident(field.name)} = ${text}`);
  }
  return parts.length === 0 ? null : parts.join(' AND ');
}

/** One endpoint of a split statement: the splits it covers and the query text it runs. */
export interface SplitEndpoint {
  sql: string;
  splits: number;
  /** Upper bound of its rows (file row counts, before merging and filtering). */
  fileRows: number;
}

function constant(value: string | number, id: 'VARCHAR' | 'BIGINT', alias = ''): Json {
  return { class: 'CONSTANT', type: 'VALUE_CONSTANT', alias, query_location: 0, value: { type: { id, type_info: null }, is_null: false, value } };
}

/** The serialized query with its table replaced by a `paimon_scan` pinned to a snapshot and restricted to one split. */
function splitJson(json: string, from: Json, path: string, snapshotId: number, filter: string | null, bucket: number): string {
  const args = [constant(path, 'VARCHAR'), constant(snapshotId, 'BIGINT', 'snapshot_id')];
  if (filter !== null) args.push(constant(filter, 'VARCHAR', 'filter'));
  args.push(constant(String(bucket), 'VARCHAR', 'buckets'));
  const scan = {
    type: 'TABLE_FUNCTION',
    alias: String(from['alias'] || from['table_name']),
    sample: null,
    query_location: 0,
    function: {
      class: 'FUNCTION',
      type: 'FUNCTION',
      alias: '',
      query_location: 0,
      function_name: 'paimon_scan',
      schema: '',
      children: args,
      filter: null,
      order_bys: { type: 'ORDER_MODIFIER', orders: [] },
      distinct: false,
      is_operator: false,
      export_state: false,
      catalog: '',
    },
    column_name_alias: from['column_name_alias'] ?? [],
    with_ordinality: 'WITHOUT_ORDINALITY',
  };
  return replaceJsonValue(json, ['statements', 0, 'node', 'from_table'], JSON.stringify(scan));
}

async function deserialize(connection: DuckDBConnection, json: string): Promise<string> {
  const reader = await connection.runAndReadAll(`SELECT json_deserialize_sql(${quoteString(json)})`);
  return String(reader.getRows()[0]![0]);
}

/** The plan of the table, pruned by what the query's WHERE says about it (ignored when core cannot use it). */
async function planTable(connection: DuckDBConnection, sql: string, table: FileStoreTable): Promise<ScanPlan> {
  const { rewrites } = await rewriteQuery(connection, sql);
  const prune = rewrites[0]?.prune ?? null;
  if (prune) {
    try {
      return await table.newScan().filter(parsePredicate(prune)).plan();
    } catch (e) {
      if (!(e instanceof PaimonError && (e.code === 'INVALID_PREDICATE' || e.code === 'INVALID_ARGUMENT'))) throw e;
    }
  }
  return table.newScan().plan();
}

/**
 * The endpoints of a splittable query: one per planned split (partition and
 * bucket), or null when splitting gains nothing (one split, no snapshot) or
 * a partition value has no exact filter literal.
 */
export async function splitEndpoints(connection: DuckDBConnection, query: { sql: string; ast: Json; json: string }, attached: AttachedTable): Promise<SplitEndpoint[] | null> {
  const table = await FileStoreTable.open(attached.path);
  const plan = await planTable(connection, query.sql, table);
  if (!plan.snapshot || plan.splits.length < 2) return null;
  // Fallback-branch splits are planned on the latest snapshot only; a pinned snapshot_id would drop them.
  if (plan.schema.options['scan.fallback-branch']) return null;
  const partitionFields = plan.schema.partitionKeys.map((k) => plan.schema.fields.find((f) => f.name === k)!);
  const out: SplitEndpoint[] = [];
  for (const split of plan.splits) {
    const filter = partitionFilter(split, partitionFields); // null: unpartitioned, or no exact literal
    if (filter === null && partitionFields.length > 0) return null;
    out.push({
      sql: await deserialize(connection, splitJson(query.json, query.ast['from_table'] as Json, attached.path, plan.snapshot.id, filter, split.bucket)),
      splits: 1,
      fileRows: split.files.reduce((n, f) => n + f.rowCount, 0),
    });
  }
  return out;
}
