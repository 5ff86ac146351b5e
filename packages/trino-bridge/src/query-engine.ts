/**
 * The DuckDB side of the Flight SQL face: one DuckDB instance over the
 * warehouse (every table attached as `<catalog>.<db>.<table>`, the catalog
 * the default one), and a small pool of connections, one per running
 * statement (a DuckDB connection runs one query at a time).
 *
 * The instance reads files only inside the warehouse: external access is
 * off with the warehouse as the one allowed directory, and the
 * configuration is locked so a query cannot turn it back on.
 */
import { resolve } from 'node:path';
import type { DuckDBConnection, DuckDBResult } from '@duckdb/node-api';
import { PaimonDuckDB, attach, attachedCatalogs, installPaimon, quoteIdent, quoteString, rewriteQuery, type AttachedCatalog, type AttachedTable } from '@paimon-ts/duckdb';
import { FlightError } from '@paimon-ts/flight';
import { isMissingTable, queryError } from './query-errors.js';
import { checkQuery, parseQuery, type ParsedQuery } from './query-guard.js';
import { resultColumns, type ResultColumn } from './result-types.js';

export interface QueryEngineOptions {
  warehouse: string;
  /** DuckDB catalog the warehouse is attached as (default `paimon`). */
  catalogName?: string;
  /** Connections, i.e. statements running at once (default 4); more wait for a free one. */
  maxConnections?: number;
}

/** A connection borrowed from the pool; `release()` gives it back. */
export interface Lease {
  connection: DuckDBConnection;
  release(): void;
}

/** A parsed and checked query with the columns it returns. */
export interface PreparedQuery extends ParsedQuery {
  sql: string;
  columns: ResultColumn[];
}

/** DuckDB's view of an attached table changed since it was attached: attach again and retry. */
const STALE_VIEW = /Contents of view were altered|view .* has changed|types don't match/i;

export class QueryEngine {
  private readonly idle: DuckDBConnection[] = [];
  private readonly all: DuckDBConnection[] = [];
  private readonly waiting: ((c: DuckDBConnection) => void)[] = [];
  private refreshing: Promise<void> | null = null;
  private closed = false;

  private constructor(
    private readonly db: PaimonDuckDB,
    private catalog: AttachedCatalog,
    readonly warehouse: string,
    readonly catalogName: string,
    private readonly maxConnections: number,
  ) {}

  static async open(options: QueryEngineOptions): Promise<QueryEngine> {
    const warehouse = resolve(options.warehouse);
    const catalogName = options.catalogName ?? 'paimon';
    const db = await PaimonDuckDB.open({ warehouse, name: catalogName, use: true });
    const c = db.connection;
    await c.run(`SET allowed_directories = [${quoteString(`${warehouse}/`)}]`);
    await c.run('SET enable_external_access = false');
    await c.run('SET lock_configuration = true');
    return new QueryEngine(db, db.catalog!, warehouse, catalogName, Math.max(1, options.maxConnections ?? 4));
  }

  /** The tables attached now (by the last refresh). */
  get tables(): readonly AttachedTable[] {
    return this.catalog.tables;
  }

  private async newConnection(): Promise<DuckDBConnection> {
    const c = await this.db.instance.connect();
    await installPaimon(c);
    await c.run(`USE ${quoteIdent(this.catalogName)}`);
    attachedCatalogs(c).set(this.catalogName.toLowerCase(), this.catalog);
    this.all.push(c);
    return c;
  }

  async acquire(): Promise<Lease> {
    if (this.closed) throw new FlightError('UNAVAILABLE', 'the Flight SQL service is closed');
    let connection = this.idle.pop();
    if (!connection) {
      if (this.all.length < this.maxConnections) connection = await this.newConnection();
      else connection = await new Promise<DuckDBConnection>((res) => this.waiting.push(res));
    }
    let released = false;
    return {
      connection,
      release: () => {
        if (released) return;
        released = true;
        const next = this.waiting.shift();
        if (next) next(connection);
        else this.idle.push(connection);
      },
    };
  }

  async withConnection<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    const lease = await this.acquire();
    try {
      return await fn(lease.connection);
    } finally {
      lease.release();
    }
  }

  /** Attaches the warehouse again (tables created or altered since), for every connection. */
  refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        this.catalog = await attach(this.db.connection, this.warehouse, { name: this.catalogName });
        for (const c of this.all) attachedCatalogs(c).set(this.catalogName.toLowerCase(), this.catalog);
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  /** Runs `fn`; when DuckDB says a table is unknown or a view is stale, attaches again and runs it once more. */
  async retryingStale<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (!isMissingTable(e) && !(e instanceof Error && STALE_VIEW.test(e.message))) throw queryError(e);
      await this.refresh();
      try {
        return await fn();
      } catch (e2) {
        throw queryError(e2);
      }
    }
  }

  /**
   * The text DuckDB runs for a query: the DuckDB package's rewrite (Paimon
   * pruning, AT clauses of attached tables as time travel), or the query
   * itself when the rewrite does not bind (the rewriter replaces a table
   * reference, which breaks columns qualified with the table's full name).
   */
  private async runnable<T>(connection: DuckDBConnection, sql: string, use: (text: string) => Promise<T>): Promise<T> {
    return this.retryingStale(async () => {
      const { sql: rewritten } = await rewriteQuery(connection, sql);
      if (rewritten !== sql) {
        try {
          return await use(rewritten);
        } catch (e) {
          if (!(e instanceof Error && /^Binder Error:/.test(e.message))) throw e;
        }
      }
      return use(sql);
    });
  }

  /** Parses, checks and binds a query: its output columns, without running it. */
  async prepare(connection: DuckDBConnection, sql: string): Promise<PreparedQuery> {
    const parsed = await parseQuery(connection, sql);
    checkQuery(parsed.ast, this.warehouse);
    const columns = await this.runnable(connection, sql, async (text) => {
      const p = await connection.prepare(text);
      try {
        if (p.parameterCount > 0) throw new FlightError('INVALID_ARGUMENT', `the query has ${p.parameterCount} parameter(s); bound parameters are not supported over Flight SQL`);
        const names: string[] = [];
        const types = [];
        for (let i = 0; i < p.columnCount; i++) {
          names.push(p.columnName(i));
          types.push(p.columnType(i));
        }
        return resultColumns(names, types);
      } finally {
        p.destroySync();
      }
    });
    return { ...parsed, sql, columns };
  }

  /** Starts a query for streaming. The query is checked again here: it may come from a ticket. */
  async stream(connection: DuckDBConnection, sql: string): Promise<DuckDBResult> {
    checkQuery((await parseQuery(connection, sql)).ast, this.warehouse);
    return this.runnable(connection, sql, (text) => connection.stream(text));
  }

  /** Rows of a small query, all at once (catalog metadata, SqlInfo). */
  async rows(sql: string): Promise<unknown[][]> {
    return this.withConnection(async (c) => (await c.runAndReadAll(sql)).getRows() as unknown[][]);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.all) c.closeSync();
    this.db.close();
  }
}
