/**
 * The query rewriter behind `paimonQuery` and `paimon-ts sql`: DuckDB table
 * functions written in JS get no filter pushdown, so before a query runs its
 * SQL is parsed by DuckDB (`json_serialize_sql`), and for every Paimon table
 * it reads (an attached `catalog.db.table` view, or a `paimon_scan(...)`
 * call with constant arguments) the WHERE conjuncts of the same SELECT that
 * constrain only that table's columns with constants are handed to core as
 * `prune := '...'`: partitions, buckets and files they exclude are never
 * opened. The WHERE clause itself stays, so rows are still filtered by
 * DuckDB; only conjuncts that reject NULL-extended rows are used (=, <>, <,
 * <=, >, >=, BETWEEN, IN, NOT IN, IS NOT NULL, and AND/OR of them), so outer
 * joins stay correct. An attached table's `AT (VERSION => n)` /
 * `AT (TIMESTAMP => ...)` becomes `snapshot_id` / `timestamp`.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DataField, DataType } from '@paimon-ts/core';
import { findAttachedTable } from './attach.js';
import { planner } from './bridge.js';
import type { ScanArgs } from './protocol.js';
import { quoteIdent, quoteString } from './sql.js';

type Json = Record<string, unknown>;

export interface Rewrite {
  /** The table as written in the query. */
  target: string;
  /** Core predicate text handed to `prune`, or null. */
  prune: string | null;
  snapshotId: number | null;
  timestamp: string | null;
}

export interface RewriteResult {
  sql: string;
  rewrites: Rewrite[];
}

// ---- reading the AST -----------------------------------------------------------------

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every SELECT_NODE anywhere in the statement (subqueries, CTEs, set operations). */
function selectNodes(root: unknown, out: Json[] = []): Json[] {
  if (Array.isArray(root)) for (const x of root) selectNodes(x, out);
  else if (isObj(root)) {
    if (root['type'] === 'SELECT_NODE') out.push(root);
    for (const v of Object.values(root)) selectNodes(v, out);
  }
  return out;
}

/** The table refs directly in a FROM clause (through joins, not into subqueries). */
function fromRefs(ref: unknown, out: Json[] = []): Json[] {
  if (!isObj(ref)) return out;
  if (ref['type'] === 'JOIN') {
    fromRefs(ref['left'], out);
    fromRefs(ref['right'], out);
  } else {
    out.push(ref);
  }
  return out;
}

function conjuncts(e: unknown): Json[] {
  if (!isObj(e)) return [];
  if (e['type'] === 'CONJUNCTION_AND') return (e['children'] as unknown[]).flatMap(conjuncts);
  return [e];
}

interface Constant {
  /** DuckDB type id of the literal (VARCHAR for DATE '...' style casts of text: see `castTo`). */
  typeId: string;
  value: unknown;
  scale: number;
  /** Set when the literal is `CAST('text' AS <castTo>)` (DATE '...', TIMESTAMP '...'). */
  castTo: string | null;
}

function constantOf(e: unknown): Constant | null {
  if (!isObj(e)) return null;
  if (e['class'] === 'CONSTANT') {
    const v = e['value'] as Json;
    if (v['is_null']) return null;
    const type = v['type'] as Json;
    const info = type['type_info'] as Json | null;
    return { typeId: String(type['id']), value: v['value'], scale: Number(info?.['scale'] ?? 0), castTo: null };
  }
  if (e['class'] === 'CAST' && !e['try_cast']) {
    const child = constantOf(e['child']);
    const to = String((e['cast_type'] as Json)['id']);
    if (child && child.typeId === 'VARCHAR' && child.castTo === null) return { ...child, castTo: to };
  }
  return null;
}

const INTEGER_IDS = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'INTEGER_LITERAL']);
const INTEGER_KINDS = new Set(['TINYINT', 'SMALLINT', 'INT', 'BIGINT']);

function decimalText(unscaled: number, scale: number): string {
  const neg = unscaled < 0;
  const digits = String(Math.abs(unscaled)).padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return neg ? `-${text}` : text;
}

/**
 * The constant as a core predicate literal for a column of `type`, only
 * where core compares exactly as DuckDB does (else null: the conjunct is
 * not used for pruning).
 */
function literalFor(c: Constant, type: DataType): string | null {
  const kind = type.kind;
  if (c.castTo !== null) {
    const text = String(c.value);
    if (c.castTo === 'DATE' && kind === 'DATE' && /^\d{4}-\d{2}-\d{2}$/.test(text)) return quoteString(text);
    if (c.castTo === 'TIMESTAMP' && kind === 'TIMESTAMP') return timestampLiteral(text, type.precision);
    if (c.castTo === 'BOOLEAN' && kind === 'BOOLEAN') return /^(t|true|1|y|yes)$/i.test(text) ? 'TRUE' : /^(f|false|0|n|no)$/i.test(text) ? 'FALSE' : null;
    return null;
  }
  if (INTEGER_IDS.has(c.typeId)) {
    if (typeof c.value !== 'number' || !Number.isSafeInteger(c.value)) return null;
    return INTEGER_KINDS.has(kind) || kind === 'DECIMAL' || kind === 'DOUBLE' ? String(c.value) : null;
  }
  if (c.typeId === 'DECIMAL') {
    if (typeof c.value !== 'number' || !Number.isSafeInteger(c.value)) return null;
    if (kind === 'DECIMAL' && c.scale <= type.scale) return decimalText(c.value, c.scale);
    if (kind === 'DOUBLE') return decimalText(c.value, c.scale);
    return null;
  }
  if (c.typeId === 'DOUBLE') return kind === 'DOUBLE' && typeof c.value === 'number' && Number.isFinite(c.value) ? String(c.value) : null;
  if (c.typeId === 'BOOLEAN') return kind === 'BOOLEAN' ? (c.value ? 'TRUE' : 'FALSE') : null;
  if (c.typeId === 'VARCHAR') {
    const text = String(c.value);
    if (kind === 'VARCHAR') return quoteString(text);
    if (kind === 'DATE' && /^\d{4}-\d{2}-\d{2}$/.test(text)) return quoteString(text);
    if (kind === 'TIMESTAMP') return timestampLiteral(text, type.precision);
  }
  return null;
}

/** Timestamp text whose fraction fits the column's precision (core would truncate a longer one). */
function timestampLiteral(text: string, precision: number): string | null {
  const m = /^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.(\d+))?)?)?$/.exec(text.trim());
  if (!m) return null;
  if ((m[1]?.replace(/0+$/, '').length ?? 0) > precision) return null;
  return quoteString(text.trim());
}

const COMPARE: Record<string, string> = {
  COMPARE_EQUAL: '=',
  COMPARE_NOTEQUAL: '<>',
  COMPARE_LESSTHAN: '<',
  COMPARE_GREATERTHAN: '>',
  COMPARE_LESSTHANOREQUALTO: '<=',
  COMPARE_GREATERTHANOREQUALTO: '>=',
};
const FLIP: Record<string, string> = { '=': '=', '<>': '<>', '<': '>', '>': '<', '<=': '>=', '>=': '<=' };

interface Scope {
  /** Names that qualify this table's columns (alias, or table / function name), lower case. */
  qualifiers: Set<string>;
  /** True when the table is the only one in the FROM clause (unqualified columns are its own). */
  single: boolean;
  fields: readonly DataField[];
}

function fieldOf(e: unknown, scope: Scope): DataField | null {
  if (!isObj(e) || e['class'] !== 'COLUMN_REF') return null;
  const names = e['column_names'] as string[];
  let name: string;
  if (names.length === 1 && scope.single) name = names[0]!;
  else if (names.length === 2 && scope.qualifiers.has(names[0]!.toLowerCase())) name = names[1]!;
  else return null;
  const exact = scope.fields.find((f) => f.name === name);
  if (exact) return exact;
  const ci = scope.fields.filter((f) => f.name.toLowerCase() === name.toLowerCase());
  return ci.length === 1 ? ci[0]! : null;
}

const ident = (f: DataField) => `\`${f.name.replace(/`/g, '``')}\``;

/** A WHERE conjunct as core predicate text, when it only constrains this table's columns with constants. */
function predicateText(e: Json, scope: Scope): string | null {
  const type = String(e['type']);
  if (type === 'CONJUNCTION_AND') {
    const parts = (e['children'] as Json[]).map((c) => predicateText(c, scope)).filter((p): p is string => p !== null);
    return parts.length === 0 ? null : `(${parts.join(' AND ')})`;
  }
  if (type === 'CONJUNCTION_OR') {
    const parts = (e['children'] as Json[]).map((c) => predicateText(c, scope));
    return parts.every((p) => p !== null) ? `(${parts.join(' OR ')})` : null;
  }
  if (COMPARE[type]) {
    let op = COMPARE[type]!;
    let f = fieldOf(e['left'], scope);
    let c = constantOf(e['right']);
    if (!f) {
      f = fieldOf(e['right'], scope);
      c = constantOf(e['left']);
      op = FLIP[op]!;
    }
    if (!f || !c) return null;
    const lit = literalFor(c, f.type);
    return lit === null ? null : `${ident(f)} ${op} ${lit}`;
  }
  if (type === 'COMPARE_BETWEEN') {
    const f = fieldOf(e['input'], scope);
    const lo = constantOf(e['lower']);
    const hi = constantOf(e['upper']);
    if (!f || !lo || !hi) return null;
    const a = literalFor(lo, f.type);
    const b = literalFor(hi, f.type);
    return a === null || b === null ? null : `${ident(f)} BETWEEN ${a} AND ${b}`;
  }
  if (type === 'COMPARE_IN' || type === 'COMPARE_NOT_IN') {
    const [col, ...rest] = e['children'] as Json[];
    const f = fieldOf(col, scope);
    if (!f || rest.length === 0) return null;
    const lits = rest.map((x) => {
      const c = constantOf(x);
      return c ? literalFor(c, f.type) : null;
    });
    if (lits.some((l) => l === null)) return null;
    return `${ident(f)} ${type === 'COMPARE_IN' ? 'IN' : 'NOT IN'} (${lits.join(', ')})`;
  }
  if (type === 'OPERATOR_IS_NOT_NULL') {
    const f = fieldOf((e['children'] as Json[])[0], scope);
    return f ? `${ident(f)} IS NOT NULL` : null;
  }
  return null;
}

// ---- finding Paimon tables ------------------------------------------------------------------

interface Target {
  kind: 'view' | 'call';
  ref: Json;
  node: Json;
  args: ScanArgs;
  /** For views: the table path the replacement `paimon_scan` reads. */
  path: string | null;
  label: string;
  qualifiers: Set<string>;
  snapshotId: number | null;
  timestamp: string | null;
  hasPrune: boolean;
}

const NAMED_ARGS: Record<string, keyof ScanArgs> = {
  db: 'database',
  tbl: 'table',
  branch: 'branch',
  snapshot_id: 'snapshotId',
  tag: 'tag',
  timestamp: 'timestamp',
  scan_timestamp: 'timestamp',
};

function callArgs(fn: Json): { args: ScanArgs; hasPrune: boolean } | null {
  const args: ScanArgs = {};
  const positional: string[] = [];
  let hasPrune = false;
  for (const child of fn['children'] as Json[]) {
    const alias = String(child['alias'] ?? '');
    if (alias === 'prune') hasPrune = true;
    const c = constantOf(child);
    if (alias === '') {
      if (!c || c.castTo !== null) return null;
      positional.push(String(c.value));
    } else if (NAMED_ARGS[alias] && c) {
      (args as Record<string, unknown>)[NAMED_ARGS[alias]!] = c.castTo === null && typeof c.value === 'number' ? c.value : String(c.value);
    }
  }
  if (positional.length === 0) return null;
  args.path = positional[0]!;
  if (positional[1] !== undefined) args.database = positional[1];
  if (positional[2] !== undefined) args.table = positional[2];
  return { args, hasPrune };
}

async function findTargets(connection: DuckDBConnection, statement: Json): Promise<Target[]> {
  const targets: Target[] = [];
  let currentCatalog: string | null = null;
  for (const node of selectNodes(statement)) {
    for (const ref of fromRefs(node['from_table'])) {
      const alias = String(ref['alias'] ?? '');
      if (ref['type'] === 'BASE_TABLE') {
        const table = String(ref['table_name']);
        let catalog = String(ref['catalog_name'] ?? '');
        const schema = String(ref['schema_name'] ?? '');
        if (!schema) continue;
        if (!catalog) {
          currentCatalog ??= String((await connection.runAndReadAll('SELECT current_database()')).getRows()[0]![0]);
          catalog = currentCatalog;
        }
        const found = findAttachedTable(connection, catalog, schema, table);
        if (!found) continue;
        const at = ref['at_clause'] as Json | null;
        let snapshotId: number | null = null;
        let timestamp: string | null = null;
        if (at) {
          const unit = String(at['unit']).toUpperCase();
          const c = constantOf(at['expr']);
          if (!c) throw new Error(`AT (${unit} => ...) on ${found.catalog.name}.${schema}.${table} needs a constant`);
          if (unit === 'VERSION' || unit === 'SNAPSHOT') snapshotId = Number(c.value);
          else if (unit === 'TIMESTAMP') timestamp = String(c.value);
          else throw new Error(`AT (${unit} => ...) is not supported on Paimon tables (VERSION or TIMESTAMP)`);
        }
        targets.push({
          kind: 'view',
          ref,
          node,
          args: { path: found.table.path, ...(snapshotId !== null ? { snapshotId } : {}), ...(timestamp !== null ? { timestamp } : {}) },
          path: found.table.path,
          label: `${found.catalog.name}.${found.table.database}.${found.table.table}`,
          qualifiers: new Set([(alias || table).toLowerCase()]),
          snapshotId,
          timestamp,
          hasPrune: false,
        });
      } else if (ref['type'] === 'TABLE_FUNCTION') {
        const fn = ref['function'] as Json;
        if (String(fn['function_name']).toLowerCase() !== 'paimon_scan') continue;
        const parsed = callArgs(fn);
        if (!parsed) continue;
        targets.push({
          kind: 'call',
          ref,
          node,
          args: parsed.args,
          path: null,
          label: `paimon_scan(${quoteString(parsed.args.path ?? '')}${parsed.args.table ? ', ...' : ''})`,
          qualifiers: new Set([(alias || 'paimon_scan').toLowerCase()]),
          snapshotId: null,
          timestamp: null,
          hasPrune: parsed.hasPrune,
        });
      }
    }
  }
  return targets;
}

// ---- editing the text ------------------------------------------------------------------------

/** Index just past a quoted string, identifier or comment starting at i, or i when none starts there. */
function skipQuoted(sql: string, i: number): number {
  const ch = sql[i];
  if (ch === "'" || ch === '"') {
    let j = i + 1;
    while (j < sql.length) {
      if (sql[j] === ch) {
        if (sql[j + 1] === ch) j += 2;
        else return j + 1;
      } else j++;
    }
    return sql.length;
  }
  if (ch === '-' && sql[i + 1] === '-') {
    const end = sql.indexOf('\n', i);
    return end < 0 ? sql.length : end + 1;
  }
  if (ch === '/' && sql[i + 1] === '*') {
    const end = sql.indexOf('*/', i + 2);
    return end < 0 ? sql.length : end + 2;
  }
  return i;
}

function skipSpace(sql: string, i: number): number {
  for (;;) {
    while (i < sql.length && /\s/.test(sql[i]!)) i++;
    if ((sql[i] === '-' && sql[i + 1] === '-') || (sql[i] === '/' && sql[i + 1] === '*')) i = skipQuoted(sql, i);
    else return i;
  }
}

/** End of a dotted name (`a.b."c"`) starting at i. */
function nameEnd(sql: string, i: number): number {
  let j = i;
  for (;;) {
    if (sql[j] === '"') j = skipQuoted(sql, j);
    else {
      const m = /^[\p{L}\p{N}_$]+/u.exec(sql.slice(j));
      if (!m) return j;
      j += m[0].length;
    }
    const k = skipSpace(sql, j);
    if (sql[k] !== '.') return j;
    j = skipSpace(sql, k + 1);
  }
}

/** Index just past the parenthesis matching the `(` at i. */
function matchParen(sql: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < sql.length) {
    const skipped = skipQuoted(sql, j);
    if (skipped !== j) {
      j = skipped;
      continue;
    }
    if (sql[j] === '(') depth++;
    else if (sql[j] === ')') {
      depth--;
      if (depth === 0) return j + 1;
    }
    j++;
  }
  return -1;
}

const RESERVED_AFTER_NAME = /^(where|group|order|limit|offset|having|qualify|window|union|except|intersect|join|inner|left|right|full|cross|natural|positional|asof|anti|semi|on|using|at|tablesample|using|returning)$/i;

/** The span of `AT ( ... )` after a table name (and its alias), or null. */
function atClauseSpan(sql: string, from: number): [number, number] | null {
  let i = skipSpace(sql, from);
  // Skip an alias: `AS x`, or a bare identifier that is not a keyword.
  const word = /^[\p{L}_][\p{L}\p{N}_$]*/u.exec(sql.slice(i))?.[0];
  if (word && /^as$/i.test(word)) {
    i = skipSpace(sql, i + 2);
    i = sql[i] === '"' ? skipQuoted(sql, i) : i + (/^[\p{L}_][\p{L}\p{N}_$]*/u.exec(sql.slice(i))?.[0].length ?? 0);
  } else if (sql[i] === '"') {
    i = skipQuoted(sql, i);
  } else if (word && !RESERVED_AFTER_NAME.test(word)) {
    i += word.length;
  }
  i = skipSpace(sql, i);
  if (!/^at\b/i.test(sql.slice(i))) return null;
  const open = skipSpace(sql, i + 2);
  if (sql[open] !== '(') return null;
  const close = matchParen(sql, open);
  return close < 0 ? null : [i, close];
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

function namedArgs(prune: string | null, t: Target): string {
  const parts: string[] = [];
  if (prune) parts.push(`prune := ${quoteString(prune)}`);
  if (t.snapshotId !== null) parts.push(`snapshot_id := ${t.snapshotId}`);
  if (t.timestamp !== null) parts.push(`"timestamp" := ${quoteString(t.timestamp)}`);
  return parts.join(', ');
}

/** DuckDB's query_location counts bytes of the UTF-8 text; edits work on JS string indexes. */
function charIndex(sql: string, byteOffset: number): number {
  return Buffer.from(sql, 'utf8').subarray(0, byteOffset).toString('utf8').length;
}

function editFor(sql: string, t: Target, prune: string | null): Edit | null {
  const start = charIndex(sql, Number(t.ref['query_location']));
  if (t.kind === 'view') {
    const end = nameEnd(sql, start);
    if (end <= start) return null;
    const alias = String(t.ref['alias'] ?? '');
    const call = `paimon_scan(${quoteString(t.path!)}${prune || t.snapshotId !== null || t.timestamp !== null ? ', ' + namedArgs(prune, t) : ''})`;
    const text = alias ? call : `${call} AS ${quoteIdent(String(t.ref['table_name']))}`;
    const at = t.ref['at_clause'] ? atClauseSpan(sql, end) : null;
    if (t.ref['at_clause'] && !at) return null;
    if (at) {
      // name [alias] AT (...): replace the name, keep the alias, drop the AT clause.
      return { start, end: at[1], text: text + sql.slice(end, at[0]).trimEnd() };
    }
    return { start, end, text };
  }
  if (!prune || t.hasPrune) return null;
  const open = skipSpace(sql, nameEnd(sql, start));
  if (sql[open] !== '(') return null;
  const close = matchParen(sql, open);
  if (close < 0) return null;
  return { start: close - 1, end: close - 1, text: `, ${namedArgs(prune, { ...t, snapshotId: null, timestamp: null })}` };
}

// ---- entry points --------------------------------------------------------------------------

async function fieldsOf(args: ScanArgs): Promise<DataField[] | null> {
  try {
    return await planner().call<DataField[]>({ op: 'fields', args });
  } catch {
    return null;
  }
}

/**
 * Rewrites one SQL statement so that its Paimon reads prune by the query's
 * filters (and attached tables' AT clauses become time travel). Statements
 * DuckDB cannot serialize (anything but SELECT) come back unchanged.
 */
export async function rewriteQuery(connection: DuckDBConnection, sql: string): Promise<RewriteResult> {
  const reader = await connection.runAndReadAll(`SELECT json_serialize_sql(${quoteString(sql)})`);
  const parsed = JSON.parse(String(reader.getRows()[0]![0])) as Json;
  if (parsed['error'] || !Array.isArray(parsed['statements']) || parsed['statements'].length !== 1) return { sql, rewrites: [] };
  const targets = await findTargets(connection, parsed['statements'][0] as Json);
  const edits: Edit[] = [];
  const rewrites: Rewrite[] = [];
  for (const t of targets) {
    const fields = await fieldsOf(t.args);
    let prune: string | null = null;
    if (fields) {
      const refs = fromRefs(t.node['from_table']);
      const scope: Scope = { qualifiers: t.qualifiers, single: refs.length === 1, fields };
      const parts = conjuncts(t.node['where_clause']).map((c) => predicateText(c, scope)).filter((p): p is string => p !== null);
      if (parts.length > 0) prune = parts.join(' AND ');
    }
    const edit = editFor(sql, t, prune);
    if (!edit) {
      if (t.kind === 'view' && t.ref['at_clause']) throw new Error(`cannot rewrite the AT clause of ${t.label}`);
      continue;
    }
    edits.push(edit);
    rewrites.push({ target: t.label, prune, snapshotId: t.snapshotId, timestamp: t.timestamp });
  }
  edits.sort((a, b) => b.start - a.start);
  let out = sql;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return { sql: out, rewrites };
}

/** Splits a script into statements at top-level semicolons (quotes and comments respected). */
export function splitStatements(script: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  while (i < script.length) {
    const skipped = skipQuoted(script, i);
    if (skipped !== i) {
      i = skipped;
      continue;
    }
    if (script[i] === ';') {
      out.push(script.slice(start, i));
      start = i + 1;
    }
    i++;
  }
  out.push(script.slice(start));
  return out.map((s) => s.trim()).filter((s) => s.length > 0 && !/^(--[^\n]*\n?\s*)+$/.test(s));
}
