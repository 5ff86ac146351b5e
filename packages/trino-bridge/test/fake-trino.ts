/**
 * A stand-in Trino coordinator for tests: an HTTP server speaking Trino's
 * client REST protocol (POST /v1/statement answers QUEUED with a nextUri;
 * GETs of nextUri answer the columns, then the rows a page at a time, the
 * last page without nextUri; failures as an `error` object; X-Trino-User
 * required), so trino-client runs for real. Queries are answered by DuckDB
 * over a warehouse attached under the catalog name (standing in for Trino's
 * Paimon connector), values encoded as Trino's JSON does (bigint and double
 * as numbers, decimal as text). `CREATE CATALOG` statements are recorded.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DuckDBDecimalValue, DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';
import { PaimonDuckDB } from '@paimon-ts/duckdb';

export interface ReceivedStatement {
  sql: string;
  user: string | undefined;
  catalog: string | undefined;
  authorization: string | undefined;
}

interface Query {
  id: string;
  sql: string;
  columns: { name: string; type: string; typeSignature: { rawType: string; arguments: unknown[] } }[];
  rows: unknown[][];
  error: { message: string; errorName: string } | null;
  updateType: string | null;
  started: boolean;
}

export interface FakeTrino {
  url: string;
  statements: ReceivedStatement[];
  /** Catalogs created with CREATE CATALOG. */
  catalogs: Set<string>;
  /** GETs of nextUri served (paging really happened). */
  pagesServed: number;
  close(): Promise<void>;
}

function trinoType(t: DuckDBType): string {
  switch (t.typeId) {
    case DuckDBTypeId.BIGINT:
      return 'bigint';
    case DuckDBTypeId.INTEGER:
      return 'integer';
    case DuckDBTypeId.DOUBLE:
      return 'double';
    case DuckDBTypeId.BOOLEAN:
      return 'boolean';
    case DuckDBTypeId.DATE:
      return 'date';
    case DuckDBTypeId.DECIMAL:
      return t.toString().toLowerCase().replace(/\s/g, '');
    default:
      return 'varchar';
  }
}

function trinoJson(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  if (v instanceof DuckDBDecimalValue) return v.toString();
  return String(v);
}

const CREATE_CATALOG = /^\s*CREATE\s+CATALOG\s+(\w+)\s+USING\s+(\w+)/i;

/** Starts the fake coordinator; `warehouse` is what its "Paimon connector" reads, as `catalog`. */
export async function startFakeTrino(options: { warehouse: string; catalog?: string; pageRows?: number }): Promise<FakeTrino> {
  const catalog = options.catalog ?? 'paimon';
  const pageRows = options.pageRows ?? 2;
  const db = await PaimonDuckDB.open({ warehouse: options.warehouse, name: catalog, use: false });
  const queries = new Map<string, Query>();
  let counter = 0;
  const state: FakeTrino = { url: '', statements: [], catalogs: new Set(), pagesServed: 0, close: async () => {} };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const stats = (s: string) => ({ state: s, queued: s === 'QUEUED', scheduled: s !== 'QUEUED', nodes: 1, totalSplits: 1, queuedSplits: 0, runningSplits: 0, completedSplits: 1 });
  const base = (q: Query) => ({ id: q.id, infoUri: `${state.url}/ui/query.html?${q.id}` });

  async function execute(q: Query, sql: string): Promise<void> {
    const created = CREATE_CATALOG.exec(sql);
    if (created) {
      if (state.catalogs.has(created[1]!)) q.error = { message: `line 1:1: Catalog '${created[1]}' already exists`, errorName: 'CATALOG_ALREADY_EXISTS' };
      else {
        state.catalogs.add(created[1]!);
        q.updateType = 'CREATE CATALOG';
      }
      return;
    }
    try {
      const reader = await db.query(sql);
      q.columns = reader.columnNames().map((name, i) => {
        const type = trinoType(reader.columnTypes()[i]!);
        return { name, type, typeSignature: { rawType: type.replace(/\(.*$/, ''), arguments: [] } };
      });
      q.rows = reader.getRows().map((r) => r.map(trinoJson));
    } catch (e) {
      q.error = { message: (e as Error).message.split('\n')[0]!, errorName: 'GENERIC_USER_ERROR' };
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', state.url);
    if (req.method === 'POST' && url.pathname === '/v1/statement') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const user = req.headers['x-trino-user'] as string | undefined;
      if (!user) return send(res, 400, 'User must be set');
      state.statements.push({ sql: body, user, catalog: req.headers['x-trino-catalog'] as string | undefined, authorization: req.headers.authorization });
      const id = `20260101_000000_${String(++counter).padStart(5, '0')}_fake0`;
      const q: Query = { id, sql: body, columns: [], rows: [], error: null, updateType: null, started: false };
      queries.set(id, q);
      return send(res, 200, { ...base(q), nextUri: `${state.url}/v1/statement/queued/${id}/1`, stats: stats('QUEUED') });
    }
    const m = /^\/v1\/statement\/(queued|executing)\/([^/]+)\/(\d+)$/.exec(url.pathname);
    if (!m) return send(res, 404, 'not found');
    const q = queries.get(m[2]!);
    if (!q) return send(res, 410, 'query gone');
    if (req.method === 'DELETE') {
      queries.delete(q.id);
      res.writeHead(204).end();
      return;
    }
    state.pagesServed++;
    if (m[1] === 'queued') {
      if (!q.started) {
        q.started = true;
        await execute(q, q.sql);
      }
      if (q.error) {
        return send(res, 200, {
          ...base(q),
          stats: stats('FAILED'),
          error: { message: q.error.message, errorCode: 1, errorName: q.error.errorName, errorType: 'USER_ERROR', failureInfo: { type: 'io.trino.spi.TrinoException', message: q.error.message, suppressed: [], stack: [] } },
        });
      }
      if (q.updateType) return send(res, 200, { ...base(q), stats: stats('FINISHED'), updateType: q.updateType });
      // Columns first, no data yet, as a coordinator answers while the query runs.
      return send(res, 200, { ...base(q), nextUri: `${state.url}/v1/statement/executing/${q.id}/1`, columns: q.columns, stats: stats('RUNNING') });
    }
    const page = Number(m[3]);
    const rows = q.rows.slice((page - 1) * pageRows, page * pageRows);
    const more = page * pageRows < q.rows.length;
    return send(res, 200, {
      ...base(q),
      ...(more ? { nextUri: `${state.url}/v1/statement/executing/${q.id}/${page + 1}` } : {}),
      columns: q.columns,
      ...(rows.length ? { data: rows } : {}),
      stats: stats(more ? 'RUNNING' : 'FINISHED'),
    });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => send(res, 500, String(e)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    db.close();
  };
  return state;
}
