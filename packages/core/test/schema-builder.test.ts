/** Building schema-0 of a new table as Paimon does: ids, keys, validation, file layout; and the options table. */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PaimonError } from '../src/errors.js';
import { parseTableSchema, serializeTableSchema, type TableSchema } from '../src/spec/table-schema.js';
import { type DataField, type DataType, typeToString } from '../src/types/data-type.js';
import { CoreOptions, OPTIONS, validateOptions } from '../src/table/options.js';
import { buildTableSchema, javaHashMapOrder, parseColumnList, type SchemaSpec } from '../src/table/schema-builder.js';
import { fixtureNames, fixturePath } from './fixtures.js';

function build(columns: string, rest: Omit<SchemaSpec, 'fields'> = {}): TableSchema {
  return buildTableSchema({ fields: parseColumnList(columns), ...rest }, { timeMillis: 1, where: 'table db.t' });
}

/** id of every field, nested ones by dotted path. */
function ids(fields: DataField[], prefix = ''): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (t: DataType, path: string) => {
    if (t.kind === 'ROW') Object.assign(out, ids(t.fields, `${path}.`));
    else if (t.kind === 'ARRAY' || t.kind === 'MULTISET') walk(t.element, path);
    else if (t.kind === 'MAP') {
      walk(t.key, path);
      walk(t.value, path);
    }
  };
  for (const f of fields) {
    out[prefix + f.name] = f.id;
    walk(f.type, prefix + f.name);
  }
  return out;
}

function expectError(fn: () => unknown, code: string, message: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error, `expected ${code} ${message}`).toBeInstanceOf(PaimonError);
  expect((error as PaimonError).code, (error as Error).message).toBe(code);
  expect((error as Error).message).toMatch(message);
}

describe('buildTableSchema: the file Paimon would write', () => {
  const MOR = fixturePath('pk_table_scan_and_read_mor-parquet');

  it('writes schema-0 of a partitioned primary-key table byte-for-byte as Paimon wrote it', () => {
    const expected = readFileSync(`${MOR}/schema/schema-0`, 'utf8');
    const schema = buildTableSchema(
      {
        fields: parseColumnList('f0 STRING, f1 INT, f2 INT, f3 DOUBLE'),
        primaryKeys: ['f0', 'f1', 'f2'],
        partitionKeys: ['f1'],
        // Any insertion order: Paimon writes them in java.util.HashMap order.
        options: { 'file.format': 'parquet', bucket: '2', 'manifest.format': 'avro', 'bucket-key': 'f2' },
      },
      { timeMillis: 1756266931880 },
    );
    expect(serializeTableSchema(schema)).toBe(expected);
  });

  it('rebuilds every Paimon-written schema-0 in the fixtures from its columns, keys and options', () => {
    const names = fixtureNames().filter((n) => existsSync(`${fixturePath(n)}/schema/schema-0`));
    expect(names.length).toBeGreaterThan(20);
    let byteIdentical = 0;
    for (const name of names) {
      const text = readFileSync(`${fixturePath(name)}/schema/schema-0`, 'utf8');
      const original = parseTableSchema(text, name);
      const rebuilt = buildTableSchema(
        {
          // ids are dropped on purpose: the builder must find the same ones.
          fields: original.fields.map((f) => ({ name: f.name, type: typeToString(f.type), ...(f.description !== undefined ? { description: f.description } : {}) })),
          primaryKeys: original.primaryKeys,
          partitionKeys: original.partitionKeys,
          // Keys sharing a HashMap bucket keep insertion order, so give them in the file's order.
          options: original.options,
          ...(original.comment !== undefined ? { comment: original.comment } : {}),
        },
        { timeMillis: original.timeMillis, where: name },
      );
      expect(rebuilt, name).toEqual(original);
      // Files still in Jackson's layout (one fixture was re-indented by another tool) match byte for byte.
      if (text.includes('"version" : 3')) {
        expect(serializeTableSchema(rebuilt), name).toBe(text);
        byteIdentical++;
      }
    }
    expect(byteIdentical).toBeGreaterThan(30);
  });

  it('round-trips through serializeTableSchema and parseTableSchema', () => {
    const schema = build("id BIGINT, name STRING COMMENT 'who', addr ROW<city STRING, geo ROW<lat DOUBLE, lon DOUBLE>>, tags MAP<STRING, ARRAY<INT>>, price DECIMAL(10, 2), dt STRING", {
      primaryKeys: ['dt', 'id'],
      partitionKeys: ['dt'],
      options: { bucket: '4', 'my.connector.flag': 'x' },
      comment: 'orders',
    });
    const text = serializeTableSchema(schema);
    expect(parseTableSchema(text, 'schema-0')).toEqual(schema);
    expect(text).toContain('"comment" : "orders",\n  "timeMillis" : 1\n}');
    expect(text.indexOf('"version" : 3')).toBeLessThan(text.indexOf('"id" : 0'));
  });
});

describe('buildTableSchema: field ids', () => {
  it('numbers top-level columns 0, 1, 2, ... and sets highestFieldId', () => {
    const s = build('a INT, b STRING, c DOUBLE');
    expect(ids(s.fields)).toEqual({ a: 0, b: 1, c: 2 });
    expect(s.highestFieldId).toBe(2);
    expect(s.version).toBe(3);
    expect(s.id).toBe(0);
  });

  it('numbers nested ROW fields right after their top-level parent, before the next column', () => {
    const s = build('a INT, b ROW<x INT, y STRING>, c ARRAY<ROW<m INT>>, d MAP<STRING, ROW<k INT>>, e INT');
    expect(ids(s.fields)).toEqual({ a: 0, b: 1, 'b.x': 2, 'b.y': 3, c: 4, 'c.m': 5, d: 6, 'd.k': 7, e: 8 });
    expect(s.highestFieldId).toBe(8);
  });

  it("numbers a nested ROW field after its own inner fields, as ReassignFieldId's argument order does", () => {
    const s = build('a INT, b ROW<x ROW<p INT, q INT>, y INT>, c INT');
    expect(ids(s.fields)).toEqual({ a: 0, b: 1, 'b.x.p': 2, 'b.x.q': 3, 'b.x': 4, 'b.y': 5, c: 6 });
    expect(s.highestFieldId).toBe(6);
  });

  it('ignores ids already present in a DataType given as an object', () => {
    const row: DataType = { kind: 'ROW', nullable: true, fields: [{ id: 42, name: 'x', type: { kind: 'INT', nullable: true } }] };
    const s = buildTableSchema({ fields: [{ name: 'k', type: 'INT' }, { name: 'r', type: row }] }, { timeMillis: 1 });
    expect(ids(s.fields)).toEqual({ k: 0, r: 1, 'r.x': 2 });
    expect(row.kind === 'ROW' && row.fields[0]!.id).toBe(42); // the input is not mutated
  });
});

describe('buildTableSchema: keys', () => {
  it('makes primary-key columns NOT NULL and leaves other columns as declared', () => {
    const s = build('id BIGINT, dt STRING, v ROW<a INT>', { primaryKeys: ['dt', 'id'], partitionKeys: ['dt'] });
    expect(s.fields.map((f) => typeToString(f.type))).toEqual(['BIGINT NOT NULL', 'STRING NOT NULL', 'ROW<`a` INT>']);
    const append = build('id BIGINT, dt STRING', { partitionKeys: ['dt'] });
    expect(append.fields.map((f) => typeToString(f.type))).toEqual(['BIGINT', 'STRING']);
  });

  it('moves primary-key and partition given as options into the key lists, as Paimon does', () => {
    const s = build('id BIGINT, dt STRING, v INT', { options: { 'primary-key': 'dt, id', partition: 'dt', bucket: '2' } });
    expect(s.primaryKeys).toEqual(['dt', 'id']);
    expect(s.partitionKeys).toEqual(['dt']);
    expect(s.options).toEqual({ bucket: '2' });
    expect(typeToString(s.fields[0]!.type)).toBe('BIGINT NOT NULL');
  });

  it('keeps unknown option keys untouched', () => {
    const s = build('id INT', { options: { 'connector.x': 'anything at all', 'fields.id.my-plugin': 'y' } });
    expect(s.options).toEqual({ 'connector.x': 'anything at all', 'fields.id.my-plugin': 'y' });
  });

  it('accepts the bucket modes Paimon accepts', () => {
    expect(build('id INT, v INT', { primaryKeys: ['id'], options: { bucket: '-1' } }).options['bucket']).toBe('-1'); // dynamic bucket
    expect(build('id INT, v INT', { primaryKeys: ['id'], options: { bucket: '-2' } }).options['bucket']).toBe('-2'); // postpone
    expect(build('id INT, v INT', { primaryKeys: ['id'], options: { bucket: '8' } }).options['bucket']).toBe('8'); // bucket key = primary key
    expect(build('id INT, v INT', { options: { bucket: '8', 'bucket-key': 'id' } }).options['bucket-key']).toBe('id');
    expect(build('id INT, v INT').options).toEqual({}); // append, unaware bucket
  });

  const rejects: [string, () => unknown, string, RegExp][] = [
    ['no columns', () => buildTableSchema({ fields: [] }), 'INVALID_SCHEMA', /at least one column/],
    ['duplicate column names', () => build('a INT, b INT, a STRING'), 'INVALID_SCHEMA', /duplicate column names: a/],
    ['an empty column name', () => buildTableSchema({ fields: [{ name: ' ', type: 'INT' }] }), 'INVALID_SCHEMA', /must not be empty/],
    ['a reserved column name', () => build('_SEQUENCE_NUMBER BIGINT'), 'INVALID_SCHEMA', /_SEQUENCE_NUMBER is reserved/],
    ['a _KEY_ column name', () => build('_KEY_id INT'), 'INVALID_SCHEMA', /_KEY_id must not start with _KEY_/],
    ['duplicate nested field names', () => build('r ROW<x INT, x STRING>'), 'INVALID_SCHEMA', /ROW column r has duplicate field names: x/],
    ['an unknown type', () => buildTableSchema({ fields: [{ name: 'price', type: 'MONEY' }] }), 'UNKNOWN_TYPE', /column price: unknown type "MONEY"/],
    ['a primary key that is not a column', () => build('a INT', { primaryKeys: ['nope'] }), 'INVALID_SCHEMA', /primary key column nope is not a column/],
    ['a partition key that is not a column', () => build('a INT', { partitionKeys: ['dt'] }), 'INVALID_SCHEMA', /partition key column dt is not a column/],
    ['a primary key naming a column twice', () => build('a INT', { primaryKeys: ['a', 'a'] }), 'INVALID_SCHEMA', /names a column twice: a/],
    ['a primary key of partition keys only', () => build('a INT, dt STRING', { primaryKeys: ['dt'], partitionKeys: ['dt'] }), 'INVALID_SCHEMA', /primary key \(dt\) must not consist of partition keys \(dt\) only/],
    ['a nested primary-key column', () => build('a ROW<x INT>', { primaryKeys: ['a'] }), 'INVALID_SCHEMA', /primary key column a has type ROW/],
    ['a nested partition column', () => build('a INT, m MAP<STRING, INT>', { partitionKeys: ['m'] }), 'INVALID_SCHEMA', /partition key column m has type MAP/],
    ['primary key both in spec and options', () => build('a INT', { primaryKeys: ['a'], options: { 'primary-key': 'a' } }), 'INVALID_SCHEMA', /primary key given both/],
    ['partition both in spec and options', () => build('a INT, b INT', { partitionKeys: ['a'], options: { partition: 'a' } }), 'INVALID_SCHEMA', /partition keys given both/],
    ['bucket=abc', () => build('a INT', { options: { bucket: 'abc' } }), 'INVALID_OPTION', /option bucket="abc" is invalid/],
    ['bucket=0', () => build('a INT', { options: { bucket: '0' } }), 'INVALID_OPTION', /option bucket="0" is invalid: expected an integer: -1 .*-2 .*> 0/],
    ['bucket=-3', () => build('a INT', { primaryKeys: ['a'], options: { bucket: '-3' } }), 'INVALID_OPTION', /option bucket="-3"/],
    ['bucket=-2 on an append table', () => build('a INT', { options: { bucket: '-2' } }), 'INVALID_OPTION', /bucket=-2 \(postpone bucket\) needs a primary key/],
    ['a bucketed append table without bucket-key', () => build('a INT', { options: { bucket: '4' } }), 'INVALID_OPTION', /bucket=4 on an append table needs option bucket-key/],
    ['a bucket-key that is not a column', () => build('a INT', { options: { bucket: '4', 'bucket-key': 'zz' } }), 'INVALID_OPTION', /bucket-key=zz names "zz", which is not a column/],
    ['a nested bucket-key column', () => build('a INT, t ARRAY<INT>', { options: { bucket: '4', 'bucket-key': 't' } }), 'INVALID_OPTION', /column t has nested type ARRAY/],
    ['a bucket-key in the partition keys', () => build('a INT, dt STRING', { partitionKeys: ['dt'], options: { bucket: '4', 'bucket-key': 'dt' } }), 'INVALID_OPTION', /bucket key dt must not be a partition key/],
    ['a bucket-key outside the primary key', () => build('a INT, b INT', { primaryKeys: ['a'], options: { bucket: '4', 'bucket-key': 'b' } }), 'INVALID_OPTION', /bucket key b is not part of the primary key \(a\)/],
    ['bucket-key with bucket=-1', () => build('a INT, b INT', { primaryKeys: ['a'], options: { 'bucket-key': 'a' } }), 'INVALID_OPTION', /bucket-key=a needs a fixed bucket count/],
    ['a sequence.field that is not a column', () => build('a INT, b INT', { primaryKeys: ['a'], options: { 'sequence.field': 'ts' } }), 'INVALID_OPTION', /sequence.field=ts names "ts", which is not a column/],
    ['sequence.field with first-row', () => build('a INT, ts BIGINT', { primaryKeys: ['a'], options: { 'sequence.field': 'ts', 'merge-engine': 'first-row' } }), 'INVALID_OPTION', /sequence.field cannot be used with merge-engine=first-row/],
    ['a field option for an unknown column', () => build('a INT, b INT', { primaryKeys: ['a'], options: { 'fields.nope.aggregate-function': 'sum' } }), 'INVALID_OPTION', /option fields.nope.aggregate-function names column "nope"/],
    ['a changelog producer on an append table', () => build('a INT', { options: { 'changelog-producer': 'input' } }), 'INVALID_OPTION', /changelog-producer=input needs a primary key/],
    ['merge-engine=foo', () => build('a INT', { primaryKeys: ['a'], options: { 'merge-engine': 'foo' } }), 'INVALID_OPTION', /option merge-engine="foo" is invalid: expected one of deduplicate, partial-update, aggregation, first-row/],
    ['file.format=xlsx', () => build('a INT', { options: { 'file.format': 'xlsx' } }), 'INVALID_OPTION', /option file.format="xlsx" is invalid: expected one of parquet, orc, avro/],
    ['write-buffer-size=lots', () => build('a INT', { options: { 'write-buffer-size': 'lots' } }), 'INVALID_OPTION', /option write-buffer-size="lots" is invalid: expected a memory size/],
    ['snapshot.time-retained=soon', () => build('a INT', { options: { 'snapshot.time-retained': 'soon' } }), 'INVALID_OPTION', /snapshot.time-retained="soon" is invalid: expected a duration/],
    ['deletion-vectors.enabled=yes', () => build('a INT', { options: { 'deletion-vectors.enabled': 'yes' } }), 'INVALID_OPTION', /deletion-vectors.enabled="yes" is invalid: expected true or false/],
    ['a bad per-field stats mode', () => build('a INT', { options: { 'fields.a.stats-mode': 'truncate(x)' } }), 'INVALID_OPTION', /fields.a.stats-mode="truncate\(x\)"/],
    ['retained min above max', () => build('a INT', { options: { 'snapshot.num-retained.min': '20', 'snapshot.num-retained.max': '5' } }), 'INVALID_OPTION', /snapshot.num-retained.min=20 must not be larger than snapshot.num-retained.max=5/],
  ];
  for (const [what, fn, code, message] of rejects) {
    it(`rejects ${what} with ${code}`, () => expectError(fn, code, message));
  }

  it('names the table in every message', () => {
    expectError(() => build('a INT', { options: { bucket: 'abc' } }), 'INVALID_OPTION', /^table db\.t: /);
    expectError(() => build('a INT, a INT'), 'INVALID_SCHEMA', /^table db\.t: /);
  });
});

describe('parseColumnList', () => {
  it('splits on top-level commas only and reads NOT NULL, nested types and comments', () => {
    const cols = parseColumnList("id BIGINT NOT NULL, price DECIMAL(10, 2), tags MAP<STRING, ARRAY<INT>>, addr ROW<city STRING, zip INT 'postal'>, `odd name` STRING COMMENT 'it''s, odd'");
    expect(cols.map((c) => [c.name, typeToString(c.type as DataType), c.description])).toEqual([
      ['id', 'BIGINT NOT NULL', undefined],
      ['price', 'DECIMAL(10, 2)', undefined],
      ['tags', 'MAP<STRING, ARRAY<INT>>', undefined],
      ['addr', 'ROW<`city` STRING, `zip` INT>', undefined],
      ['odd name', 'STRING', "it's, odd"],
    ]);
    const addr = cols[3]!.type as DataType;
    expect(addr.kind === 'ROW' && addr.fields[1]!.description).toBe('postal');
  });

  it('rejects malformed lists with a message naming the problem', () => {
    expectError(() => parseColumnList(''), 'INVALID_SCHEMA', /column list is empty/);
    expectError(() => parseColumnList('a INT,, b INT'), 'INVALID_SCHEMA', /empty column definition/);
    expectError(() => parseColumnList('a INT, b'), 'INVALID_SCHEMA', /column b has no type/);
    expectError(() => parseColumnList('a MAP<STRING, INT'), 'INVALID_SCHEMA', /unbalanced/);
    expectError(() => parseColumnList("a INT COMMENT 'x"), 'INVALID_SCHEMA', /unclosed '/);
    expectError(() => parseColumnList('a INT, b VARCHAR(abc)'), 'UNKNOWN_TYPE', /column b: unknown type/);
  });
});

describe('options', () => {
  it('puts options in java.util.HashMap order, whatever order they came in', () => {
    const keys = ['file.format', 'manifest.format', 'bucket-key', 'bucket'];
    expect(javaHashMapOrder(keys)).toEqual(['bucket', 'bucket-key', 'manifest.format', 'file.format']);
    expect(javaHashMapOrder([])).toEqual([]);
  });

  it('records key, default and kind for every option', () => {
    for (const [name, spec] of Object.entries(OPTIONS)) {
      expect(spec.key, name).toMatch(/^[a-z0-9.\-_]+$/);
      if (spec.default !== null) validateOptions({ [spec.key]: spec.default }, `default of ${name}`);
    }
    expect(OPTIONS.bucket).toMatchObject({ key: 'bucket', default: '-1', kind: { type: 'int' } });
    expect(OPTIONS.writeBufferSize).toMatchObject({ key: 'write-buffer-size', default: '256 mb', kind: { type: 'memory' } });
    expect(OPTIONS.snapshotTimeRetained).toMatchObject({ default: '1 h', kind: { type: 'duration' } });
    expect(OPTIONS.mergeEngine.kind).toEqual({ type: 'enum', values: ['deduplicate', 'partial-update', 'aggregation', 'first-row'] });
    expect(OPTIONS.sequenceField.kind).toEqual({ type: 'list' });
  });

  it('accepts the spellings Paimon accepts', () => {
    validateOptions(
      {
        bucket: '4',
        'merge-engine': 'PARTIAL-UPDATE',
        'file.format': 'ORC',
        'write-buffer-size': '64MB',
        'target-file-size': '1 gb',
        'page-size': '65536',
        'snapshot.time-retained': '30 min',
        'continuous.discovery-interval': '500',
        'deletion-vectors.enabled': 'TRUE',
        'metadata.stats-mode': 'TRUNCATE(32)',
        'fields.v.stats-mode': 'full',
        'file.format.per.level': '0:avro,3:parquet',
        'some.connector.key': 'whatever',
      },
      'test',
    );
  });

  it('reads typed values with defaults', () => {
    const d = new CoreOptions({});
    expect(d.targetFileSize(true)).toBe(128 * 1024 * 1024);
    expect(d.targetFileSize(false)).toBe(256 * 1024 * 1024);
    expect(d.writeBufferSize).toBe(256 * 1024 * 1024);
    expect(d.fileCompression).toBe('zstd');
    expect(d.fileCompressionZstdLevel).toBe(1);
    expect(d.manifestTargetFileSize).toBe(8 * 1024 * 1024);
    expect(d.manifestMergeMinCount).toBe(30);
    expect(d.manifestFullCompactionThresholdSize).toBe(16 * 1024 * 1024);
    expect(d.commitMaxRetries).toBe(10);
    expect(d.snapshotNumRetainedMin).toBe(10);
    expect(d.snapshotNumRetainedMax).toBe(2147483647);
    expect(d.snapshotTimeRetainedMillis).toBe(3_600_000);
    expect(d.numSortedRunStopTrigger).toBe(8);
    expect(d.numLevels).toBe(6);
    expect(d.bucketKey).toEqual([]);
    expect(d.dataFilePrefix).toBe('data-');
    expect(d.fileSuffixIncludeCompression).toBe(false);
    expect(d.statsMode()).toBe('truncate(16)');

    const o = new CoreOptions({
      'target-file-size': '64 mb',
      'file.compression': 'LZ4',
      'num-sorted-run.compaction-trigger': '10',
      'num-sorted-run.stop-trigger': '4',
      'bucket-key': 'a, b',
      'metadata.stats-mode': 'full',
      'fields.b.stats-mode': 'NONE',
      'snapshot.time-retained': '2 d',
    });
    expect(o.targetFileSize(true)).toBe(64 * 1024 * 1024);
    expect(o.fileCompression).toBe('lz4');
    expect(o.numSortedRunStopTrigger).toBe(10); // never below the compaction trigger
    expect(o.bucketKey).toEqual(['a', 'b']);
    expect(o.statsMode('a')).toBe('full');
    expect(o.statsMode('b')).toBe('none');
    expect(o.snapshotTimeRetainedMillis).toBe(2 * 86_400_000);
  });

  it('fails reading a malformed value with INVALID_OPTION naming key and value', () => {
    expectError(() => new CoreOptions({ 'write-buffer-size': 'lots' }).writeBufferSize, 'INVALID_OPTION', /write-buffer-size="lots"/);
    expectError(() => new CoreOptions({ bucket: 'x' }).bucket, 'INVALID_OPTION', /bucket="x"/);
  });
});
