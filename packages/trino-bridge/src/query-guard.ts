/**
 * What a Flight SQL client may run. The query is parsed by DuckDB itself
 * (`json_serialize_sql`, which only serializes SELECT statements), then:
 *
 * - exactly one statement, and a query (no DDL, DML, SET, ATTACH, COPY, ...);
 * - table functions only from a short list: the Paimon ones (`paimon_scan`
 *   and the system tables) with a constant location inside the warehouse,
 *   and row generators (`range`, `generate_series`, `unnest`). `read_csv`,
 *   `read_parquet`, `query(...)` and the rest are refused.
 *
 * DuckDB itself runs with external access off except for the warehouse
 * folder (see query-engine.ts), so file reads outside the warehouse fail
 * even through forms not listed here (e.g. `FROM 'file.csv'`).
 */
import { isAbsolute, relative, resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteString } from '@paimon-ts/duckdb';
import { FlightError } from '@paimon-ts/flight';

export type Json = Record<string, unknown>;
export const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const PAIMON_FUNCTIONS = new Set(['paimon_scan', 'paimon_files', 'paimon_snapshots', 'paimon_schema', 'paimon_schemas', 'paimon_tags']);
const GENERATORS = new Set(['range', 'generate_series', 'unnest']);

/** A statement as DuckDB's parser sees it. */
export interface ParsedQuery {
  /** The SELECT's AST (`statements[0].node`); 64-bit numbers in it may be rounded, so only its shape is to be trusted. */
  ast: Json;
  /** The exact `json_serialize_sql` text (for edits that go back to DuckDB, see json-splice.ts). */
  json: string;
}

/** Parses one statement with DuckDB's parser. */
export async function parseQuery(connection: DuckDBConnection, sql: string): Promise<ParsedQuery> {
  const reader = await connection.runAndReadAll(`SELECT json_serialize_sql(${quoteString(sql)})`);
  const json = String(reader.getRows()[0]![0]);
  const parsed = JSON.parse(json) as Json;
  if (parsed['error']) {
    const type = String(parsed['error_type'] ?? '');
    const message = String(parsed['error_message'] ?? 'cannot parse the query');
    if (type === 'parser') throw new FlightError('INVALID_ARGUMENT', `Parser Error: ${message}`);
    throw new FlightError('INVALID_ARGUMENT', `only queries (SELECT, FROM, VALUES, WITH ...) can run over Flight SQL: ${message}`);
  }
  const statements = parsed['statements'] as Json[];
  if (statements.length !== 1) throw new FlightError('INVALID_ARGUMENT', `expected one SQL statement, got ${statements.length}`);
  return { ast: statements[0]!['node'] as Json, json };
}

/** Every object node of the AST, depth first. */
export function* walk(node: unknown): Generator<Json> {
  if (Array.isArray(node)) for (const x of node) yield* walk(x);
  else if (isObj(node)) {
    yield node;
    for (const v of Object.values(node)) yield* walk(v);
  }
}

function constantText(e: unknown): string | null {
  if (!isObj(e) || e['class'] !== 'CONSTANT') return null;
  const v = e['value'] as Json;
  return v['is_null'] ? null : String(v['value']);
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, resolve(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** A plain name (database, table): no path separators, not `.`/`..`. */
const PLAIN_NAME = /^(?!\.\.?$)[^/\\]+$/;

function checkPaimonCall(name: string, args: Json[], warehouse: string): void {
  const positional = args.filter((a) => !a['alias']);
  const location = constantText(positional[0]);
  if (location === null) throw new FlightError('PERMISSION_DENIED', `${name}(...) over Flight SQL needs a constant table or warehouse path as its first argument`);
  if (!inside(warehouse, location)) throw new FlightError('PERMISSION_DENIED', `${name}(${quoteString(location)}): only tables inside the warehouse ${warehouse} can be read`);
  const names = [...positional.slice(1), ...args.filter((a) => a['alias'] === 'db' || a['alias'] === 'tbl')];
  for (const a of names) {
    const text = constantText(a);
    if (text === null) continue;
    for (const part of text.split('.')) {
      if (!PLAIN_NAME.test(part)) throw new FlightError('PERMISSION_DENIED', `${name}(...): ${JSON.stringify(text)} is not a database or table name`);
    }
  }
}

/** Refuses table functions outside the allowed set (see the module comment). */
export function checkQuery(node: Json, warehouse: string): void {
  const root = resolve(warehouse);
  for (const n of walk(node)) {
    if (n['type'] !== 'TABLE_FUNCTION') continue;
    const fn = n['function'] as Json;
    const name = String(fn['function_name'] ?? '').toLowerCase();
    const args = (fn['children'] as Json[] | undefined) ?? [];
    if (PAIMON_FUNCTIONS.has(name)) checkPaimonCall(name, args, root);
    else if (!GENERATORS.has(name)) throw new FlightError('PERMISSION_DENIED', `table function ${name}(...) is not available over Flight SQL (allowed: ${[...PAIMON_FUNCTIONS, ...GENERATORS].join(', ')})`);
  }
}
