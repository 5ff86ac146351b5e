/** The DuckDB baseline: an embedded, in-memory instance that never downloads anything. */
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { FIELDS, appendToDuckDB, generateBatch, type DataKind } from './data.js';
import type { BenchConfig } from './config.js';

export interface Duck {
  instance: DuckDBInstance;
  conn: DuckDBConnection;
  close(): void;
}

export async function openDuck(cfg: BenchConfig): Promise<Duck> {
  const options: Record<string, string> = { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' };
  if (cfg.duckdbThreads !== null) options['threads'] = String(cfg.duckdbThreads);
  const instance = await DuckDBInstance.create(':memory:', options);
  const conn = await instance.connect();
  return {
    instance,
    conn,
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

export async function queryRow(conn: DuckDBConnection, sql: string): Promise<DuckDBValue[]> {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRows()[0] ?? [];
}

export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * Loads the same rows paimon-ts is given into a DuckDB table through the
 * Appender, one whole data chunk at a time (untimed setup). Returns seconds.
 */
export async function loadTable(duck: Duck, cfg: BenchConfig, name: string, kind: DataKind, withSeq: boolean): Promise<number> {
  const t0 = performance.now();
  const cols = FIELDS.map((f) => `${f.name} ${f.duck}`);
  if (withSeq) cols.push('seq BIGINT');
  await duck.conn.run(`CREATE TABLE ${name} (${cols.join(', ')})`);
  const appender = await duck.conn.createAppender(name);
  for (let b = 0, first = 0; first < cfg.rows; b++, first += cfg.batchRows) {
    const n = Math.min(cfg.batchRows, cfg.rows - first);
    appendToDuckDB(appender, generateBatch(kind, b, first, n, cfg.keys), withSeq);
  }
  appender.closeSync(); // flushes
  return (performance.now() - t0) / 1000;
}

export function asNumber(v: DuckDBValue | undefined): number {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  if (v !== null && typeof v === 'object' && 'days' in v) return Number((v as { days: number }).days);
  if (v !== null && typeof v === 'object' && 'toDouble' in v) return (v as { toDouble(): number }).toDouble();
  return Number(v);
}
