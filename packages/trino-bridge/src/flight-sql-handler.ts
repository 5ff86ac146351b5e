/**
 * The Flight SQL face of the Flight service (`FlightHandler`, see
 * @paimon-ts/flight's handler.ts): catalog commands over the warehouse,
 * DuckDB-dialect statements run by DuckDB over the warehouse, prepared
 * statements. Commands, tickets and action bodies are `google.protobuf.Any`
 * of the Flight SQL messages; the server signs the tickets this face makes.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as arrow from 'apache-arrow';
import type { ActionType, CallContext, DoGetStream, FlightDescriptor, FlightHandler, FlightInfoSpec } from '@paimon-ts/flight';
import { encodeSchema, FlightError } from '@paimon-ts/flight';
import { WarehouseCatalog, CATALOGS_SCHEMA, DB_SCHEMAS_SCHEMA, TABLES_SCHEMA, TABLES_WITH_SCHEMA_SCHEMA, TABLE_TYPES_SCHEMA } from './catalog-commands.js';
import { packAny, unpackAny, type FlightSqlCommand, type FlightSqlMessages } from './flight-sql-messages.js';
import { PreparedStatements } from './prepared-statements.js';
import { QueryEngine, type Lease } from './query-engine.js';
import { queryError } from './query-errors.js';
import { resultBatches } from './result-batches.js';
import { castQuery, resultColumns, resultSchema } from './result-types.js';
import { splitEndpoints, splittableTable } from './split-planner.js';
import { sqlInfoBatch, sqlInfoValues, SQL_INFO_SCHEMA, type SqlInfoValue } from './sql-info.js';

export interface FlightSqlHandlerOptions {
  /** The warehouse folder every statement and catalog command reads. */
  warehouse: string;
  /** The Flight SQL catalog (and DuckDB catalog) the warehouse appears as; default `paimon`. */
  catalogName?: string;
  /** The face's name inside signed tickets; default `flight-sql`. */
  name?: string;
  /** Statements DuckDB runs at once (connections); default 4. */
  maxConnections?: number;
  /** Rows per Arrow batch of a statement's result; default 32768. */
  batchRows?: number;
  /** Idle time after which a prepared statement is dropped; default 10 minutes. */
  preparedStatementTimeoutMs?: number;
}

const CREATE_PREPARED = 'CreatePreparedStatement';
const CLOSE_PREPARED = 'ClosePreparedStatement';

const VERSION = '0.1.0';

function arrowVersion(): string {
  const main = createRequire(import.meta.url).resolve('apache-arrow');
  return (JSON.parse(readFileSync(join(dirname(main), 'package.json'), 'utf8')) as { version: string }).version;
}

/** What a statement ticket carries: the query text one endpoint runs. */
interface StatementTicket {
  sql: string;
}

/** The planned answer to a statement: its schema and the query each endpoint runs. */
export interface StatementPlan {
  schema: arrow.Schema;
  endpoints: string[];
}

/** Batches with their schema (so an empty result still sends its schema), usable as a plain async iterable too. */
function doGetStream(schema: arrow.Schema, batches: AsyncIterator<arrow.RecordBatch>): AsyncIterable<arrow.RecordBatch> & DoGetStream {
  const iterable = { [Symbol.asyncIterator]: () => batches };
  return { schema, batches: iterable, [Symbol.asyncIterator]: () => batches };
}

async function* single<T>(item: T): AsyncGenerator<T> {
  yield item;
}

/** A result's batches holding a pooled connection: given back when the stream ends, fails or is abandoned, even unstarted. */
function leased(inner: AsyncGenerator<arrow.RecordBatch>, lease: Lease, onDone: () => void): AsyncIterableIterator<arrow.RecordBatch> {
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    onDone();
    lease.release();
  };
  const it: AsyncIterableIterator<arrow.RecordBatch> = {
    async next() {
      try {
        const r = await inner.next();
        if (r.done) finish();
        return r;
      } catch (e) {
        finish();
        throw queryError(e);
      }
    },
    async return(value?: unknown) {
      try {
        await inner.return(undefined);
      } finally {
        finish();
      }
      return { done: true, value: value as undefined };
    },
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}

export class FlightSqlHandler implements FlightHandler {
  readonly name: string;
  readonly warehouse: string;
  readonly catalogName: string;
  private readonly catalog: WarehouseCatalog;
  private readonly prepared: PreparedStatements;
  private engineOpening: Promise<QueryEngine> | null = null;
  private scalarNames: Promise<Set<string>> | null = null;
  private infoValues: Promise<Map<number, SqlInfoValue>> | null = null;
  private closed = false;

  constructor(private readonly options: FlightSqlHandlerOptions) {
    this.name = options.name ?? 'flight-sql';
    this.warehouse = options.warehouse;
    this.catalogName = options.catalogName ?? 'paimon';
    this.catalog = new WarehouseCatalog(options.warehouse, this.catalogName);
    this.prepared = new PreparedStatements(options.preparedStatementTimeoutMs ?? 10 * 60_000);
  }

  /** The DuckDB side, opened on first use. */
  engine(): Promise<QueryEngine> {
    if (this.closed) return Promise.reject(new FlightError('UNAVAILABLE', 'the Flight SQL service is closed'));
    this.engineOpening ??= QueryEngine.open({
      warehouse: this.warehouse,
      catalogName: this.catalogName,
      ...(this.options.maxConnections !== undefined ? { maxConnections: this.options.maxConnections } : {}),
    }).catch((e: unknown) => {
      this.engineOpening = null; // the next call tries again (the warehouse may appear)
      throw e;
    });
    return this.engineOpening;
  }

  /** Opens DuckDB now (fails fast on a bad warehouse) instead of on the first call. */
  async ready(): Promise<void> {
    await this.engine();
  }

  private scalarFunctions(): Promise<Set<string>> {
    this.scalarNames ??= this.engine()
      .then((e) => e.rows(`SELECT DISTINCT lower(function_name) FROM duckdb_functions() WHERE function_type = 'scalar'`))
      .then((rows) => new Set(rows.map((r) => String(r[0]))))
      .catch((e: unknown) => {
        this.scalarNames = null;
        throw e;
      });
    return this.scalarNames;
  }

  private sqlInfo(): Promise<Map<number, SqlInfoValue>> {
    this.infoValues ??= this.engine()
      .then((e) => e.rows('SELECT keyword_name FROM duckdb_keywords() ORDER BY 1'))
      .then((rows) =>
        sqlInfoValues({
          name: 'paimon-ts',
          version: VERSION,
          arrowVersion: arrowVersion(),
          keywords: rows.map((r) => String(r[0])),
          preparedStatementTimeoutMs: this.prepared.idleTimeoutMs,
        }),
      )
      .catch((e: unknown) => {
        this.infoValues = null;
        throw e;
      });
    return this.infoValues;
  }

  // ---- statements ------------------------------------------------------------------

  /** The schema of a query and the query text of each endpoint (several when it splits; see split-planner.ts). */
  async planStatement(sql: string): Promise<StatementPlan> {
    const engine = await this.engine();
    const scalars = await this.scalarFunctions();
    return engine.withConnection(async (c) => {
      const query = await engine.prepare(c, sql);
      const schema = resultSchema(query.columns);
      const one = { schema, endpoints: [castQuery(sql, query.columns)] };
      const table = splittableTable(query.ast, scalars, engine.tables, engine.catalogName);
      if (!table) return one;
      const parts = await splitEndpoints(c, query, table);
      if (!parts) return one;
      // The per-split query must bind exactly as the query does (it may not, e.g. with
      // catalog-qualified column names); otherwise one endpoint is the honest answer.
      try {
        const check = await engine.prepare(c, parts[0]!.sql);
        const same = check.columns.length === query.columns.length && check.columns.every((col, i) => col.duckType === query.columns[i]!.duckType);
        if (!same) return one;
      } catch {
        return one;
      }
      return { schema, endpoints: parts.map((p) => castQuery(p.sql, query.columns)) };
    });
  }

  private async statementSchema(sql: string): Promise<arrow.Schema> {
    const engine = await this.engine();
    return engine.withConnection(async (c) => resultSchema((await engine.prepare(c, sql)).columns));
  }

  private async statementInfo(sql: string, descriptor: FlightDescriptor): Promise<FlightInfoSpec> {
    const plan = await this.planStatement(sql);
    return {
      schema: plan.schema,
      descriptor,
      endpoints: plan.endpoints.map((q) => ({ ticket: packAny('TicketStatementQuery', { statement_handle: Buffer.from(JSON.stringify({ sql: q } satisfies StatementTicket)) }) })),
      totalRecords: -1,
      totalBytes: -1,
    };
  }

  private async streamStatement(ticket: StatementTicket, ctx: CallContext): Promise<AsyncIterable<arrow.RecordBatch>> {
    const engine = await this.engine();
    const lease = await engine.acquire();
    try {
      const result = await engine.stream(lease.connection, ticket.sql);
      const columns = resultColumns(result.columnNames(), result.columnTypes());
      const schema = resultSchema(columns);
      // A cancelled call stops DuckDB too, not only the reading.
      const interrupt = () => lease.connection.interrupt();
      ctx.signal.addEventListener('abort', interrupt, { once: true });
      const batches = resultBatches(result, columns, schema, { signal: ctx.signal, ...(this.options.batchRows ? { batchRows: this.options.batchRows } : {}) });
      return doGetStream(schema, leased(batches, lease, () => ctx.signal.removeEventListener('abort', interrupt)));
    } catch (e) {
      lease.release();
      throw queryError(e);
    }
  }

  // ---- FlightHandler ---------------------------------------------------------------

  private command(descriptor: FlightDescriptor): FlightSqlCommand | null {
    return descriptor.type === 'CMD' ? unpackAny(descriptor.cmd) : null;
  }

  private static noTransactions(message: { transaction_id?: Uint8Array }): void {
    if (message.transaction_id && message.transaction_id.byteLength > 0) throw new FlightError('UNIMPLEMENTED', 'Flight SQL transactions are not supported: queries read the latest snapshot');
  }

  private async catalogSchema(cmd: FlightSqlCommand): Promise<arrow.Schema | null> {
    switch (cmd.name) {
      case 'CommandGetSqlInfo':
        return SQL_INFO_SCHEMA;
      case 'CommandGetCatalogs':
        return CATALOGS_SCHEMA;
      case 'CommandGetDbSchemas':
        return DB_SCHEMAS_SCHEMA;
      case 'CommandGetTables':
        return cmd.message.include_schema ? TABLES_WITH_SCHEMA_SCHEMA : TABLES_SCHEMA;
      case 'CommandGetTableTypes':
        return TABLE_TYPES_SCHEMA;
      default:
        return null;
    }
  }

  private async catalogBatch(cmd: FlightSqlCommand): Promise<arrow.RecordBatch | null> {
    switch (cmd.name) {
      case 'CommandGetSqlInfo':
        return sqlInfoBatch(await this.sqlInfo(), cmd.message.info ?? []);
      case 'CommandGetCatalogs':
        return this.catalog.catalogs();
      case 'CommandGetDbSchemas':
        return this.catalog.dbSchemas(cmd.message);
      case 'CommandGetTables':
        return this.catalog.tables(cmd.message);
      case 'CommandGetTableTypes':
        return this.catalog.tableTypes();
      default:
        return null;
    }
  }

  private statementSql(cmd: FlightSqlCommand): string | null {
    if (cmd.name === 'CommandStatementQuery') {
      FlightSqlHandler.noTransactions(cmd.message);
      const sql = cmd.message.query ?? '';
      if (sql.trim() === '') throw new FlightError('INVALID_ARGUMENT', 'CommandStatementQuery has no query');
      return sql;
    }
    if (cmd.name === 'CommandPreparedStatementQuery') return this.prepared.sql(cmd.message.prepared_statement_handle ?? Buffer.alloc(0));
    return null;
  }

  async getFlightInfo(descriptor: FlightDescriptor, _ctx: CallContext): Promise<FlightInfoSpec | null> {
    const cmd = this.command(descriptor);
    if (!cmd) return null;
    const schema = await this.catalogSchema(cmd);
    if (schema) {
      // The command is its own ticket: DoGet answers it from the warehouse as it is then.
      return { schema, descriptor, endpoints: [{ ticket: packAny(cmd.name, cmd.message as never) }], totalRecords: -1, totalBytes: -1 };
    }
    const sql = this.statementSql(cmd);
    if (sql !== null) return this.statementInfo(sql, descriptor);
    throw new FlightError('INVALID_ARGUMENT', `Flight SQL ${cmd.name} is not a command for GetFlightInfo`);
  }

  async getSchema(descriptor: FlightDescriptor, _ctx: CallContext): Promise<arrow.Schema | null> {
    const cmd = this.command(descriptor);
    if (!cmd) return null;
    const schema = await this.catalogSchema(cmd);
    if (schema) return schema;
    const sql = this.statementSql(cmd);
    if (sql !== null) return this.statementSchema(sql);
    throw new FlightError('INVALID_ARGUMENT', `Flight SQL ${cmd.name} is not a command for GetSchema`);
  }

  async doGet(ticket: Buffer, ctx: CallContext): Promise<AsyncIterable<arrow.RecordBatch> | null> {
    const cmd = unpackAny(ticket);
    if (!cmd) return null;
    if (cmd.name === 'TicketStatementQuery') {
      let parsed: StatementTicket;
      try {
        parsed = JSON.parse(Buffer.from(cmd.message.statement_handle ?? []).toString('utf8')) as StatementTicket;
      } catch {
        throw new FlightError('INVALID_ARGUMENT', 'malformed statement ticket');
      }
      if (typeof parsed?.sql !== 'string') throw new FlightError('INVALID_ARGUMENT', 'malformed statement ticket');
      return this.streamStatement(parsed, ctx);
    }
    const batch = await this.catalogBatch(cmd);
    if (!batch) throw new FlightError('INVALID_ARGUMENT', `Flight SQL ${cmd.name} is not a DoGet ticket`);
    return doGetStream(batch.schema, single(batch));
  }

  async doAction(type: string, body: Buffer, _ctx: CallContext): Promise<AsyncIterable<Buffer> | null> {
    if (type !== CREATE_PREPARED && type !== CLOSE_PREPARED) return null;
    const cmd = unpackAny(body);
    if (type === CREATE_PREPARED) {
      if (cmd?.name !== 'ActionCreatePreparedStatementRequest') throw new FlightError('INVALID_ARGUMENT', `${CREATE_PREPARED} takes an ActionCreatePreparedStatementRequest`);
      FlightSqlHandler.noTransactions(cmd.message);
      const sql = cmd.message.query ?? '';
      if (sql.trim() === '') throw new FlightError('INVALID_ARGUMENT', `${CREATE_PREPARED} has no query`);
      const schema = await this.statementSchema(sql);
      const result: FlightSqlMessages['ActionCreatePreparedStatementResult'] = {
        prepared_statement_handle: this.prepared.create(sql),
        dataset_schema: encodeSchema(schema),
      };
      return single(packAny('ActionCreatePreparedStatementResult', result));
    }
    if (cmd?.name !== 'ActionClosePreparedStatementRequest') throw new FlightError('INVALID_ARGUMENT', `${CLOSE_PREPARED} takes an ActionClosePreparedStatementRequest`);
    this.prepared.close(cmd.message.prepared_statement_handle ?? Buffer.alloc(0));
    return (async function* () {})();
  }

  listActions(): ActionType[] {
    return [
      { type: CREATE_PREPARED, description: 'Flight SQL: prepare a query (ActionCreatePreparedStatementRequest); answers its handle and dataset schema' },
      { type: CLOSE_PREPARED, description: 'Flight SQL: close a prepared statement (ActionClosePreparedStatementRequest)' },
    ];
  }

  /** Closes DuckDB and drops prepared statements. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.prepared.dispose();
    const opening = this.engineOpening;
    this.engineOpening = null;
    if (opening) (await opening.catch(() => null))?.close();
  }
}

export function createFlightSqlHandler(options: FlightSqlHandlerOptions): FlightSqlHandler {
  return new FlightSqlHandler(options);
}
