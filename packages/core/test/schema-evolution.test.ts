/**
 * Schema evolution: schema changes written as new schema files (byte for
 * byte as Paimon writes them), the rules that refuse unsafe changes, and
 * tables that are written, altered, written again and read whole: old files
 * read by field id (renamed, widened, NULL for new columns, dropped columns
 * gone), new files with the new schema id.
 */
import { cpSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FileSystemCatalog } from '../src/catalog/filesystem-catalog.js';
import { PaimonError } from '../src/errors.js';
import { batchToJsonRows } from '../src/read/rows.js';
import { parseTableSchema, serializeTableSchema, type TableSchema } from '../src/spec/table-schema.js';
import { applySchemaChanges, isSafeWidening, SchemaChange } from '../src/table/schema-change.js';
import { SchemaManager } from '../src/table/schema-manager.js';
import { FileStoreTable } from '../src/table/table.js';
import { parseTypeString } from '../src/types/type-json.js';
import { fixturePath } from './fixtures.js';
import { cleanTempDirs, scratchTable, tempDir } from './write-helpers.js';

afterEach(cleanTempDirs);

const fixtureSchema = (table: string, file: string) => readFileSync(`${fixturePath(table)}/${file}`, 'utf8');

async function readJson(table: FileStoreTable, snapshot?: number): Promise<Record<string, unknown>[]> {
  const fresh = await table.reload();
  const scan = fresh.newScan();
  if (snapshot !== undefined) scan.atSnapshot(snapshot);
  const plan = await scan.plan();
  const rows: Record<string, unknown>[] = [];
  for await (const b of scan.read(plan)) rows.push(...batchToJsonRows(b, plan.schema.fields));
  return rows;
}

const byKey = (key: string) => (a: Record<string, unknown>, b: Record<string, unknown>) => Number(a[key]) - Number(b[key]);

async function expectCode(p: Promise<unknown> | (() => unknown), code: string, message: RegExp): Promise<void> {
  let error: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    error = e;
  }
  expect(error, `expected ${code} ${message}`).toBeInstanceOf(PaimonError);
  expect((error as PaimonError).code).toBe(code);
  expect((error as PaimonError).message).toMatch(message);
}

describe('schema files written by a schema change match Paimon byte for byte', () => {
  it('append_table_alter_table_with_cast: drop, chained renames, move first, add, decimal widening', () => {
    const table = 'append_table_alter_table_with_cast-orc';
    const schema0 = parseTableSchema(fixtureSchema(table, 'schema/schema-0'), 'schema-0');
    const paimon1 = fixtureSchema(table, 'schema/schema-1');
    const timeMillis = parseTableSchema(paimon1, 'schema-1').timeMillis;
    // Paimon's run also cast f0 STRING -> INT, f1 TIMESTAMP -> STRING, f3 STRING -> BOOLEAN and
    // f4 DATE -> TIMESTAMP (explicit casts, refused here); the rest is the same list of changes.
    const next = applySchemaChanges(
      schema0,
      [
        SchemaChange.updateColumnType('f2', 'DECIMAL(6, 3)'),
        SchemaChange.dropColumn('f5'),
        SchemaChange.renameColumn('f0', 'f5'),
        SchemaChange.renameColumn('f3', 'f0'),
        SchemaChange.renameColumn('f5', 'f3'),
        SchemaChange.updateColumnPosition('f4', SchemaChange.first()),
        SchemaChange.addColumn('f6', 'INT'),
      ],
      { hasSnapshots: true, where: table, timeMillis },
    );
    const expected = paimon1
      .replace('"name" : "f4",\n    "type" : "TIMESTAMP(9)"', '"name" : "f4",\n    "type" : "DATE"')
      .replace('"name" : "f3",\n    "type" : "INT"', '"name" : "f3",\n    "type" : "STRING"')
      .replace('"name" : "f1",\n    "type" : "STRING"', '"name" : "f1",\n    "type" : "TIMESTAMP(9)"')
      .replace('"name" : "f0",\n    "type" : "BOOLEAN"', '"name" : "f0",\n    "type" : "STRING"');
    expect(expected).not.toBe(paimon1);
    expect(serializeTableSchema(next)).toBe(expected);
    // ... and the explicit casts Paimon took are refused, naming the column
    for (const [column, type] of [['f0', 'INT'], ['f1', 'STRING'], ['f3', 'BOOLEAN'], ['f4', 'TIMESTAMP(9)']] as const) {
      expect(() => applySchemaChanges(schema0, [SchemaChange.updateColumnType(column, type)], { hasSnapshots: true, where: table })).toThrow(
        new RegExp(`column ${column} cannot change type from \\S+.* to ${type.replace(/[()]/g, '\\$&')}`),
      );
    }
  });

  it('append_table_with_rt_branch: an option on the main branch, bucket and primary key on a branch without snapshots', () => {
    const table = 'append_table_with_rt_branch-orc';
    const main1 = fixtureSchema(table, 'schema/schema-1');
    const main = applySchemaChanges(parseTableSchema(fixtureSchema(table, 'schema/schema-0'), 'main 0'), [SchemaChange.setOption('scan.fallback-branch', 'rt')], {
      hasSnapshots: true,
      where: table,
      timeMillis: parseTableSchema(main1, 'main 1').timeMillis,
    });
    expect(serializeTableSchema(main)).toBe(main1);

    const rt1 = fixtureSchema(table, 'branch/branch-rt/schema/schema-1');
    const rt = applySchemaChanges(
      parseTableSchema(fixtureSchema(table, 'branch/branch-rt/schema/schema-0'), 'rt 0'),
      [SchemaChange.setOption('bucket', '2'), SchemaChange.setOption('primary-key', 'dt, name')],
      { hasSnapshots: false, where: table, timeMillis: parseTableSchema(rt1, 'rt 1').timeMillis },
    );
    // primary-key became the key list, its columns NOT NULL; the options keep HashMap order
    expect(serializeTableSchema(rt)).toBe(rt1);
  });
});

describe('schema change rules', () => {
  const base = (): TableSchema => ({
    version: 3,
    id: 4,
    fields: [
      { id: 0, name: 'k', type: parseTypeString('INT NOT NULL') },
      { id: 1, name: 'dt', type: parseTypeString('STRING NOT NULL') },
      { id: 2, name: 'v', type: parseTypeString('INT') },
      { id: 5, name: 'name', type: parseTypeString('VARCHAR(10)') },
      { id: 6, name: 'price', type: parseTypeString('DECIMAL(5, 2) NOT NULL') },
      { id: 7, name: 'r', type: parseTypeString('ROW<x INT, y STRING>') },
    ],
    highestFieldId: 9,
    partitionKeys: ['dt'],
    primaryKeys: ['k', 'dt'],
    options: { bucket: '2', 'bucket-key': 'k', 'merge-engine': 'aggregation', 'fields.v.aggregate-function': 'sum' },
    timeMillis: 0,
  });
  const apply = (...changes: SchemaChange[]) => applySchemaChanges(base(), changes, { hasSnapshots: true, where: 'table db.t' });

  it('new columns take ids after highestFieldId, nested ROW fields after their column, at the asked position', () => {
    const s = apply(
      SchemaChange.addColumn('a', 'BIGINT', 'first added'),
      SchemaChange.addColumn('b', 'ROW<p INT, q ROW<z INT>>', undefined, SchemaChange.after('k')),
      SchemaChange.addColumn('c', 'INT', undefined, SchemaChange.first()),
    );
    expect(s.id).toBe(5);
    expect(s.fields.map((f) => `${f.id}:${f.name}`)).toEqual(['15:c', '0:k', '11:b', '1:dt', '2:v', '5:name', '6:price', '7:r', '10:a']);
    // inside b: p, then q after its own nested z (ReassignFieldId's order)
    const b = s.fields[2]!.type as Extract<TableSchema['fields'][number]['type'], { kind: 'ROW' }>;
    expect(b.fields.map((f) => f.id)).toEqual([12, 14]);
    expect(s.fields.find((f) => f.name === 'a')!.description).toBe('first added');
    expect(s.highestFieldId).toBe(15);
  });

  it('renames keep ids and follow into the primary key and options', () => {
    const s = apply(SchemaChange.renameColumn('v', 'amount'), SchemaChange.renameColumn('k', 'key'));
    expect(s.fields.map((f) => `${f.id}:${f.name}`).slice(0, 3)).toEqual(['0:key', '1:dt', '2:amount']);
    expect(s.primaryKeys).toEqual(['key', 'dt']);
    expect(s.options['fields.amount.aggregate-function']).toBe('sum');
    expect(s.options['fields.v.aggregate-function']).toBeUndefined();
    expect(s.options['bucket-key']).toBe('key');
  });

  it('widening types are safe; narrowing and reinterpreting ones are INVALID_SCHEMA naming the column', async () => {
    const s = apply(
      SchemaChange.updateColumnType('v', 'BIGINT'),
      SchemaChange.updateColumnType('name', 'STRING'),
      SchemaChange.updateColumnType('price', 'DECIMAL(9, 3) NOT NULL'),
    );
    expect(s.fields.map((f) => f.type).map((t) => t.kind)).toContain('BIGINT');
    expect(s.fields.find((f) => f.name === 'price')!.type).toEqual(parseTypeString('DECIMAL(9, 3) NOT NULL'));
    for (const [column, type] of [['v', 'SMALLINT'], ['v', 'FLOAT'], ['name', 'VARCHAR(5)'], ['name', 'INT'], ['price', 'DECIMAL(5, 1) NOT NULL'], ['price', 'DECIMAL(5, 3) NOT NULL']] as const) {
      await expectCode(() => apply(SchemaChange.updateColumnType(column, type)), 'INVALID_SCHEMA', new RegExp(`^table db\\.t: column ${column} cannot change type`));
    }
    const widen = (from: string, to: string) => isSafeWidening(parseTypeString(from), parseTypeString(to));
    expect([widen('TINYINT', 'INT'), widen('INT', 'BIGINT'), widen('FLOAT', 'DOUBLE'), widen('INT', 'DOUBLE'), widen('INT', 'DECIMAL(10, 0)'), widen('CHAR(3)', 'VARCHAR(3)')]).toEqual([
      true, true, true, true, true, true,
    ]);
    expect([widen('BIGINT', 'DOUBLE'), widen('INT', 'FLOAT'), widen('INT', 'DECIMAL(9, 0)'), widen('DATE', 'TIMESTAMP(3)'), widen('TIMESTAMP(6)', 'TIMESTAMP(3)')]).toEqual([
      false, false, false, false, false,
    ]);
  });

  it('refuses what Paimon refuses, with the code and the column or option', async () => {
    await expectCode(() => apply(SchemaChange.dropColumn('k')), 'UNSUPPORTED', /cannot drop partition key or primary key column k/);
    await expectCode(() => apply(SchemaChange.dropColumn('dt')), 'UNSUPPORTED', /column dt/);
    await expectCode(() => apply(SchemaChange.renameColumn('dt', 'day')), 'UNSUPPORTED', /cannot rename partition column dt/);
    await expectCode(() => apply(SchemaChange.updateColumnType('k', 'BIGINT NOT NULL')), 'UNSUPPORTED', /primary key column k/);
    await expectCode(() => apply(SchemaChange.addColumn('z', 'INT NOT NULL')), 'INVALID_SCHEMA', /column z cannot be added as NOT NULL/);
    await expectCode(() => apply(SchemaChange.addColumn('v', 'INT')), 'INVALID_SCHEMA', /column v already exists/);
    await expectCode(() => apply(SchemaChange.addColumn('_KEY_x', 'INT')), 'INVALID_SCHEMA', /must not start with _KEY_/);
    await expectCode(() => apply(SchemaChange.renameColumn('v', 'name')), 'INVALID_SCHEMA', /column name already exists/);
    await expectCode(() => apply(SchemaChange.renameColumn('nope', 'x')), 'INVALID_SCHEMA', /column nope does not exist/);
    await expectCode(() => apply(SchemaChange.updateColumnNullability('v', false)), 'INVALID_SCHEMA', /column v cannot change from nullable to NOT NULL/);
    await expectCode(() => apply(SchemaChange.updateColumnNullability('k', true)), 'UNSUPPORTED', /primary key column k nullable/);
    await expectCode(() => apply(SchemaChange.updateColumnPosition('k', SchemaChange.first())), 'INVALID_SCHEMA', /relative to itself/);
    // the aggregate function of a dropped column is left naming nothing: Paimon refuses that too
    await expectCode(() => apply(SchemaChange.dropColumn('v')), 'INVALID_OPTION', /names column "v"/);
    await expectCode(() => apply(SchemaChange.setOption('merge-engine', 'deduplicate')), 'UNSUPPORTED', /option merge-engine cannot be changed once the table has snapshots/);
    await expectCode(() => apply(SchemaChange.setOption('bucket', '-1')), 'UNSUPPORTED', /bucket cannot be changed to -1/);
    await expectCode(() => apply(SchemaChange.removeOption('bucket')), 'UNSUPPORTED', /bucket cannot be removed/);
    await expectCode(() => apply(SchemaChange.setOption('bucket', 'many')), 'INVALID_OPTION', /option bucket="many" is invalid/);
    await expectCode(() => apply(SchemaChange.setOption('deletion-vectors.enabled', 'true')), 'UNSUPPORTED', /deletion-vectors\.modifiable=true/);
    await expectCode(() => apply(SchemaChange.setOption('sequence.field', 'zzz')), 'INVALID_OPTION', /sequence\.field=zzz names "zzz"/);
    await expectCode(() => apply(SchemaChange.setOption('primary-key', 'v')), 'UNSUPPORTED', /option primary-key cannot be changed once the table has snapshots/);
    await expectCode(
      () => applySchemaChanges(base(), [SchemaChange.setOption('primary-key', 'v')], { hasSnapshots: false, where: 't' }),
      'INVALID_SCHEMA',
      /primary key is \(k, dt\) already/,
    );
    // without snapshots the layout options can still change
    const fresh = applySchemaChanges(base(), [SchemaChange.setOption('merge-engine', 'partial-update'), SchemaChange.removeOption('fields.v.aggregate-function')], {
      hasSnapshots: false,
      where: 't',
    });
    expect(fresh.options['merge-engine']).toBe('partial-update');
    // options, comments and nullability
    const s = apply(
      SchemaChange.setOption('bucket', '4'),
      SchemaChange.setOption('snapshot.num-retained.min', '3'),
      SchemaChange.updateComment('orders'),
      SchemaChange.updateColumnComment('v', 'the amount'),
      SchemaChange.updateColumnNullability('price', true),
    );
    expect([s.options['bucket'], s.options['snapshot.num-retained.min'], s.comment, s.fields[2]!.description, s.fields[4]!.type.nullable]).toEqual(['4', '3', 'orders', 'the amount', true]);
  });
});

describe('writing, altering, writing again and reading everything', () => {
  for (const format of ['parquet', 'orc', 'avro']) {
    it(`append table (${format}): add, rename, drop, widen; old files read by field id`, async () => {
      let table = await scratchTable(
        [['id', 'INT'], ['name', 'STRING'], ['score', 'FLOAT'], ['price', 'DECIMAL(5, 2)'], ['tag', 'VARCHAR(4)']],
        { options: { 'file.format': format } },
      );
      let w = table.newBatchWrite();
      await w.write([
        { id: 1, name: 'ann', score: 1.5, price: '12.34', tag: 'x' },
        { id: 2, name: null, score: null, price: '-0.01', tag: 'yy' },
      ]);
      await w.commit();

      table = await table.alter([
        SchemaChange.addColumn('extra', 'BIGINT', 'added later', SchemaChange.after('id')),
        SchemaChange.renameColumn('name', 'full_name'),
        SchemaChange.dropColumn('tag'),
        SchemaChange.updateColumnType('id', 'BIGINT'),
        SchemaChange.updateColumnType('score', 'DOUBLE'),
        SchemaChange.updateColumnType('price', 'DECIMAL(8, 3)'),
      ]);
      expect(table.schema.id).toBe(1);
      expect(table.schema.fields.map((f) => f.name)).toEqual(['id', 'extra', 'full_name', 'score', 'price']);

      w = table.newBatchWrite();
      await w.write([{ id: 3_000_000_000n, extra: 7, full_name: 'cy', score: 0.1, price: '99999.999' }]);
      const s2 = await w.commit();
      expect(s2?.schemaId).toBe(1);
      const files = (await table.newScan().plan()).splits.flatMap((s) => s.files);
      expect(files.map((f) => f.schemaId).sort()).toEqual([0, 1]);

      expect((await readJson(table)).sort(byKey('id'))).toEqual([
        { id: 1, extra: null, full_name: 'ann', score: 1.5, price: '12.340' },
        { id: 2, extra: null, full_name: null, score: null, price: '-0.010' },
        { id: 3_000_000_000, extra: 7, full_name: 'cy', score: 0.1, price: '99999.999' },
      ]);
      // time travel reads snapshot 1 with the schema it was written under
      expect((await readJson(table, 1)).sort(byKey('id'))).toEqual([
        { id: 1, name: 'ann', score: 1.5, price: '12.34', tag: 'x' },
        { id: 2, name: null, score: null, price: '-0.01', tag: 'yy' },
      ]);
      // a filter on a renamed, widened column prunes and filters old files by field id
      const scan = (await table.reload()).newScan().filter({ op: '=', field: 'full_name', literal: 'ann' });
      const rows: Record<string, unknown>[] = [];
      const plan = await scan.plan();
      for await (const b of scan.read(plan)) rows.push(...batchToJsonRows(b, plan.schema.fields));
      expect(rows.map((r) => r['id'])).toEqual([1]);
    });
  }

  it('primary-key table: merged reads across schemas, updates after a rename and a widening, and after a full compaction', async () => {
    let table = await scratchTable([['k', 'INT'], ['v', 'INT'], ['note', 'STRING']], { primaryKeys: ['k'], options: { bucket: '2' } });
    let w = table.newBatchWrite();
    await w.write([
      { k: 1, v: 10, note: 'a' },
      { k: 2, v: 20, note: 'b' },
      { k: 3, v: 30, note: 'c' },
    ]);
    await w.commit();
    table = await table.alter([SchemaChange.renameColumn('v', 'value'), SchemaChange.updateColumnType('value', 'BIGINT'), SchemaChange.addColumn('w', 'STRING'), SchemaChange.dropColumn('note')]);
    w = table.newBatchWrite();
    await w.write(
      [
        { k: 2, value: 2n ** 40n, w: 'new' },
        { k: 3, value: null, w: null },
        { k: 4, value: 40, w: 'x' },
      ],
      { kinds: ['+U', '-D', '+I'] },
    );
    await w.commit();
    const expected = [
      { k: 1, value: 10, w: null },
      { k: 2, value: 2 ** 40, w: 'new' },
      { k: 4, value: 40, w: 'x' },
    ];
    expect((await readJson(table)).sort(byKey('k'))).toEqual(expected);
    const compacted = await (await table.reload()).compact({ full: true });
    expect(compacted?.schemaId).toBe(1);
    expect((await readJson(table)).sort(byKey('k'))).toEqual(expected);
  });

  it('a copy of a Paimon-written table with two schemas takes a third and TS-written rows', async () => {
    const path = `${tempDir()}/t`;
    cpSync(fixturePath('append_table_alter_table_with_cast-parquet'), path, { recursive: true });
    let table = await FileStoreTable.open(path);
    const before = await readJson(table);
    expect(before).toHaveLength(10);
    table = await table.alter([SchemaChange.addColumn('f7', 'STRING'), SchemaChange.updateColumnType('f6', 'BIGINT')]);
    expect(table.schema.id).toBe(2);
    expect(table.schema.highestFieldId).toBe(9);
    const w = table.newBatchWrite();
    await w.write([{ f4: '2025-01-01 00:00:00', key0: 0, key1: 1, f3: 200, f1: 'ts', f2: '1.5', f0: true, f6: 2n ** 33n, f7: 'seven' }]);
    await w.commit();
    const after = await readJson(table);
    const stringify = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).sort();
    expect(stringify(after)).toEqual(
      stringify([
        ...before.map((r) => ({ ...r, f7: null })),
        { f4: '2025-01-01 00:00:00', key0: 0, key1: 1, f3: 200, f1: 'ts', f2: '1.500', f0: true, f6: 2 ** 33, f7: 'seven' },
      ]),
    );
  });
});

describe('committing schema changes', () => {
  it('catalog.alterTable writes schema-1; unknown tables are TABLE_NOT_FOUND unless ignored', async () => {
    const catalog = new FileSystemCatalog(tempDir());
    await catalog.createDatabase('db', false);
    await catalog.createTable('db.t', { fields: [{ name: 'a', type: 'INT' }] }, false);
    await catalog.alterTable('db.t', [SchemaChange.addColumn('b', 'STRING'), SchemaChange.setOption('snapshot.num-retained.max', '20')]);
    const t = await catalog.getTable('db.t');
    expect(t.schema.id).toBe(1);
    expect(t.schema.fields.map((f) => [f.id, f.name])).toEqual([[0, 'a'], [1, 'b']]);
    expect(t.options.snapshotNumRetainedMax).toBe(20);
    await expectCode(catalog.alterTable('db.nope', [SchemaChange.addColumn('b', 'INT')]), 'TABLE_NOT_FOUND', /db\.nope/);
    await catalog.alterTable('db.nope', [SchemaChange.addColumn('b', 'INT')], true);
    await expectCode(catalog.alterTable('db.t', []), 'INVALID_ARGUMENT', /no schema changes/);
  });

  it('concurrent changes each land as their own schema, the later re-applied on top; conflicting ones fail', async () => {
    const table = await scratchTable([['a', 'INT']]);
    const managers = Array.from({ length: 4 }, () => new SchemaManager(table.fileIO, table.path, 'db.t'));
    const results = await Promise.all(managers.map((m, i) => m.commitChanges([SchemaChange.addColumn(`c${i}`, 'INT')])));
    expect(results.map((s) => s.id).sort()).toEqual([1, 2, 3, 4]);
    const latest = (await table.reload()).schema;
    expect(latest.id).toBe(4);
    expect(latest.fields.map((f) => f.name).sort()).toEqual(['a', 'c0', 'c1', 'c2', 'c3']);
    expect(new Set(latest.fields.map((f) => f.id)).size).toBe(5);

    const same = await Promise.allSettled(managers.slice(0, 2).map((m) => m.commitChanges([SchemaChange.addColumn('dup', 'INT')])));
    expect(same.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const failure = same.find((r): r is PromiseRejectedResult => r.status === 'rejected')!.reason as PaimonError;
    expect(failure.code).toBe('INVALID_SCHEMA');
    expect(failure.message).toMatch(/column dup already exists/);
  });
});
