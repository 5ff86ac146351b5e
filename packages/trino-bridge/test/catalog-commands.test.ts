/** Flight SQL catalog commands and GetSqlInfo over a real Flight server on loopback. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as arrow from 'apache-arrow';
import { FileSystemCatalog } from '@paimon-ts/core';
import { decodeSchema, FlightError } from '@paimon-ts/flight';
import { SQL_INFO, TYPE_URL_PREFIX } from '../src/index.js';
import { buildWarehouse, cmd, fetchAll, query, removeWarehouse, startService, type Service } from './helpers.js';

let wh: string;
let svc: Service;

beforeAll(async () => {
  wh = await buildWarehouse();
  svc = await startService(wh);
});

afterAll(async () => {
  await svc?.close();
  removeWarehouse(wh);
});

const column = (t: arrow.Table, name: string) => Array.from(t.getChild(name)!) as unknown[];
const fieldsOf = (s: arrow.Schema) => s.fields.map((f) => `${f.name}: ${String(f.type)}${f.nullable ? '' : ' not null'}`);
// Byte order, as the spec's ordering: 'X' (0x58) sorts before '_' (0x5f).
const ALL_DBS = ['fixtures', 'logs', 'salesX2024', 'sales_2024', 'shop'];

describe('CommandGetCatalogs', () => {
  it('answers the one catalog with the spec schema', async () => {
    const { info, table } = await fetchAll(svc.client, 'CommandGetCatalogs', {});
    expect(fieldsOf(info.schema)).toEqual(['catalog_name: Utf8 not null']);
    expect(fieldsOf(table.schema)).toEqual(fieldsOf(info.schema));
    expect(column(table, 'catalog_name')).toEqual(['paimon']);
  });
});

describe('CommandGetDbSchemas', () => {
  it('lists every database, ordered, with the spec schema', async () => {
    const { info, table } = await fetchAll(svc.client, 'CommandGetDbSchemas', {});
    expect(fieldsOf(info.schema)).toEqual(['catalog_name: Utf8', 'db_schema_name: Utf8 not null']);
    expect(column(table, 'db_schema_name')).toEqual(ALL_DBS);
    expect(new Set(column(table, 'catalog_name'))).toEqual(new Set(['paimon']));
  });

  it('filters with SQL LIKE semantics: _ is one character, % any run, \\ escapes', async () => {
    const names = async (pattern: string) => column((await fetchAll(svc.client, 'CommandGetDbSchemas', { db_schema_filter_pattern: pattern })).table, 'db_schema_name');
    expect(await names('sales_2024')).toEqual(['salesX2024', 'sales_2024']);
    expect(await names('sales\\_2024')).toEqual(['sales_2024']);
    expect(await names('s%')).toEqual(['salesX2024', 'sales_2024', 'shop']);
    expect(await names('%o%s')).toEqual(['logs']);
    expect(await names('SHOP')).toEqual([]); // case-sensitive, as the names are stored
    expect(await names('')).toEqual([]);
  });

  it('narrows by catalog: ours, another one, or "" (tables without a catalog: none here)', async () => {
    const count = async (catalog: string) => (await fetchAll(svc.client, 'CommandGetDbSchemas', { catalog })).table.numRows;
    expect(await count('paimon')).toBe(ALL_DBS.length);
    expect(await count('other')).toBe(0);
    expect(await count('')).toBe(0);
  });
});

describe('CommandGetTables', () => {
  it('lists every table as TABLE, ordered by schema then name', async () => {
    const { info, table } = await fetchAll(svc.client, 'CommandGetTables', {});
    expect(fieldsOf(info.schema)).toEqual(['catalog_name: Utf8', 'db_schema_name: Utf8', 'table_name: Utf8 not null', 'table_type: Utf8 not null']);
    const rows = column(table, 'db_schema_name').map((db, i) => `${db}.${column(table, 'table_name')[i]}`);
    const catalog = new FileSystemCatalog(wh);
    const expected: string[] = [];
    for (const db of await catalog.listDatabases()) for (const t of await catalog.listTables(db)) expected.push(`${db}.${t}`);
    expect(rows).toEqual(expected.sort());
    expect(new Set(column(table, 'table_type'))).toEqual(new Set(['TABLE']));
  });

  it('filters by schema and table patterns and by table type', async () => {
    const names = async (message: object) => {
      const t = (await fetchAll(svc.client, 'CommandGetTables', message)).table;
      return column(t, 'table_name').map((n, i) => `${column(t, 'db_schema_name')[i]}.${n}`);
    };
    expect(await names({ db_schema_filter_pattern: 'logs' })).toEqual(['logs.empty', 'logs.events']);
    expect(await names({ table_name_filter_pattern: '%vent_' })).toEqual(['logs.events']);
    expect(await names({ db_schema_filter_pattern: 'sales%', table_name_filter_pattern: 'q_' })).toEqual(['salesX2024.q1', 'sales_2024.q1']);
    expect(await names({ table_types: ['VIEW', 'SYSTEM TABLE'] })).toEqual([]);
    expect(await names({ table_types: ['TABLE'], db_schema_filter_pattern: 'shop' })).toEqual(['shop.orders']);
    expect(await names({ catalog: 'elsewhere' })).toEqual([]);
  });

  it('include_schema: each table_schema is the IPC schema a SELECT * of the table returns, nullability from the table', async () => {
    const { info, table } = await fetchAll(svc.client, 'CommandGetTables', { include_schema: true, db_schema_filter_pattern: 'shop' });
    expect(fieldsOf(info.schema).at(-1)).toBe('table_schema: Binary not null');
    expect(column(table, 'table_name')).toEqual(['orders']);
    const tableSchema = decodeSchema(table.getChild('table_schema')!.get(0) as Uint8Array);
    expect(fieldsOf(tableSchema)).toEqual(['id: Int64 not null', 'dt: Utf8 not null', 'customer: Utf8', 'amount: Decimal[10e+2]']);
    expect(tableSchema.fields[3]!.metadata.get('ARROW:FLIGHT:SQL:TYPE_NAME')).toBe('DECIMAL(10, 2)');
    expect(tableSchema.fields[3]!.metadata.get('ARROW:FLIGHT:SQL:PRECISION')).toBe('10');
    expect(tableSchema.fields[0]!.metadata.get('ARROW:FLIGHT:SQL:TABLE_NAME')).toBe('orders');

    // Every column of logs.events: same Arrow types as the statement's result schema.
    const events = (await fetchAll(svc.client, 'CommandGetTables', { include_schema: true, db_schema_filter_pattern: 'logs', table_name_filter_pattern: 'events' })).table;
    const declared = decodeSchema(events.getChild('table_schema')!.get(0) as Uint8Array);
    const selected = (await query(svc.client, 'SELECT * FROM logs.events')).info.schema;
    expect(declared.fields.map((f) => `${f.name}: ${String(f.type)}`)).toEqual(selected.fields.map((f) => `${f.name}: ${String(f.type)}`));
    expect(String(declared.fields.find((f) => f.name === 'ts')!.type)).toBe('Timestamp<MICROSECOND>');
  });

  it('sees a table created after the service started', async () => {
    const catalog = new FileSystemCatalog(wh);
    await catalog.createTable('shop.late', { fields: [{ name: 'x', type: 'INT' }] }, false);
    const t = (await fetchAll(svc.client, 'CommandGetTables', { db_schema_filter_pattern: 'shop' })).table;
    expect(column(t, 'table_name')).toEqual(['late', 'orders']);
    const w = (await catalog.getTable('shop.late')).newBatchWrite();
    await w.write([{ x: 7 }]);
    await w.commit();
    const rows = (await query(svc.client, 'SELECT x FROM shop.late')).table;
    expect(column(rows, 'x')).toEqual([7]);
  });
});

describe('CommandGetTableTypes', () => {
  it('answers TABLE', async () => {
    const { info, table } = await fetchAll(svc.client, 'CommandGetTableTypes', {});
    expect(fieldsOf(info.schema)).toEqual(['table_type: Utf8 not null']);
    expect(column(table, 'table_type')).toEqual(['TABLE']);
  });
});

describe('CommandGetSqlInfo', () => {
  it('answers the requested ids in order, values in the dense union members the spec assigns', async () => {
    const ids = [SQL_INFO.FLIGHT_SQL_SERVER_NAME!, SQL_INFO.FLIGHT_SQL_SERVER_READ_ONLY!, SQL_INFO.SQL_KEYWORDS!, SQL_INFO.SQL_SUPPORTED_GROUP_BY!, SQL_INFO.SQL_SUPPORTS_CONVERT!, 99_999];
    const { info, table } = await fetchAll(svc.client, 'CommandGetSqlInfo', { info: ids });
    const value = info.schema.fields[1]!;
    expect(fieldsOf(info.schema)[0]).toBe('info_name: Uint32 not null');
    expect(value.nullable).toBe(false);
    const union = value.type as arrow.Union;
    expect(union.typeId).toBe(arrow.Type.Union);
    expect(union.mode).toBe(arrow.UnionMode.Dense);
    expect([...union.typeIds]).toEqual([0, 1, 2, 3, 4, 5]);
    expect(union.children.map((c) => c.name)).toEqual(['string_value', 'bool_value', 'bigint_value', 'int32_bitmask', 'string_list', 'int32_to_int32_list_map']);

    expect(column(table, 'info_name')).toEqual([0, 3, 508, 522, 517]); // unknown 99999 left out
    const values = table.getChild('value')!;
    const typeIds = [...(values.data[0]!.typeIds as Int8Array).subarray(0, values.length)];
    expect(typeIds).toEqual([0, 1, 4, 3, 5]);
    expect(values.get(0)).toBe('paimon-ts');
    expect(values.get(1)).toBe(true);
    const keywords = [...(values.get(2) as arrow.Vector)] as string[];
    expect(keywords).toContain('select');
    expect(keywords.length).toBeGreaterThan(50);
    expect(values.get(3)).toBe(3);
    const convert = (values.get(4) as arrow.MapRow).toJSON() as Record<string, arrow.Vector>;
    expect([...convert['0']!]).toContain(19); // BIGINT -> VARCHAR
  });

  it('answers every id it knows when none is asked for', async () => {
    const { table } = await fetchAll(svc.client, 'CommandGetSqlInfo', {});
    const ids = column(table, 'info_name') as number[];
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids).toEqual(expect.arrayContaining([0, 1, 2, 3, 4, 500, 504, 507, 508, 513, 517]));
    expect(table.getChild('value')!.get(ids.indexOf(2))).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('GetSchema of a catalog command is its spec schema, without running it', async () => {
    const schema = await svc.client.getSchema(cmd('CommandGetTables', { include_schema: true }));
    expect(fieldsOf(schema)).toEqual(['catalog_name: Utf8', 'db_schema_name: Utf8', 'table_name: Utf8 not null', 'table_type: Utf8 not null', 'table_schema: Binary not null']);
  });
});

describe('commands this face does not serve', () => {
  /** An Any by hand: field 1 (type_url) and field 2 (value), length-delimited. */
  function anyOf(typeUrl: string, value = Buffer.alloc(0)): Buffer {
    const url = Buffer.from(typeUrl);
    return Buffer.concat([Buffer.from([0x0a, url.length]), url, Buffer.from([0x12, value.length]), value]);
  }

  it('a Flight SQL command outside the subset is UNIMPLEMENTED', async () => {
    const err = await svc.client.getFlightInfo({ type: 'CMD', cmd: anyOf(`${TYPE_URL_PREFIX}CommandGetPrimaryKeys`) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlightError);
    expect((err as FlightError).code).toBe('UNIMPLEMENTED');
    expect((err as FlightError).message).toContain('CommandGetPrimaryKeys');
  });

  it('a command that is not Flight SQL is left to other faces (none here: NOT_FOUND)', async () => {
    const err = await svc.client.getFlightInfo({ type: 'CMD', cmd: Buffer.from('{"scan":"shop.orders"}') }).catch((e: unknown) => e);
    expect((err as FlightError).code).toBe('NOT_FOUND');
    const other = await svc.client.getFlightInfo({ type: 'CMD', cmd: anyOf('type.googleapis.com/some.other.Command') }).catch((e: unknown) => e);
    expect((other as FlightError).code).toBe('NOT_FOUND');
  });
});
