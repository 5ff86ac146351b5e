/** The warehouse-folder catalog: databases and tables as folders, schema-0 published atomically. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Identifier } from '../src/catalog/catalog.js';
import { FileSystemCatalog } from '../src/catalog/filesystem-catalog.js';
import { PaimonError } from '../src/errors.js';
import { parseTableSchema } from '../src/spec/table-schema.js';
import { FileStoreTable } from '../src/table/table.js';
import { typeToString } from '../src/types/data-type.js';
import { parseColumnList, type SchemaSpec } from '../src/table/schema-builder.js';

let warehouse: string;
let catalog: FileSystemCatalog;

beforeEach(() => {
  warehouse = mkdtempSync(join(tmpdir(), 'paimon-ts-catalog-'));
  catalog = new FileSystemCatalog(warehouse);
});

afterEach(() => {
  rmSync(warehouse, { recursive: true, force: true });
});

const ORDERS: SchemaSpec = {
  fields: parseColumnList("id BIGINT, customer STRING COMMENT 'who', items ARRAY<ROW<sku STRING, qty INT>>, total DECIMAL(12, 2), dt STRING"),
  primaryKeys: ['dt', 'id'],
  partitionKeys: ['dt'],
  options: { bucket: '2' },
};

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PaimonError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'resolved';
}

describe('Identifier', () => {
  it('splits db.table at the first dot and reads branch and system-table suffixes', () => {
    expect(Identifier.parse('db.t')).toMatchObject({ database: 'db', object: 't', table: 't', branch: null, systemTable: null });
    expect(Identifier.parse('db.a.b')).toMatchObject({ database: 'db', table: 'a.b' });
    expect(Identifier.parse('db.t$branch_dev')).toMatchObject({ table: 't', branch: 'dev', systemTable: null });
    expect(Identifier.parse('db.t$snapshots')).toMatchObject({ table: 't', branch: null, systemTable: 'snapshots' });
    expect(Identifier.parse('db.t$branch_dev$files')).toMatchObject({ table: 't', branch: 'dev', systemTable: 'files' });
    expect(Identifier.parse('Db.MyTable').fullName).toBe('Db.MyTable'); // case-sensitive, like Paimon's FileSystemCatalog
  });

  it('rejects names without a database, empty names and path separators', () => {
    for (const bad of ['t', '', '.t', 'db.', 'db.a/b', '../x.t', 'db.t$a$b']) {
      expect(() => Identifier.parse(bad), bad).toThrow(PaimonError);
    }
  });
});

describe('FileSystemCatalog databases', () => {
  it('creates, lists and drops databases as <name>.db folders', async () => {
    expect(await catalog.listDatabases()).toEqual([]);
    await catalog.createDatabase('sales', false);
    await catalog.createDatabase('hr', false);
    mkdirSync(join(warehouse, 'not-a-database'));
    expect(existsSync(join(warehouse, 'sales.db'))).toBe(true);
    expect(await catalog.listDatabases()).toEqual(['hr', 'sales']);
    expect(await catalog.databaseExists('hr')).toBe(true);
    await catalog.dropDatabase('hr', false, false);
    expect(await catalog.listDatabases()).toEqual(['sales']);
    expect(existsSync(join(warehouse, 'hr.db'))).toBe(false);
  });

  it('reports already-exists, not-found and not-empty', async () => {
    await catalog.createDatabase('sales', false);
    expect(await codeOf(catalog.createDatabase('sales', false))).toMatch(/^DATABASE_ALREADY_EXISTS: database sales already exists/);
    await catalog.createDatabase('sales', true);
    expect(await codeOf(catalog.dropDatabase('nope', false, false))).toMatch(/^DATABASE_NOT_FOUND: database nope/);
    await catalog.dropDatabase('nope', true, false);
    expect(await codeOf(catalog.listTables('nope'))).toMatch(/^DATABASE_NOT_FOUND/);

    await catalog.createTable('sales.orders', ORDERS, false);
    expect(await codeOf(catalog.dropDatabase('sales', false, false))).toMatch(/^DATABASE_NOT_EMPTY: database sales is not empty.*orders/);
    await catalog.dropDatabase('sales', false, true);
    expect(await catalog.listDatabases()).toEqual([]);
  });

  it('refuses the system database and a database location', async () => {
    expect(await codeOf(catalog.createDatabase('sys', false))).toMatch(/^UNSUPPORTED/);
    expect(await codeOf(catalog.createDatabase('x', false, { location: '/elsewhere' }))).toMatch(/^INVALID_ARGUMENT: .*location/);
  });
});

describe('FileSystemCatalog tables', () => {
  beforeEach(async () => {
    await catalog.createDatabase('sales', false);
  });

  it('creates a table whose schema-0 Paimon can read, and lists it', async () => {
    await catalog.createTable('sales.orders', ORDERS, false);
    await catalog.createTable(new Identifier('sales', 'events'), { fields: parseColumnList('ts TIMESTAMP(3), payload STRING') }, false);
    mkdirSync(join(warehouse, 'sales.db', 'not-a-table'));

    expect(await catalog.listTables('sales')).toEqual(['events', 'orders']);
    expect(await catalog.tableExists('sales.orders')).toBe(true);
    expect(await catalog.tableExists('sales.not-a-table')).toBe(false);
    expect(catalog.tablePath('sales.orders')).toBe(`${warehouse}/sales.db/orders`);

    const text = readFileSync(join(warehouse, 'sales.db', 'orders', 'schema', 'schema-0'), 'utf8');
    const schema = parseTableSchema(text, 'schema-0');
    expect(schema.id).toBe(0);
    expect(schema.fields.map((f) => [f.id, f.name, typeToString(f.type)])).toEqual([
      [0, 'id', 'BIGINT NOT NULL'],
      [1, 'customer', 'STRING'],
      [2, 'items', 'ARRAY<ROW<`sku` STRING, `qty` INT>>'],
      [5, 'total', 'DECIMAL(12, 2)'],
      [6, 'dt', 'STRING NOT NULL'],
    ]);
    expect(schema.highestFieldId).toBe(6);
    expect(schema.primaryKeys).toEqual(['dt', 'id']);
    expect(schema.partitionKeys).toEqual(['dt']);
    expect(Math.abs(schema.timeMillis - Date.now())).toBeLessThan(60_000);
    expect(text).toMatch(/^\{\n {2}"version" : 3,\n {2}"id" : 0,/);
  });

  it('opens the new table and reads it as empty, with the declared columns', async () => {
    await catalog.createTable('sales.orders', ORDERS, false);
    const table = await catalog.getTable('sales.orders');
    expect(table.name).toBe('sales.orders');
    const direct = await FileStoreTable.open(catalog.tablePath('sales.orders'));
    for (const t of [table, direct]) {
      const rows = await t.newScan().toArrow();
      expect(rows.numRows).toBe(0);
      expect(rows.schema.fields.map((f) => f.name)).toEqual(['id', 'customer', 'items', 'total', 'dt']);
    }
  });

  it('reports already-exists and not-found', async () => {
    await catalog.createTable('sales.orders', ORDERS, false);
    expect(await codeOf(catalog.createTable('sales.orders', ORDERS, false))).toMatch(/^TABLE_ALREADY_EXISTS: table sales.orders already exists/);
    await catalog.createTable('sales.orders', { fields: parseColumnList('other INT') }, true);
    expect((await catalog.getTable('sales.orders')).schema.fields).toHaveLength(5); // ignoreIfExists kept the first one
    expect(await codeOf(catalog.getTable('sales.nope'))).toMatch(/^TABLE_NOT_FOUND: table sales.nope does not exist/);
    expect(await codeOf(catalog.dropTable('sales.nope', false))).toMatch(/^TABLE_NOT_FOUND/);
    await catalog.dropTable('sales.nope', true);
    expect(await codeOf(catalog.createTable('nodb.t', ORDERS, false))).toMatch(/^DATABASE_NOT_FOUND: database nodb/);
    expect(await codeOf(catalog.createTable('sales.t$branch_dev', ORDERS, false))).toMatch(/^INVALID_ARGUMENT: cannot create branch table/);
    expect(await codeOf(catalog.createTable('sales.t$snapshots', ORDERS, false))).toMatch(/^INVALID_ARGUMENT: cannot create system table/);
  });

  it('drops a table by removing its folder', async () => {
    await catalog.createTable('sales.orders', ORDERS, false);
    writeFileSync(join(warehouse, 'sales.db', 'orders', 'stray-file'), 'x');
    await catalog.dropTable('sales.orders', false);
    expect(existsSync(join(warehouse, 'sales.db', 'orders'))).toBe(false);
    expect(await catalog.listTables('sales')).toEqual([]);
    expect(await catalog.tableExists('sales.orders')).toBe(false);
  });

  it('validates options on create: bad values rejected, unknown keys kept', async () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ bucket: 'abc' }, /^INVALID_OPTION: table sales.t: option bucket="abc" is invalid/],
      [{ bucket: '0' }, /^INVALID_OPTION: .*bucket="0"/],
      [{ 'merge-engine': 'foo' }, /^INVALID_OPTION: .*merge-engine="foo"/],
      [{ 'file.format': 'xlsx' }, /^INVALID_OPTION: .*file.format="xlsx"/],
      [{ 'write-buffer-size': 'lots' }, /^INVALID_OPTION: .*write-buffer-size="lots"/],
      [{ 'auto-create': 'true' }, /^INVALID_OPTION: .*auto-create/],
      [{ path: '/somewhere/else' }, /^UNSUPPORTED: .*option path/],
    ];
    for (const [options, message] of bad) {
      expect(await codeOf(catalog.createTable('sales.t', { ...ORDERS, options }, false)), JSON.stringify(options)).toMatch(message);
      expect(existsSync(join(warehouse, 'sales.db', 't')), 'nothing written').toBe(false);
    }
    await catalog.createTable('sales.t', { ...ORDERS, options: { bucket: '2', 'my-engine.flag': 'on', 'fields.total.my-plugin': 'x' } }, false);
    const schema = (await catalog.getTable('sales.t')).schema;
    expect(schema.options).toEqual({ bucket: '2', 'my-engine.flag': 'on', 'fields.total.my-plugin': 'x' });
  });

  it('lets exactly one of several concurrent creators win', async () => {
    const specs = Array.from({ length: 8 }, (_, i): SchemaSpec => ({ fields: parseColumnList(`id INT, v${i} STRING`), primaryKeys: ['id'] }));
    const results = await Promise.allSettled(specs.map((s) => catalog.createTable('sales.race', s, false)));
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(7);
    for (const r of lost) expect((r.reason as PaimonError).code).toBe('TABLE_ALREADY_EXISTS');
    const winner = results.findIndex((r) => r.status === 'fulfilled');
    const table = await catalog.getTable('sales.race');
    expect(table.schema.fields.map((f) => f.name)).toEqual(['id', `v${winner}`]);
    // No temp files are left next to schema-0.
    expect((await catalog.fileIO.list(`${table.path}/schema`)).map((e) => e.name)).toEqual(['schema-0']);
  });

  it('with ignoreIfExists, concurrent creators all succeed and one schema is written', async () => {
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => catalog.createTable('sales.race', ORDERS, true)));
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(await catalog.listTables('sales')).toEqual(['race']);
  });
});
