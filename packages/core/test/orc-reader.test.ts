/**
 * The ORC reader against the Paimon-Java fixture tables (read in place):
 * every ORC data file and every ORC manifest opens and reads fully, and
 * values match the fixtures' expected.json where it is clear.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { PaimonError } from '../src/errors.js';
import { isOrc, openOrc, typeToString, type OrcFile } from '../src/io/orc/index.js';

const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/paimon-java/paimon-cpp/', import.meta.url));
const haveFixtures = existsSync(FIXTURES);

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

const tables = haveFixtures ? readdirSync(FIXTURES).sort() : [];
const orcTables = tables.filter((t) => t.endsWith('-orc'));
const allFiles = haveFixtures ? walk(FIXTURES) : [];
const dataFiles = allFiles.filter((f) => f.endsWith('.orc') && orcTables.some((t) => f.startsWith(join(FIXTURES, t) + '/')));
const manifestFiles = allFiles.filter((f) => /\/manifest\/(manifest-|manifest-list-|index-manifest-)/.test(f) && isOrc(readFileSync(f)));

const open = (file: string): OrcFile => openOrc(readFileSync(file), file);
const tableFiles = (table: string): string[] => dataFiles.filter((f) => f.startsWith(join(FIXTURES, table) + '/'));

function isValid(data: arrow.Data, i: number): boolean {
  if (data.nullCount === 0 || !data.nullBitmap) return true;
  const j = data.offset + i;
  return ((data.nullBitmap[j >> 3]! >> (j & 7)) & 1) === 1;
}

function decimalText(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n;
  const digits = (neg ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return neg ? `-${text}` : text;
}

/** One value from the raw Arrow buffers (checks what the reader filled, not Arrow's getters). */
function valueAt(data: arrow.Data, i: number): unknown {
  if (!isValid(data, i)) return null;
  const t = data.type;
  const j = data.offset + i;
  switch (t.typeId) {
    case arrow.Type.Bool:
      return ((data.values[j >> 3]! >> (j & 7)) & 1) === 1;
    case arrow.Type.Int:
    case arrow.Type.Float:
    case arrow.Type.Date:
    case arrow.Type.Timestamp:
      return data.values[j];
    case arrow.Type.Utf8:
      return new TextDecoder().decode(data.values.subarray(data.valueOffsets[j], data.valueOffsets[j + 1]));
    case arrow.Type.Binary:
      return Buffer.from(data.values.subarray(data.valueOffsets[j], data.valueOffsets[j + 1])).toString('latin1');
    case arrow.Type.Decimal: {
      const w = (data.values as Uint32Array).subarray(4 * j, 4 * j + 4);
      const v = BigInt.asIntN(128, [0, 1, 2, 3].reduce((acc, k) => acc | (BigInt(w[k]!) << BigInt(32 * k)), 0n));
      return decimalText(v, (t as arrow.Decimal).scale);
    }
    case arrow.Type.List: {
      const child = data.children[0]!;
      const out: unknown[] = [];
      for (let k = data.valueOffsets[j]!; k < data.valueOffsets[j + 1]!; k++) out.push(valueAt(child, k));
      return out;
    }
    case arrow.Type.Map: {
      const entries = data.children[0]!;
      const out: unknown[] = [];
      for (let k = data.valueOffsets[j]!; k < data.valueOffsets[j + 1]!; k++) {
        out.push([valueAt(entries.children[0]!, k), valueAt(entries.children[1]!, k)]);
      }
      return out;
    }
    case arrow.Type.Struct:
      return data.children.map((c) => valueAt(c, j));
    default:
      throw new Error(`no test conversion for ${t}`);
  }
}

function rowsOf(file: OrcFile, options: Parameters<OrcFile['read']>[0] = {}): unknown[][] {
  const rows: unknown[][] = [];
  for (const batch of file.read(options)) {
    const columns = batch.data.children;
    for (let i = 0; i < batch.numRows; i++) rows.push(columns.map((c) => valueAt(c, i)));
  }
  return rows;
}

/** `2033-05-18 03:33:20.000001001` as epoch nanoseconds (UTC wall clock). */
function nanos(text: string): bigint {
  const m = /^(\d+)-(\d+)-(\d+)[ T](\d+):(\d+):(\d+)(?:\.(\d+))?$/.exec(text)!;
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return BigInt(ms) * 1_000_000n + BigInt((m[7] ?? '').padEnd(9, '0'));
}

const json = (v: unknown): string => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x));

interface Expected {
  table: { primaryKeys: string[]; file_writers: Record<string, number> };
  assertions_from_source_tests: { conditions: string[]; expected_row_blocks: unknown[][][] | null }[];
}
const expectedOf = (table: string): Expected => JSON.parse(readFileSync(join(FIXTURES, table, 'expected.json'), 'utf8')) as Expected;

describe.skipIf(!haveFixtures)('ORC fixtures: every file reads', () => {
  it('finds the ORC data files and manifests', () => {
    expect(orcTables.length).toBeGreaterThanOrEqual(18);
    expect(dataFiles.length).toBeGreaterThanOrEqual(50);
    expect(manifestFiles.length).toBeGreaterThanOrEqual(100);
    expect(manifestFiles.some((f) => f.includes('/index-manifest-'))).toBe(true);
  });

  for (const file of [...dataFiles, ...manifestFiles]) {
    it(`reads ${relative(FIXTURES, file)}`, () => {
      const orc = open(file);
      expect(orc.schema.kind).toBe('STRUCT');
      let rows = 0;
      for (const batch of orc.read()) {
        expect(batch.schema.fields.map((f) => f.name)).toEqual(orc.fieldNames);
        rows += batch.numRows;
        // every value converts (exercises all buffers)
        for (let i = 0; i < batch.numRows; i++) for (const c of batch.data.children) valueAt(c, i);
      }
      expect(rows).toBe(orc.numRows);
      expect(orc.stripes.reduce((n, s) => n + s.numberOfRows, 0)).toBe(orc.numRows);
      expect(orc.statistics.length).toBe(orc.types.length);
      expect(orc.statistics[0]!.numberOfValues).toBe(orc.numRows);
      expect(orc.stripeStatistics().length).toBe(orc.stripes.length);
    });
  }
});

describe.skipIf(!haveFixtures)('ORC fixtures: values', () => {
  it('append_10-orc snapshot 1 rows match the paimon-cpp assertion', () => {
    const rows = tableFiles('append_10-orc').flatMap((f) => rowsOf(open(f)));
    const expected = expectedOf('append_10-orc').assertions_from_source_tests[0]!.expected_row_blocks![0]!.map((r) => r.slice(1));
    expect(rows.map(json).sort()).toEqual(expected.map(json).sort());
  });

  it('append_10-orc exposes types, attributes, statistics and metadata', () => {
    const orc = open(tableFiles('append_10-orc').find((f) => f.includes('f1=10/bucket-1'))!);
    expect(typeToString(orc.schema)).toBe('struct<f0:string,f1:int,f2:int,f3:double>');
    // this older file has no `paimon.id` type attributes
    expect(orc.schema.children.map((c) => c.attributes)).toEqual([{}, {}, {}, {}]);
    expect(orc.writer).toBe('ORC_JAVA 1.9.2');
    expect(orc.compression).toBe('ZSTD');
    expect(orc.numRows).toBe(3);
    const stats = orc.statistics;
    expect(stats[1]!.string).toMatchObject({ minimum: 'Bob', maximum: 'Tony' });
    expect(stats[2]!.int).toEqual({ minimum: 10n, maximum: 10n, sum: 30n });
    expect(stats[4]!.double!.minimum).toBeCloseTo(12.1);
    expect(stats[4]!.double!.maximum).toBeCloseTo(14.1);
    const schema = orc.arrowSchema();
    expect(schema.fields.map((f) => [f.name, String(f.type), f.nullable])).toEqual([
      ['f0', 'Utf8', true],
      ['f1', 'Int32', true],
      ['f2', 'Int32', true],
      ['f3', 'Float64', true],
    ]);
  });

  it('reads selected top-level columns in the order asked, and rejects unknown ones', () => {
    const orc = open(tableFiles('append_10-orc').find((f) => f.includes('f1=10/bucket-1'))!);
    expect(rowsOf(orc, { columns: ['f3', 'f0'] })).toEqual([
      [12.1, 'Bob'],
      [13.1, 'Emily'],
      [14.1, 'Tony'],
    ]);
    expect(() => [...orc.read({ columns: ['nope'] })]).toThrow(PaimonError);
  });

  it('splits stripes into batches of batchSize rows', () => {
    const orc = open(tableFiles('append_10-orc').find((f) => f.includes('f1=10/bucket-1'))!);
    const batches = [...orc.read({ batchSize: 2 })];
    expect(batches.map((b) => b.numRows)).toEqual([2, 1]);
    expect(new arrow.Table(batches).getChild('f0')!.toArray()).toEqual(['Bob', 'Emily', 'Tony']);
    expect(orc.readTable().numRows).toBe(3);
  });

  it('append_with_multiple_ts_precision_and_timezone-orc: TIMESTAMP and TIMESTAMP_INSTANT to the nanosecond', () => {
    const expected = [
      ['1970-01-01T00:00:01', '1970-01-01T00:00:00.001', '1970-01-01T00:00:00.000001', '1970-01-01T00:00:00.000000001', '1970-01-01T00:00:02', '1970-01-01T00:00:00.002', '1970-01-01T00:00:00.000002', '1970-01-01T00:00:00.000000002'],
      ['1970-01-01T00:00:03', '1970-01-01T00:00:00.003', null, '1970-01-01T00:00:00.000000003', '1970-01-01T00:00:04', '1970-01-01T00:00:00.004', '1970-01-01T00:00:00.000004', '1970-01-01T00:00:00.000000004'],
      ['1970-01-01T00:00:05', '1970-01-01T00:00:00.005', null, null, '1970-01-01T00:00:06', null, '1970-01-01T00:00:00.000006', null],
    ].map((r) => r.map((v) => (v === null ? null : nanos(v))));
    const files = tableFiles('append_with_multiple_ts_precision_and_timezone-orc');
    // One file from Paimon Java (ORC Java, writer time zone Asia/Shanghai), one from paimon-cpp (ORC C++, GMT).
    expect(files.map((f) => open(f).writer).sort()).toEqual(['ORC_CPP 2.1.1', 'ORC_JAVA 1.9.2']);
    for (const f of files) {
      const orc = open(f);
      expect(orc.schema.children.map((c) => c.kind)).toEqual([...Array(4).fill('TIMESTAMP'), ...Array(4).fill('TIMESTAMP_INSTANT')]);
      const schema = orc.arrowSchema();
      expect(schema.fields.map((x) => (x.type as arrow.Timestamp).timezone ?? null)).toEqual([...Array(4).fill(null), ...Array(4).fill('UTC')]);
      expect((schema.fields[0]!.type as arrow.Timestamp).unit).toBe(arrow.TimeUnit.NANOSECOND);
      expect(rowsOf(orc)).toEqual(expected);
      // coarser units truncate
      const micros = rowsOf(orc, { timestampUnit: 'us', columns: ['ts_micro', 'ts_nano'] });
      expect(micros[0]).toEqual([1n, 0n]);
    }
  });

  it('append_complex_data-orc: date, timestamp (before 1970 too), decimal(23,5) and binary', () => {
    const expected = [
      [10, 1, 1234, '2033-05-18 03:33:20.0', '123456789987654321.45678', 'add'],
      [20, 1, -1234, '1899-01-01 00:59:20.001001001', '-123456789987654321.45678', 'bad'],
      [10, 1, 19909, '2033-05-18 03:33:20.000001001', '12.30000', 'cat'],
      [10, 1, 0, '2008-12-28 00:00:00.000123456', null, 'dad'],
      [10, 1, 100, '2008-12-28 00:00:00.00012345', '-123.45000', 'eat'],
      [10, 1, null, '1899-01-01 00:59:20.001001001', '0.00000', 'fat'],
      [20, 0, -100, null, '0.00000', 'get'],
      [10, 1, 20006, '2024-10-10 10:10:10.1001001', '1728551410100.10010', null],
    ].map((r) => [r[0], r[1], r[2], r[3] === null ? null : nanos(r[3] as string), r[4], r[5]]);
    const files = tableFiles('append_complex_data-orc');
    const orc = open(files[0]!);
    expect(typeToString(orc.schema)).toBe('struct<f1:int,f2:int,f3:date,f4:timestamp,f5:decimal(23,5),f6:binary>');
    expect(String(orc.arrowSchema().fields[4]!.type)).toBe('Decimal[23e+5]');
    // Paimon field ids as ORC type attributes, and as Arrow field metadata
    expect(orc.schema.children.map((c) => c.attributes['paimon.id'])).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(orc.arrowSchema().fields.map((f) => f.metadata.get('paimon.id'))).toEqual(['0', '1', '2', '3', '4', '5']);
    const rows = new Set(files.flatMap((f) => rowsOf(open(f))).map(json));
    expect([...rows].sort()).toEqual(expected.map(json).sort());
  });

  it('nullable_map_key-orc: maps, including the null key Paimon Java wrote', () => {
    const [file] = tableFiles('nullable_map_key-orc');
    const orc = open(file!);
    expect(typeToString(orc.schema)).toBe('struct<id:int,attrs:map<string,int>>');
    expect(orc.writer).toBe('ORC_JAVA 1.9.8');
    // paimon-cpp fails on the third row (null key); the ORC data itself is fine.
    expect(rowsOf(orc)).toEqual([
      [1, [['one', 10]]],
      [2, [['two', 20]]],
      [3, [[null, 30]]],
    ]);
    const attrs = orc.arrowSchema().fields[1]!;
    expect(String(attrs.type)).toBe('Map<{key:Utf8, value:Int32}>');
  });

  it('pk_table_nested_type-orc: system columns, struct with array, map', () => {
    const files = tableFiles('pk_table_nested_type-orc');
    const orc = open(files[0]!);
    expect(orc.fieldNames.slice(0, 3)).toEqual(['_KEY_shopId', '_SEQUENCE_NUMBER', '_VALUE_KIND']);
    expect(typeToString(orc.field('col1')!)).toBe('struct<f0:string,f1:int,f2:array<int>>');
    // nested types carry Paimon's ids too (array element and map key/value ids are derived from the field id)
    expect(orc.field('col1')!.children.map((c) => c.attributes['paimon.id'])).toEqual(['5', '6', '7']);
    expect(orc.field('_KEY_shopId')!.attributes['paimon.id']).toBe('1073741823');
    const rows = files.flatMap((f) => rowsOf(open(f)));
    const row1002 = rows.find((r) => r[0] === 1002 && r[2] === 0)!;
    expect(row1002).toEqual([1002, 0n, 0, 1002, '2025-04-14', 10, 20, ['str-2', 200, [2, null, 3]], [[2, 2], [102, 102]]]);
    expect(new Set(rows.map((r) => r[2]))).toEqual(new Set([0, 1, 2, 3]));
  });

  it('pk_compact_lookup-orc: uncompressed (NONE) files', () => {
    const files = tableFiles('pk_compact_lookup-orc');
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(open(f).compression).toBe('NONE');
  });

  for (const table of orcTables.filter((t) => haveFixtures && expectedOf(t).table.primaryKeys.length > 0)) {
    it(`${table}: the expected rows' strings appear in the data files`, () => {
      const files = tableFiles(table);
      const seen = new Set<string>();
      const collect = (v: unknown): void => {
        if (typeof v === 'string') seen.add(v);
        else if (Array.isArray(v)) v.forEach(collect);
      };
      for (const f of files) {
        const orc = open(f);
        expect(orc.fieldNames).toContain('_SEQUENCE_NUMBER');
        expect(orc.fieldNames).toContain('_VALUE_KIND');
        rowsOf(orc).forEach(collect);
      }
      const expected = expectedOf(table).assertions_from_source_tests.filter((a) => a.conditions.includes('plain batch read'));
      for (const a of expected) for (const block of a.expected_row_blocks ?? []) for (const row of block) {
        for (const v of row.slice(1)) if (typeof v === 'string' && !/^\d{4}-\d\d-\d\d[ T]/.test(v)) expect(seen).toContain(v);
      }
    });
  }

  it('manifests: nested structs, arrays of strings, binary and the creation time', () => {
    const manifest = manifestFiles.find((f) => f.includes('append_10-orc/manifest/manifest-') && !f.includes('manifest-list'))!;
    const orc = open(manifest);
    expect(orc.fieldNames).toEqual(['_VERSION', '_KIND', '_PARTITION', '_BUCKET', '_TOTAL_BUCKETS', '_FILE']);
    const rows = rowsOf(orc);
    expect(rows.length).toBe(orc.numRows);
    const file = rows[0]![5] as unknown[];
    expect(String(file[0])).toMatch(/^data-.*\.orc$/);
    const fileType = orc.field('_FILE')!;
    const names = fileType.fieldNames;
    expect(names).toContain('_EXTRA_FILES');
    expect(fileType.children[names.indexOf('_EXTRA_FILES')]!.kind).toBe('LIST');
    // _CREATION_TIME is a TIMESTAMP written in Asia/Shanghai: a wall clock near the schema's creation (UTC + 8h).
    const created = file[names.indexOf('_CREATION_TIME')] as bigint;
    const schemaMillis = JSON.parse(readFileSync(join(FIXTURES, 'append_10-orc/schema/schema-0'), 'utf8')).timeMillis as number;
    const diffHours = (Number(created / 1_000_000n) - schemaMillis) / 3_600_000;
    expect(diffHours).toBeGreaterThan(7.9);
    expect(diffHours).toBeLessThan(8.5);
  });
});
