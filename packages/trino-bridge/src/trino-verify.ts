/**
 * Verification queries: the same aggregates over one table, asked of Trino
 * (through its Paimon connector) and of paimon-ts (DuckDB over the
 * warehouse), compared metric by metric.
 *
 * The aggregates are written in SQL both engines read the same way: row
 * count; per column the non-NULL count, and by type an exact sum
 * (integers and decimals as DECIMAL(38, s)), min / max as text (numbers,
 * dates, timestamps), the summed length of strings, the count of TRUE.
 * Floating-point sums are compared with a relative tolerance (summation
 * order differs between engines); everything else must be equal once both
 * answers are in canonical text (no trailing fraction zeros).
 */
import { FileSystemCatalog, type DataField } from '@paimon-ts/core';
import { PaimonDuckDB, quoteIdent } from '@paimon-ts/duckdb';
import { runTrinoQuery, type TrinoConnection } from './trino-query.js';

export interface Metric {
  name: string;
  sql: string;
  /** `float`: compared with a relative tolerance. */
  compare: 'exact' | 'float';
}

/** The metrics of a table with these columns. */
export function verificationMetrics(fields: readonly DataField[]): Metric[] {
  const out: Metric[] = [{ name: 'rows', sql: 'count(*)', compare: 'exact' }];
  for (const f of fields) {
    const c = quoteIdent(f.name);
    const add = (what: string, sql: string, compare: Metric['compare'] = 'exact') => out.push({ name: `${f.name}: ${what}`, sql, compare });
    add('non-null', `count(${c})`);
    const t = f.type;
    switch (t.kind) {
      case 'TINYINT':
      case 'SMALLINT':
      case 'INT':
      case 'BIGINT':
      case 'DECIMAL': {
        const scale = t.kind === 'DECIMAL' ? t.scale : 0;
        add('sum', `sum(CAST(${c} AS DECIMAL(38, ${scale})))`);
        add('min', `CAST(min(${c}) AS VARCHAR)`);
        add('max', `CAST(max(${c}) AS VARCHAR)`);
        break;
      }
      case 'FLOAT':
      case 'DOUBLE':
        add('sum', `sum(CAST(${c} AS DOUBLE))`, 'float');
        add('min', `CAST(min(${c}) AS DOUBLE)`, 'float');
        add('max', `CAST(max(${c}) AS DOUBLE)`, 'float');
        break;
      case 'VARCHAR':
        add('min', `min(${c})`);
        add('max', `max(${c})`);
        add('total length', `sum(length(${c}))`);
        break;
      case 'BOOLEAN':
        add('true', `count_if(${c})`);
        break;
      case 'DATE':
      case 'TIMESTAMP':
        add('min', `CAST(min(${c}) AS VARCHAR)`);
        add('max', `CAST(max(${c}) AS VARCHAR)`);
        break;
      default:
        // CHAR (Trino pads it), binary, TIME, TIMESTAMP_LTZ (text depends on the session zone), nested: count only.
        break;
    }
  }
  return out;
}

/** One SELECT computing every metric, over `<catalog>.<db>.<table>` (same text for Trino and DuckDB). */
export function verificationSql(metrics: readonly Metric[], catalog: string, database: string, table: string): string {
  const select = metrics.map((m, i) => `${m.sql} AS m${i}`).join(',\n  ');
  return `SELECT\n  ${select}\nFROM ${quoteIdent(catalog)}.${quoteIdent(database)}.${quoteIdent(table)}`;
}

/** A value from either engine as canonical text: numbers without trailing fraction zeros, timestamps likewise. */
export function canonical(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  let text = String(value);
  if (/^-?\d+\.\d+$/.test(text)) text = text.replace(/0+$/, '').replace(/\.$/, '');
  else if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d+$/.test(text)) text = text.replace(/0+$/, '').replace(/\.$/, '');
  if (text === '-0') text = '0';
  return text;
}

export interface MetricResult {
  name: string;
  trino: string | null;
  ours: string | null;
  equal: boolean;
}

export interface Verification {
  table: string;
  sql: string;
  metrics: MetricResult[];
  /** True when every metric agrees. */
  match: boolean;
}

const FLOAT_TOLERANCE = 1e-9;

export function sameMetric(metric: Metric, a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  if (metric.compare === 'float') {
    const x = Number(a);
    const y = Number(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
    return x === y || Math.abs(x - y) <= FLOAT_TOLERANCE * Math.max(Math.abs(x), Math.abs(y));
  }
  return a === b;
}

/** Compares the two answers (one row each, metrics in order). */
export function compareMetrics(table: string, sql: string, metrics: readonly Metric[], trinoRow: readonly unknown[], ourRow: readonly unknown[]): Verification {
  const results = metrics.map((m, i) => {
    const trino = canonical(trinoRow[i]);
    const ours = canonical(ourRow[i]);
    return { name: m.name, trino, ours, equal: sameMetric(m, trino, ours) };
  });
  return { table, sql, metrics: results, match: results.every((r) => r.equal) };
}

export interface VerifyOptions {
  trino: TrinoConnection;
  warehouse: string;
  /** Trino catalog of the warehouse (the Paimon connector's); also the name DuckDB attaches it as. Default `paimon`. */
  catalog?: string;
  /** `db.table`. */
  table: string;
}

/** Runs the verification query on Trino and on paimon-ts and compares the answers. */
export async function verifyTable(options: VerifyOptions): Promise<Verification> {
  const catalog = options.catalog ?? 'paimon';
  const dot = options.table.indexOf('.');
  if (dot <= 0 || dot === options.table.length - 1) throw new Error(`table ${JSON.stringify(options.table)} must be <db>.<table>`);
  const database = options.table.slice(0, dot);
  const name = options.table.slice(dot + 1);
  const table = await new FileSystemCatalog(options.warehouse).getTable(`${database}.${name}`);
  const metrics = verificationMetrics(table.schema.fields);
  const sql = verificationSql(metrics, catalog, database, name);
  const db = await PaimonDuckDB.open({ warehouse: options.warehouse, name: catalog });
  let ours: unknown[];
  try {
    ours = (await db.query(sql)).getRows()[0] ?? [];
  } finally {
    db.close();
  }
  const trino = await runTrinoQuery(options.trino, sql);
  return compareMetrics(options.table, sql, metrics, trino.rows[0] ?? [], ours);
}

/** The two answers side by side, and the verdict. */
export function formatVerification(v: Verification): string {
  const rows = v.metrics.map((m) => [m.name, m.trino ?? 'NULL', m.ours ?? 'NULL', m.equal ? 'ok' : 'DIFFERENT']);
  const header = ['metric', 'trino', 'paimon-ts', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const differing = v.metrics.filter((m) => !m.equal).length;
  const verdict = v.match ? `MATCH: Trino and paimon-ts agree on ${v.table} (${v.metrics.length} metrics)` : `MISMATCH: ${differing} of ${v.metrics.length} metrics differ on ${v.table}`;
  return [line(header), ...rows.map(line), '', verdict].join('\n');
}
