import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as arrow from 'apache-arrow';
import { toArrowType, type DataType } from '@paimon-ts/core';
import { describeType, sparkArrowType, TYPE_MAPPING, typeMappingMarkdown } from '../src/index.js';

describe('type mapping', () => {
  it('is the table the README shows', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(typeMappingMarkdown());
  });

  it('covers every Paimon type kind', () => {
    const kinds = ['BOOLEAN', 'TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'FLOAT', 'DOUBLE', 'DECIMAL', 'CHAR', 'VARCHAR', 'BINARY', 'VARBINARY', 'BLOB', 'DATE', 'TIME', 'TIMESTAMP', 'TIMESTAMP_LTZ', 'ARRAY', 'VECTOR', 'MAP', 'MULTISET', 'ROW', 'VARIANT'];
    const named = TYPE_MAPPING.map((r) => r.paimon).join(' ');
    for (const k of kinds) expect(named).toContain(k === 'VARCHAR' ? 'STRING' : k === 'VARBINARY' ? 'BYTES' : k);
  });

  it('takes the Arrow column from core and gives Spark only microsecond timestamps and no TIME', () => {
    const ts: DataType = { kind: 'TIMESTAMP', precision: 9, nullable: true };
    expect(describeType(ts, 'x').arrow).toBe('timestamp[ns]');
    expect(String(toArrowType(ts))).toContain('NANOSECOND');
    const nested: DataType = { kind: 'ROW', nullable: true, fields: [{ id: 1, name: 't', type: { kind: 'TIME', precision: 3, nullable: true } }, { id: 2, name: 'l', type: { kind: 'ARRAY', nullable: true, element: { kind: 'TIMESTAMP_LTZ', precision: 3, nullable: true } } }] };
    const spark = sparkArrowType(nested) as arrow.Struct;
    expect(arrow.DataType.isInt(spark.children[0]!.type)).toBe(true);
    const element = (spark.children[1]!.type as arrow.List).children[0]!.type as arrow.Timestamp;
    expect([element.unit, element.timezone]).toEqual([arrow.TimeUnit.MICROSECOND, 'UTC']);
  });
});
