/**
 * Avro data files (`file.format = avro`): records decoded by avsc, turned into
 * Arrow columns through the Paimon type of each column (spec 4.2 mapping).
 */
import * as arrow from 'apache-arrow';
import { buildData, getValue } from '../types/arrow-values.js';
import { PaimonError } from '../errors.js';
import { toArrowType } from '../types/arrow-type.js';
import type { DataField, DataType } from '../types/data-type.js';
import type { Value } from '../types/values.js';
import { bigIntFromBytesBE, bigIntToBytesBE } from '../spec/binary-row.js';
import { readAvroContainer, writeAvroContainer, type AvroCodec } from './avro.js';

function toValue(v: unknown, type: DataType): Value {
  if (v === null || v === undefined) return null;
  switch (type.kind) {
    case 'BIGINT':
      return BigInt(v as number | bigint);
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return BigInt(v as number | bigint);
    case 'DECIMAL':
      return bigIntFromBytesBE(v as Uint8Array);
    case 'BINARY':
    case 'VARBINARY':
    case 'BLOB':
      return new Uint8Array(v as Uint8Array);
    case 'ARRAY':
    case 'MULTISET':
    case 'VECTOR':
      if (type.kind === 'MULTISET') return mapEntries(v, type.element, { kind: 'INT', nullable: false });
      return (v as unknown[]).map((x) => toValue(x, type.element));
    case 'MAP':
      return mapEntries(v, type.key, type.value);
    case 'ROW': {
      const rec = v as Record<string, unknown>;
      return type.fields.map((f) => toValue(rec[f.name], f.type));
    }
    default:
      return v as Value;
  }
}

/** String-keyed maps are Avro maps (JS objects); other keys are arrays of {key, value} records. */
function mapEntries(v: unknown, key: DataType, value: DataType): [Value, Value][] {
  if (Array.isArray(v)) {
    return v.map((e: Record<string, unknown>) => [toValue(e['key'], key), toValue(e['value'], value)]);
  }
  return Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, toValue(x, value)]);
}

export function readAvroData(bytes: Uint8Array, fields: readonly DataField[], fileName: string): arrow.RecordBatch[] {
  const { records } = readAvroContainer(bytes, fileName);
  const arrowFields = fields.map((f) => new arrow.Field(f.name, toArrowType(f.type), f.type.nullable));
  const children = fields.map((f) =>
    buildData(toArrowType(f.type), records.map((r) => toValue((r as Record<string, unknown>)[f.name], f.type))),
  );
  const schema = new arrow.Schema(arrowFields);
  const data = arrow.makeData({ type: new arrow.Struct(arrowFields), length: records.length, nullCount: 0, children });
  return [new arrow.RecordBatch(schema, data)];
}

// ---- writing (spec 4.2 mapping) ------------------------------------------------

const RECORD_NAMESPACE = 'org.apache.paimon.avro.generated';

function isStringKey(t: DataType): boolean {
  return t.kind === 'VARCHAR' || t.kind === 'CHAR';
}

/** The Avro schema Paimon's AvroSchemaConverter gives a type; nested records are named `<parent>_<field>`. */
export function avroSchemaOf(type: DataType, recordName: string): unknown {
  const inner = ((): unknown => {
    switch (type.kind) {
      case 'BOOLEAN':
        return 'boolean';
      case 'TINYINT':
      case 'SMALLINT':
      case 'INT':
        return 'int';
      case 'BIGINT':
        return 'long';
      case 'FLOAT':
        return 'float';
      case 'DOUBLE':
        return 'double';
      case 'CHAR':
      case 'VARCHAR':
        return 'string';
      case 'BINARY':
      case 'VARBINARY':
      case 'BLOB':
        return 'bytes';
      case 'DATE':
        return { type: 'int', logicalType: 'date' };
      case 'TIME':
        return { type: 'int', logicalType: 'time-millis' };
      case 'TIMESTAMP':
      case 'TIMESTAMP_LTZ': {
        if (type.precision > 6) throw new PaimonError('UNSUPPORTED', `Avro files cannot hold ${type.kind}(${type.precision}); Paimon's Avro format supports precision up to 6`);
        const local = type.kind === 'TIMESTAMP_LTZ' ? 'local-' : '';
        return { type: 'long', logicalType: `${local}timestamp-${type.precision <= 3 ? 'millis' : 'micros'}` };
      }
      case 'DECIMAL':
        return { type: 'bytes', logicalType: 'decimal', precision: type.precision, scale: type.scale };
      case 'ARRAY':
        return { type: 'array', items: avroSchemaOf(type.element, recordName) };
      case 'MAP':
        if (isStringKey(type.key)) return { type: 'map', values: avroSchemaOf(type.value, recordName) };
        return {
          type: 'array',
          logicalType: 'map',
          items: { type: 'record', name: `${recordName}_entry`, fields: [{ name: 'key', type: avroSchemaOf(type.key, `${recordName}_key`) }, { name: 'value', type: avroSchemaOf(type.value, `${recordName}_value`) }] },
        };
      case 'ROW':
        return {
          type: 'record',
          name: recordName,
          fields: type.fields.map((f) => avroField(f, `${recordName}_${f.name}`)),
        };
      default:
        throw new PaimonError('UNSUPPORTED', `${type.kind} columns cannot be written to Avro files yet`);
    }
  })();
  return type.nullable ? ['null', inner] : inner;
}

function avroField(f: DataField, recordName: string): Record<string, unknown> {
  const schema = avroSchemaOf(f.type, recordName);
  return f.type.nullable ? { name: f.name, type: schema, default: null } : { name: f.name, type: schema };
}

export function avroRecordSchema(fields: readonly DataField[]): Record<string, unknown> {
  return { type: 'record', name: 'record', namespace: RECORD_NAMESPACE, fields: fields.map((f) => avroField(f, `${RECORD_NAMESPACE}.record_${f.name}`)) };
}

function toAvro(v: Value, type: DataType): unknown {
  if (v === null) return null;
  switch (type.kind) {
    case 'BIGINT':
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return BigInt(v as bigint);
    case 'DECIMAL':
      return Buffer.from(bigIntToBytesBE(v as bigint));
    case 'BINARY':
    case 'VARBINARY':
    case 'BLOB':
      return Buffer.from(v as Uint8Array);
    case 'ARRAY':
      return (v as Value[]).map((x) => toAvro(x, type.element));
    case 'MAP':
      if (isStringKey(type.key)) return Object.fromEntries((v as [Value, Value][]).map(([k, x]) => [k, toAvro(x, type.value)]));
      return (v as [Value, Value][]).map(([k, x]) => ({ key: toAvro(k, type.key), value: toAvro(x, type.value) }));
    case 'ROW':
      return Object.fromEntries(type.fields.map((f, i) => [f.name, toAvro((v as Value[])[i] ?? null, f.type)]));
    default:
      return v;
  }
}

export function encodeAvroData(fields: readonly DataField[], batches: readonly arrow.RecordBatch[], codec: AvroCodec): Uint8Array {
  const records: Record<string, unknown>[] = [];
  for (const b of batches) {
    for (let r = 0; r < b.numRows; r++) {
      const rec: Record<string, unknown> = {};
      fields.forEach((f, i) => {
        rec[f.name] = toAvro(getValue(b.data.children[i]!, r), f.type);
      });
      records.push(rec);
    }
  }
  return writeAvroContainer(avroRecordSchema(fields), records, { codec });
}
