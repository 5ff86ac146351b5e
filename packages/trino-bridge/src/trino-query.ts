/**
 * Runs one statement on a Trino coordinator through `trino-client` (Trino's
 * client REST protocol: POST /v1/statement, then follow `nextUri` until the
 * last page) and collects its columns and rows. A failed query (a page with
 * `error`) or an HTTP failure becomes a TrinoQueryError with Trino's message.
 */
import { BasicAuth, Trino, type QueryResult } from 'trino-client';

export interface TrinoConnection {
  /** Coordinator URL, e.g. `http://trino:8080`. */
  url: string;
  /** `X-Trino-User` (default `paimon-ts`). */
  user?: string;
  /** With a password: HTTP basic auth (Trino requires HTTPS for it). */
  password?: string;
  catalog?: string;
  schema?: string;
}

export interface TrinoAnswer {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  /** Trino's `updateType` for statements that are not queries (e.g. `CREATE CATALOG`). */
  updateType: string | null;
  queryId: string | null;
}

export class TrinoQueryError extends Error {
  constructor(
    message: string,
    readonly errorName: string | null,
    readonly queryId: string | null,
  ) {
    super(message);
    this.name = 'TrinoQueryError';
  }
}

function httpMessage(e: unknown, url: string): string {
  const err = e as { response?: { status?: number; data?: unknown }; code?: string; message?: string };
  if (err.response?.status) {
    const body = typeof err.response.data === 'string' ? err.response.data.trim() : JSON.stringify(err.response.data ?? '');
    return `Trino at ${url} answered HTTP ${err.response.status}${body ? `: ${body.slice(0, 300)}` : ''}`;
  }
  return `cannot reach Trino at ${url}: ${err.code ?? err.message ?? String(e)}`;
}

export async function runTrinoQuery(connection: TrinoConnection, sql: string): Promise<TrinoAnswer> {
  const user = connection.user ?? 'paimon-ts';
  const trino = Trino.create({
    server: connection.url,
    source: 'paimon-ts',
    ...(connection.catalog ? { catalog: connection.catalog } : {}),
    ...(connection.schema ? { schema: connection.schema } : {}),
    ...(connection.password !== undefined ? { auth: new BasicAuth(user, connection.password) } : {}),
  });
  const answer: TrinoAnswer = { columns: [], rows: [], updateType: null, queryId: null };
  const take = (page: QueryResult & { updateType?: string }) => {
    answer.queryId ??= page.id ?? null;
    if (page.error) throw new TrinoQueryError(`Trino query ${page.id} failed: ${page.error.errorName ? `${page.error.errorName}: ` : ''}${page.error.message}`, page.error.errorName ?? null, page.id ?? null);
    if (page.columns && answer.columns.length === 0) answer.columns = page.columns.map((c) => ({ name: c.name, type: c.type }));
    if (page.data) answer.rows.push(...(page.data as unknown[][]));
    if (page.updateType) answer.updateType = page.updateType;
  };
  try {
    const pages = await trino.query({ query: sql, user });
    // trino-client answers the POST's own result only as the `done` value when it has no
    // nextUri (a query refused at once); otherwise `done` repeats the last page.
    let taken = 0;
    for (;;) {
      const r = await pages.next();
      if (r.done) {
        if (taken === 0 && r.value) take(r.value);
        break;
      }
      take(r.value);
      taken++;
    }
  } catch (e) {
    if (e instanceof TrinoQueryError) throw e;
    throw new TrinoQueryError(httpMessage(e, connection.url), null, answer.queryId);
  }
  return answer;
}
