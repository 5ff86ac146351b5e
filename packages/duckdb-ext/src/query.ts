/**
 * `paimonQuery(connection, sql)`: runs DuckDB SQL over Paimon tables the way
 * `paimon-ts sql` does: each statement is rewritten for pruning and time
 * travel (see rewrite.ts), and `INSERT INTO | INSERT OVERWRITE <attached
 * table> <query>` is a Paimon write.
 */
import type { DuckDBConnection, DuckDBResultReader } from '@duckdb/node-api';
import { attach, attachedCatalogs, findAttachedTable, type AttachedCatalog } from './attach.js';
import { rewriteQuery, splitStatements, type Rewrite } from './rewrite.js';
import { paimonWrite, type PaimonWriteResult } from './write.js';

export type StatementResult =
  | { kind: 'rows'; sql: string; rewritten: string; rewrites: Rewrite[]; reader: DuckDBResultReader }
  | { kind: 'write'; sql: string; write: PaimonWriteResult };

function unquote(part: string): string {
  const t = part.trim();
  return t.startsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : t;
}

/** `a.b."c"` as its parts. */
function splitName(name: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    if (ch === '"') {
      if (quoted && name[i + 1] === '"') {
        cur += '""';
        i++;
        continue;
      }
      quoted = !quoted;
      cur += ch;
    } else if (ch === '.' && !quoted) {
      parts.push(unquote(cur));
      cur = '';
    } else cur += ch;
  }
  parts.push(unquote(cur));
  return parts;
}

const INSERT = /^\s*INSERT\s+(INTO|OVERWRITE)\s+(?:TABLE\s+)?((?:"(?:[^"]|"")*"|[\p{L}\p{N}_$]+)(?:\s*\.\s*(?:"(?:[^"]|"")*"|[\p{L}\p{N}_$]+)){0,2})\s*(\(([^()]*)\))?\s*(BY\s+NAME\s+)?([\s\S]*)$/iu;

async function insertTarget(connection: DuckDBConnection, sql: string) {
  const m = INSERT.exec(sql);
  if (!m) return null;
  const parts = splitName(m[2]!.replace(/\s+/g, ''));
  let catalog: string;
  let db: string;
  let table: string;
  if (parts.length === 3) [catalog, db, table] = parts as [string, string, string];
  else if (parts.length === 2) {
    [db, table] = parts as [string, string];
    catalog = String((await connection.runAndReadAll('SELECT current_database()')).getRows()[0]![0]);
  } else return null;
  const found = findAttachedTable(connection, catalog, db, table);
  if (!found) return null;
  let query = m[6]!.trim();
  // SQL semantics: a column list names the columns; BY NAME matches names; otherwise by position.
  if (m[4]) query = `SELECT * FROM (${query}) AS __paimon_insert(${m[4]})`;
  const match: 'name' | 'position' = m[4] || m[5] ? 'name' : 'position';
  return { found, overwrite: m[1]!.toUpperCase() === 'OVERWRITE', query, match };
}

const STALE_VIEW = /Contents of view were altered|view .* has changed|types don't match/i;

async function refresh(connection: DuckDBConnection, catalogs: AttachedCatalog[]): Promise<void> {
  for (const c of catalogs) await attach(connection, c.warehouse, { name: c.name });
}

/** Runs one statement (see the module comment). */
export async function runStatement(connection: DuckDBConnection, sql: string): Promise<StatementResult> {
  const insert = await insertTarget(connection, sql);
  if (insert) {
    const { found, overwrite, query, match } = insert;
    // INSERT OVERWRITE of a partitioned table replaces the partitions the rows touch, as in Spark/Flink.
    const write = await paimonWrite(connection, found.catalog.warehouse, `${found.table.database}.${found.table.table}`, query, { match, ...(overwrite ? { overwrite: 'dynamic' as const } : {}) });
    return { kind: 'write', sql, write };
  }
  const { sql: rewritten, rewrites } = await rewriteQuery(connection, sql);
  try {
    return { kind: 'rows', sql, rewritten, rewrites, reader: await connection.runAndReadAll(rewritten) };
  } catch (e) {
    if (!STALE_VIEW.test((e as Error).message)) throw e;
    await refresh(connection, [...attachedCatalogs(connection).values()]);
    return { kind: 'rows', sql, rewritten, rewrites, reader: await connection.runAndReadAll(rewritten) };
  }
}

/** Runs a script of `;`-separated statements; one result per statement. */
export async function runScript(connection: DuckDBConnection, script: string): Promise<StatementResult[]> {
  const out: StatementResult[] = [];
  for (const sql of splitStatements(script)) out.push(await runStatement(connection, sql));
  return out;
}

/** Runs a script and returns the rows of its last statement (a write returns `rows`, `snapshot_id`). */
export async function paimonQuery(connection: DuckDBConnection, sql: string): Promise<DuckDBResultReader> {
  const results = await runScript(connection, sql);
  const last = results[results.length - 1];
  if (!last) throw new Error('no SQL statement given');
  if (last.kind === 'rows') return last.reader;
  return connection.runAndReadAll(`SELECT ${last.write.rows}::BIGINT AS rows, ${last.write.snapshotId ?? 'NULL'}::BIGINT AS snapshot_id`);
}
