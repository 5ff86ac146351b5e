/**
 * Makes Paimon tables readable from DuckDB SQL on a connection:
 *
 * - `__paimon_sql(kind, json)`: a scalar function that plans a read in core
 *   (synchronously, through the planner worker) and returns the SQL that
 *   performs it;
 * - `__paimon_rows(handle)`: a table function streaming the rows core reads
 *   for the splits DuckDB's Parquet reader cannot read exactly;
 * - table macros `paimon_scan`, `paimon_files`, `paimon_snapshots`,
 *   `paimon_schema`, `paimon_schemas`, `paimon_tags`, each
 *   `FROM query(__paimon_sql(...))`, so planning happens when a query is
 *   bound: every query sees the table's latest snapshot (or the one asked for).
 */
import {
  BIGINT,
  DuckDBScalarFunction,
  DuckDBTableFunction,
  VARCHAR,
  type DuckDBConnection,
  type DuckDBValue,
} from '@duckdb/node-api';
import * as arrow from 'apache-arrow';
import { getValue, type DataField } from '@paimon-ts/core';
import { planner } from './bridge.js';
import type { NextResult, ScanArgs, ScanInfo, SqlOp, SqlResult } from './protocol.js';
import { quoteString } from './sql.js';
import { arrowToVector, isRawType } from './raw-columns.js';
import { duckType, toDuckValue } from './types.js';

/** Slow-path sources by handle: the columns `__paimon_rows(handle)` returns. */
const sources = new Map<number, DataField[]>();
const MAX_SOURCES = 256;

type ScanListener = (info: ScanInfo, sql: string) => void;
const listeners = new Set<ScanListener>();

/**
 * Calls `listener` with every plan a query makes (table, snapshot, the data
 * files after pruning, which DuckDB opens and which core reads); returns
 * the function that stops it.
 */
export function onPaimonScan(listener: ScanListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Plans synchronously: what `__paimon_sql` runs inside a DuckDB callback. */
export function planSqlSync(kind: SqlOp, args: ScanArgs): SqlResult {
  const res = planner().callSync<SqlResult>({ op: 'sql', kind, args });
  if (res.slow) {
    sources.set(res.slow.handle, res.slow.fields);
    while (sources.size > MAX_SOURCES) sources.delete(sources.keys().next().value!);
  }
  if (res.info) for (const l of listeners) l(res.info, res.sql);
  return res;
}

/** The same plan, asynchronously (for JS callers: `paimonScanSql`). */
export async function planSql(kind: SqlOp, args: ScanArgs): Promise<SqlResult> {
  const res = await planner().call<SqlResult>({ op: 'sql', kind, args });
  if (res.slow) {
    sources.set(res.slow.handle, res.slow.fields);
    while (sources.size > MAX_SOURCES) sources.delete(sources.keys().next().value!);
  }
  if (res.info) for (const l of listeners) l(res.info, res.sql);
  return res;
}

const SQL_KINDS = new Set<SqlOp>(['scan', 'snapshots', 'files', 'schema', 'schemas', 'tags']);

function sqlFunction(): DuckDBScalarFunction {
  return DuckDBScalarFunction.create({
    name: '__paimon_sql',
    returnType: VARCHAR,
    parameterTypes: [VARCHAR, VARCHAR],
    mainFunction: (_info, input, output) => {
      const kinds = input.getColumnVector(0);
      const args = input.getColumnVector(1);
      for (let i = 0; i < input.rowCount; i++) {
        const kind = kinds.getItem(i) as SqlOp;
        if (!SQL_KINDS.has(kind)) throw new Error(`__paimon_sql: unknown kind ${String(kind)}`);
        const parsed = JSON.parse(String(args.getItem(i))) as ScanArgs;
        output.setItem(i, planSqlSync(kind, parsed).sql);
      }
      output.flush();
    },
  });
}

interface RowsBind {
  handle: number;
  fields: DataField[];
}

interface RowsState {
  columns: number[];
  cursor: number | null;
  batch: arrow.RecordBatch | null;
  row: number;
  done: boolean;
}

const CHUNK = 2048;

/** One column of rows [start, start + n) of an Arrow column as DuckDB values. */
function columnValues(data: arrow.Data, field: DataField, start: number, n: number): DuckDBValue[] {
  const out: DuckDBValue[] = new Array(n);
  const t = field.type;
  switch (t.kind) {
    case 'BOOLEAN':
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'CHAR':
    case 'VARCHAR':
    case 'BIGINT':
      for (let r = 0; r < n; r++) out[r] = getValue(data, start + r) as DuckDBValue;
      return out;
    default:
      for (let r = 0; r < n; r++) out[r] = toDuckValue(getValue(data, start + r), t);
      return out;
  }
}

function rowsFunction(): DuckDBTableFunction {
  return DuckDBTableFunction.create({
    name: '__paimon_rows',
    parameterTypes: [BIGINT],
    supportsProjectionPushdown: true,
    bindFunction: (info) => {
      const handle = Number(info.getParameter(0));
      const fields = sources.get(handle);
      if (!fields) {
        info.setError(`__paimon_rows: read handle ${handle} is unknown or expired; run the query again`);
        return;
      }
      for (const f of fields) info.addResultColumn(f.name, duckType(f.type));
      info.setBindData({ handle, fields } satisfies RowsBind);
    },
    initFunction: (info) => {
      info.setMaxThreads(1);
      info.setInitData({ columns: info.getColumnIndexes(), cursor: null, batch: null, row: 0, done: false } satisfies RowsState);
    },
    mainFunction: (info, output) => {
      const bind = info.bindData as RowsBind;
      const state = info.initData as RowsState;
      try {
        while (!state.done && (!state.batch || state.row >= state.batch.numRows)) {
          state.cursor ??= planner().callSync<number>({ op: 'open', handle: bind.handle });
          const next = planner().callSync<NextResult>({ op: 'next', cursor: state.cursor });
          if (!next.ipc) {
            state.done = true;
            state.batch = null;
          } else {
            state.batch = arrow.tableFromIPC(next.ipc).batches[0] ?? null;
            state.row = 0;
          }
        }
        if (state.done || !state.batch) {
          output.rowCount = 0;
          return;
        }
        const batch = state.batch;
        const n = Math.min(CHUNK, batch.numRows - state.row);
        output.rowCount = n;
        state.columns.forEach((c, out) => {
          const field = bind.fields[c]!;
          const data = batch.data.children[c]!;
          if (isRawType(field.type)) {
            arrowToVector(output, out, data, field.type, state.row, n);
          } else {
            const vector = output.getColumnVector(out);
            const values = columnValues(data, field, state.row, n);
            for (let r = 0; r < n; r++) vector.setItem(r, values[r] as never);
            vector.flush();
          }
        });
        state.row += n;
      } catch (e) {
        state.done = true;
        info.setError((e as Error).message);
        output.rowCount = 0;
      }
    },
  });
}

export interface InstallOptions {
  /** Default of `fast_path` for this connection's macros (default true). */
  fastPath?: boolean;
}

/** Named parameters every table-locating macro takes. */
const LOCATOR = ['db := NULL', 'tbl := NULL', 'branch := NULL'];
const LOCATOR_JSON = ['path: path', 'database: db', '"table": tbl', 'branch: branch'];

function macroSql(name: string, kind: SqlOp, params: string[], json: string[]): string {
  return (
    `CREATE OR REPLACE TEMP MACRO ${name}(path, ${[...LOCATOR, ...params].join(', ')}) AS TABLE ` +
    `(FROM query(__paimon_sql('${kind}', to_json({${[...LOCATOR_JSON, ...json].join(', ')}}))))`
  );
}

function macros(options: InstallOptions): string[] {
  const fast = options.fastPath === false ? 'false' : 'true';
  const timeTravel = ['snapshot_id := NULL', 'tag := NULL', '"timestamp" := NULL', 'scan_timestamp := NULL'];
  const timeTravelJson = ['snapshotId: snapshot_id', 'tag: tag', '"timestamp": CAST(coalesce("timestamp", scan_timestamp) AS VARCHAR)'];
  const filters = ['filter := NULL', 'prune := NULL'];
  const filtersJson = ['filter: filter', 'prune: prune'];
  return [
    macroSql(
      'paimon_scan',
      'scan',
      [...timeTravel, 'scan_mode := NULL', 'incremental_between := NULL', ...filters, 'buckets := NULL', `fast_path := ${fast}`],
      [...timeTravelJson, 'scanMode: scan_mode', 'incrementalBetween: CAST(incremental_between AS VARCHAR)', ...filtersJson, 'buckets: buckets', 'fastPath: fast_path'],
    ),
    macroSql('paimon_files', 'files', [...timeTravel, ...filters], [...timeTravelJson, ...filtersJson]),
    macroSql('paimon_snapshots', 'snapshots', [], []),
    macroSql('paimon_schema', 'schema', [...timeTravel, 'schema_id := NULL'], [...timeTravelJson, 'schemaId: schema_id']),
    macroSql('paimon_schemas', 'schemas', [], []),
    macroSql('paimon_tags', 'tags', [], []),
  ];
}

const installed = new WeakSet<DuckDBConnection>();

function registerIgnoringDuplicates(register: () => void): void {
  try {
    register();
  } catch (e) {
    if (!/already exists/i.test((e as Error).message)) throw e;
  }
}

/**
 * Registers the Paimon functions on a connection (idempotent). The DuckDB
 * instance should be created with `autoinstall_known_extensions: 'false'`;
 * only the built-in parquet and json extensions are used.
 */
export async function installPaimon(connection: DuckDBConnection, options: InstallOptions = {}): Promise<void> {
  planner(); // starts the planner worker now: it loads core while DuckDB is set up
  if (!installed.has(connection)) {
    registerIgnoringDuplicates(() => connection.registerScalarFunction(sqlFunction()));
    registerIgnoringDuplicates(() => connection.registerTableFunction(rowsFunction()));
    installed.add(connection);
  }
  for (const sql of macros(options)) await connection.run(sql);
}

/** `paimon_scan(...)` call text for a table folder, with optional named arguments already rendered. */
export function scanCall(path: string, named: Record<string, string> = {}): string {
  const extra = Object.entries(named).map(([k, v]) => `, ${k} := ${v}`).join('');
  return `paimon_scan(${quoteString(path)}${extra})`;
}
