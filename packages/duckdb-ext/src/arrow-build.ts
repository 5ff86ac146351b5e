/**
 * Arrow columns from core values (the inverse of core's `getValue`), in the
 * Arrow types core maps Paimon types to (`toArrowType`). The writer takes
 * Arrow batches several times faster than row objects.
 *
 * Core has the same function internally (`buildData` in
 * types/arrow-values.ts) but does not export it; this is a copy until it does.
 */
import * as arrow from 'apache-arrow';
import { PaimonError, toArrowSchema, type DataField, type Value } from '@paimon-ts/core';

class Validity {
  readonly bytes: Uint8Array;
  nulls = 0;
  constructor(length: number) {
    this.bytes = new Uint8Array(((length + 63) & ~63) >> 3);
  }
  set(i: number, valid: boolean): void {
    if (valid) this.bytes[i >> 3]! |= 1 << (i & 7);
    else this.nulls++;
  }
}

const utf8 = new TextEncoder();

export function buildArrowData(type: arrow.DataType, values: readonly Value[]): arrow.Data {
  const length = values.length;
  const valid = new Validity(length);
  const finish = (props: Record<string, unknown>) =>
    arrow.makeData({ type, length, nullCount: valid.nulls, nullBitmap: valid.nulls ? valid.bytes : null, ...props } as never);
  switch (type.typeId) {
    case arrow.Type.Bool: {
      const bits = new Uint8Array(((length + 63) & ~63) >> 3);
      for (let i = 0; i < length; i++) {
        const v = values[i];
        valid.set(i, v !== null);
        if (v) bits[i >> 3]! |= 1 << (i & 7);
      }
      return finish({ data: bits });
    }
    case arrow.Type.Int: {
      const t = type as arrow.Int;
      if (t.bitWidth === 64) {
        const arr = new BigInt64Array(length);
        for (let i = 0; i < length; i++) {
          const v = values[i];
          valid.set(i, v !== null);
          if (v !== null) arr[i] = typeof v === 'bigint' ? v : BigInt(v as number);
        }
        return finish({ data: arr });
      }
      const arr = t.bitWidth === 8 ? new Int8Array(length) : t.bitWidth === 16 ? new Int16Array(length) : new Int32Array(length);
      for (let i = 0; i < length; i++) {
        const v = values[i];
        valid.set(i, v !== null);
        if (v !== null) arr[i] = Number(v);
      }
      return finish({ data: arr });
    }
    case arrow.Type.Float: {
      const arr = (type as arrow.Float).precision === arrow.Precision.SINGLE ? new Float32Array(length) : new Float64Array(length);
      for (let i = 0; i < length; i++) {
        const v = values[i];
        valid.set(i, v !== null);
        if (v !== null) arr[i] = Number(v);
      }
      return finish({ data: arr });
    }
    case arrow.Type.Decimal: {
      const stride = (type as arrow.Decimal).bitWidth / 32;
      const words = new Uint32Array(length * stride);
      for (let i = 0; i < length; i++) {
        const v = values[i];
        valid.set(i, v !== null);
        if (v === null) continue;
        let x = BigInt(v as bigint);
        for (let w = 0; w < stride; w++) {
          words[i * stride + w] = Number(x & 0xffffffffn);
          x >>= 32n;
        }
      }
      return finish({ data: words });
    }
    case arrow.Type.Date:
    case arrow.Type.Time: {
      const arr = new Int32Array(length);
      for (let i = 0; i < length; i++) {
        const v = values[i];
        valid.set(i, v !== null);
        if (v !== null) arr[i] = Number(v);
      }
      return finish({ data: arr });
    }
    case arrow.Type.Timestamp: {
      const arr = new BigInt64Array(length);
      for (let i = 0; i < length; i++) {
        const v = values[i];
        valid.set(i, v !== null);
        if (v !== null) arr[i] = BigInt(v as bigint);
      }
      return finish({ data: arr });
    }
    case arrow.Type.Utf8:
    case arrow.Type.Binary: {
      const parts: Uint8Array[] = new Array(length);
      const offsets = new Int32Array(length + 1);
      let total = 0;
      for (let i = 0; i < length; i++) {
        const v = values[i];
        valid.set(i, v !== null);
        if (v !== null) {
          const b = typeof v === 'string' ? utf8.encode(v) : (v as Uint8Array);
          parts[i] = b;
          total += b.length;
        }
        offsets[i + 1] = total;
      }
      const bytes = new Uint8Array(total);
      let at = 0;
      for (const p of parts) {
        if (!p) continue;
        bytes.set(p, at);
        at += p.length;
      }
      return finish({ valueOffsets: offsets, data: bytes });
    }
    case arrow.Type.List: {
      const offsets = new Int32Array(length + 1);
      const flat: Value[] = [];
      for (let i = 0; i < length; i++) {
        const v = values[i];
        valid.set(i, v !== null);
        if (v !== null) for (const x of v as Value[]) flat.push(x);
        offsets[i + 1] = flat.length;
      }
      return finish({ valueOffsets: offsets, child: buildArrowData((type as arrow.List).children[0]!.type, flat) });
    }
    case arrow.Type.Map: {
      const offsets = new Int32Array(length + 1);
      const entries: Value[] = [];
      for (let i = 0; i < length; i++) {
        const v = values[i];
        valid.set(i, v !== null);
        if (v !== null) for (const kv of v as [Value, Value][]) entries.push([kv[0], kv[1]]);
        offsets[i + 1] = entries.length;
      }
      return finish({ valueOffsets: offsets, child: buildArrowData((type as arrow.Map_).children[0]!.type, entries) });
    }
    case arrow.Type.Struct: {
      const fields = (type as arrow.Struct).children;
      for (let i = 0; i < length; i++) valid.set(i, values[i] !== null);
      const children = fields.map((f, j) => buildArrowData(f.type, values.map((v) => (v === null ? null : ((v as Value[])[j] ?? null)))));
      return finish({ children });
    }
    default:
      throw new PaimonError('UNSUPPORTED', `building Arrow ${String(type)} columns is not supported`);
  }
}

/** One record batch of `fields` (core's Arrow types, field ids in metadata) from columns of core values. */
export function buildRecordBatch(fields: readonly DataField[], columns: readonly Value[][]): arrow.RecordBatch {
  const schema = toArrowSchema([...fields]);
  const length = columns[0]?.length ?? 0;
  const children = schema.fields.map((f, i) => buildArrowData(f.type, columns[i]!));
  return new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length, nullCount: 0, children }));
}
