/**
 * The Flight SQL catalog commands over a Paimon warehouse: one catalog (the
 * name the warehouse is attached under), one schema per Paimon database, one
 * `TABLE` per Paimon table. Result schemas are exactly the ones the Flight
 * SQL specification prescribes for each command; rows are read fresh from
 * the warehouse on every call.
 */
import * as arrow from 'apache-arrow';
import { buildData, FileSystemCatalog, typeToString, type DataField, type Value } from '@paimon-ts/core';
import { encodeSchema } from '@paimon-ts/flight';
import type { FlightSqlMessages } from './flight-sql-messages.js';
import { flightSqlArrowType, TYPE_NAME_METADATA } from './result-types.js';

const utf8 = (name: string, nullable: boolean) => new arrow.Field(name, new arrow.Utf8(), nullable);

export const CATALOGS_SCHEMA = new arrow.Schema([utf8('catalog_name', false)]);
export const DB_SCHEMAS_SCHEMA = new arrow.Schema([utf8('catalog_name', true), utf8('db_schema_name', false)]);
const TABLES_FIELDS = [utf8('catalog_name', true), utf8('db_schema_name', true), utf8('table_name', false), utf8('table_type', false)];
export const TABLES_SCHEMA = new arrow.Schema(TABLES_FIELDS);
export const TABLES_WITH_SCHEMA_SCHEMA = new arrow.Schema([...TABLES_FIELDS, new arrow.Field('table_schema', new arrow.Binary(), false)]);
export const TABLE_TYPES_SCHEMA = new arrow.Schema([utf8('table_type', false)]);

/** The one table type a Paimon table has here. */
export const TABLE_TYPE = 'TABLE';

/** A batch of `schema` from columns of values (core's value conventions). */
export function batchOf(schema: arrow.Schema, columns: readonly Value[][]): arrow.RecordBatch {
  const length = columns[0]?.length ?? 0;
  const children = schema.fields.map((f, i) => buildData(f.type, columns[i]!));
  return new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length, nullCount: 0, children }));
}

/**
 * A Flight SQL search pattern (SQL LIKE: `%` any run, `_` one character,
 * `\` escapes either) as a predicate; absent matches everything.
 */
export function likeMatcher(pattern: string | undefined): (name: string) => boolean {
  if (pattern === undefined) return () => true;
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) re += escapeRegExp(pattern[++i]!);
    else if (ch === '%') re += '.*';
    else if (ch === '_') re += '.';
    else re += escapeRegExp(ch);
  }
  const compiled = new RegExp(`^${re}$`, 'su');
  return (name) => compiled.test(name);
}

function escapeRegExp(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** Whether the command's `catalog` narrows to ours (absent: no narrowing; "" means "without a catalog": none here). */
function catalogMatches(requested: string | undefined, ours: string): boolean {
  return requested === undefined || requested === ours;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class WarehouseCatalog {
  private readonly catalog: FileSystemCatalog;

  constructor(
    readonly warehouse: string,
    readonly name: string,
  ) {
    this.catalog = new FileSystemCatalog(warehouse);
  }

  catalogs(): arrow.RecordBatch {
    return batchOf(CATALOGS_SCHEMA, [[this.name]]);
  }

  async dbSchemas(cmd: FlightSqlMessages['CommandGetDbSchemas']): Promise<arrow.RecordBatch> {
    const names = catalogMatches(cmd.catalog, this.name) ? (await this.catalog.listDatabases()).filter(likeMatcher(cmd.db_schema_filter_pattern)).sort(byName) : [];
    return batchOf(DB_SCHEMAS_SCHEMA, [names.map(() => this.name), names]);
  }

  async tables(cmd: FlightSqlMessages['CommandGetTables']): Promise<arrow.RecordBatch> {
    const schema = cmd.include_schema ? TABLES_WITH_SCHEMA_SCHEMA : TABLES_SCHEMA;
    const types = cmd.table_types ?? [];
    const rows: { db: string; table: string }[] = [];
    if (catalogMatches(cmd.catalog, this.name) && (types.length === 0 || types.includes(TABLE_TYPE))) {
      const dbMatch = likeMatcher(cmd.db_schema_filter_pattern);
      const tableMatch = likeMatcher(cmd.table_name_filter_pattern);
      for (const db of (await this.catalog.listDatabases()).filter(dbMatch).sort(byName)) {
        for (const table of (await this.catalog.listTables(db)).filter(tableMatch).sort(byName)) rows.push({ db, table });
      }
    }
    const columns: Value[][] = [rows.map(() => this.name), rows.map((r) => r.db), rows.map((r) => r.table), rows.map(() => TABLE_TYPE)];
    if (cmd.include_schema) {
      const schemas: Value[] = [];
      for (const r of rows) {
        const t = await this.catalog.getTable(`${r.db}.${r.table}`);
        schemas.push(encodeSchema(tableArrowSchema(this.name, r.db, r.table, t.schema.fields)));
      }
      columns.push(schemas);
    }
    return batchOf(schema, columns);
  }

  tableTypes(): arrow.RecordBatch {
    return batchOf(TABLE_TYPES_SCHEMA, [[TABLE_TYPE]]);
  }
}

/**
 * The Arrow schema a `SELECT *` of the table returns over Flight SQL: each
 * column's type as it comes out of DuckDB (so TIMESTAMP(3) is microseconds,
 * CHAR is VARCHAR), nullability from the table, and the Flight SQL column
 * metadata (`ARROW:FLIGHT:SQL:*`; TYPE_NAME is the Paimon type).
 */
export function tableArrowSchema(catalog: string, db: string, table: string, fields: readonly DataField[]): arrow.Schema {
  return new arrow.Schema(
    fields.map((f) => {
      const metadata = new Map([
        ['ARROW:FLIGHT:SQL:CATALOG_NAME', catalog],
        ['ARROW:FLIGHT:SQL:DB_SCHEMA_NAME', db],
        ['ARROW:FLIGHT:SQL:TABLE_NAME', table],
        [TYPE_NAME_METADATA, typeToString(f.type)],
        ['ARROW:FLIGHT:SQL:IS_READ_ONLY', '1'],
      ]);
      if (f.type.kind === 'DECIMAL') {
        metadata.set('ARROW:FLIGHT:SQL:PRECISION', String(f.type.precision));
        metadata.set('ARROW:FLIGHT:SQL:SCALE', String(f.type.scale));
      }
      return new arrow.Field(f.name, flightSqlArrowType(f.type), f.type.nullable, metadata);
    }),
  );
}
