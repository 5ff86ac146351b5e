/**
 * The "take" kernel: builds one contiguous Arrow Data from chosen rows of
 * several source Data chunks of the same type. Merge-on-read, deletion
 * vectors and row filters all reduce to it. Works on the typed arrays; nested
 * types recurse into their children.
 */
import * as arrow from 'apache-arrow';
import { PaimonError } from '../errors.js';
import { isValid } from '../types/arrow-values.js';

/** Rows to take: `row[i]` of `sources[chunk[i]]` (chunk omitted = all from source 0). */
export interface Selection {
  chunk: Uint32Array | null;
  row: Uint32Array;
}

function validity(sources: readonly arrow.Data[], sel: Selection): { bitmap: Uint8Array | null; nulls: number } {
  const n = sel.row.length;
  if (sources.every((s) => s.nullCount === 0)) return { bitmap: null, nulls: 0 };
  const bitmap = new Uint8Array(((n + 63) & ~63) >> 3);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const src = sources[sel.chunk ? sel.chunk[i]! : 0]!;
    if (isValid(src, sel.row[i]!)) bitmap[i >> 3]! |= 1 << (i & 7);
    else nulls++;
  }
  return { bitmap: nulls ? bitmap : null, nulls };
}

/** Child selection for list-like rows: every child index of every chosen row, plus new offsets. */
function childSelection(sources: readonly arrow.Data[], sel: Selection): { offsets: Int32Array; child: Selection } {
  const n = sel.row.length;
  const offsets = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const src = sources[sel.chunk ? sel.chunk[i]! : 0]!;
    const o = src.valueOffsets as Int32Array;
    const r = sel.row[i]!;
    total += o[r + 1]! - o[r]!;
    offsets[i + 1] = total;
  }
  const chunk = sel.chunk ? new Uint32Array(total) : null;
  const row = new Uint32Array(total);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const c = sel.chunk ? sel.chunk[i]! : 0;
    const o = sources[c]!.valueOffsets as Int32Array;
    const r = sel.row[i]!;
    for (let j = o[r]!; j < o[r + 1]!; j++) {
      if (chunk) chunk[at] = c;
      row[at++] = j;
    }
  }
  return { offsets, child: { chunk, row } };
}

export function gather(type: arrow.DataType, sources: readonly arrow.Data[], sel: Selection): arrow.Data {
  const n = sel.row.length;
  const { bitmap, nulls } = validity(sources, sel);
  const base = { type, length: n, nullCount: nulls, nullBitmap: bitmap } as Record<string, unknown>;
  const chunkOf = (i: number) => (sel.chunk ? sel.chunk[i]! : 0);
  switch (type.typeId) {
    case arrow.Type.Bool: {
      const out = new Uint8Array(((n + 63) & ~63) >> 3);
      for (let i = 0; i < n; i++) {
        const src = sources[chunkOf(i)]!;
        const pos = src.offset + sel.row[i]!;
        if (src.values[pos >> 3]! & (1 << (pos & 7))) out[i >> 3]! |= 1 << (i & 7);
      }
      return arrow.makeData({ ...base, data: out } as never);
    }
    case arrow.Type.Int:
    case arrow.Type.Float:
    case arrow.Type.Date:
    case arrow.Type.Time:
    case arrow.Type.Timestamp:
    case arrow.Type.Decimal:
    case arrow.Type.FixedSizeBinary: {
      const first = sources[0]!.values as unknown as { constructor: new (n: number) => Uint8Array };
      const stride = sources[0]!.stride;
      const out = new first.constructor(n * stride) as unknown as Uint8Array;
      if (stride === 1) {
        if (sel.chunk === null) {
          const v = sources[0]!.values as Uint8Array;
          for (let i = 0; i < n; i++) out[i] = v[sel.row[i]!]!;
        } else {
          for (let i = 0; i < n; i++) out[i] = (sources[sel.chunk[i]!]!.values as Uint8Array)[sel.row[i]!]!;
        }
      } else {
        for (let i = 0; i < n; i++) {
          const v = sources[chunkOf(i)]!.values as Uint8Array;
          const r = sel.row[i]! * stride;
          for (let k = 0; k < stride; k++) out[i * stride + k] = v[r + k]!;
        }
      }
      return arrow.makeData({ ...base, data: out } as never);
    }
    case arrow.Type.Utf8:
    case arrow.Type.Binary: {
      const offsets = new Int32Array(n + 1);
      let total = 0;
      for (let i = 0; i < n; i++) {
        const o = sources[chunkOf(i)]!.valueOffsets as Int32Array;
        const r = sel.row[i]!;
        total += o[r + 1]! - o[r]!;
        offsets[i + 1] = total;
      }
      const bytes = new Uint8Array(total);
      for (let i = 0; i < n; i++) {
        const src = sources[chunkOf(i)]!;
        const o = src.valueOffsets as Int32Array;
        const r = sel.row[i]!;
        bytes.set((src.values as Uint8Array).subarray(o[r]!, o[r + 1]!), offsets[i]!);
      }
      return arrow.makeData({ ...base, valueOffsets: offsets, data: bytes } as never);
    }
    case arrow.Type.List:
    case arrow.Type.Map: {
      const { offsets, child } = childSelection(sources, sel);
      const childType = type.children[0]!.type as arrow.DataType;
      const data = gather(childType, sources.map((s) => s.children[0]!), child);
      return arrow.makeData({ ...base, valueOffsets: offsets, child: data } as never);
    }
    case arrow.Type.Struct: {
      const children = type.children.map((f: arrow.Field, j: number) =>
        gather(f.type, sources.map((s) => s.children[j]!), sel),
      );
      return arrow.makeData({ ...base, children } as never);
    }
    default:
      throw new PaimonError('UNSUPPORTED', `gathering Arrow ${String(type)} columns is not supported`);
  }
}

/** Gathers every column of a set of same-schema batches into one batch. */
export function gatherBatch(schema: arrow.Schema, sources: readonly arrow.RecordBatch[], sel: Selection): arrow.RecordBatch {
  const children = schema.fields.map((f, j) => gather(f.type, sources.map((b) => b.data.children[j]!), sel));
  const data = arrow.makeData({ type: new arrow.Struct(schema.fields), length: sel.row.length, nullCount: 0, children });
  return new arrow.RecordBatch(schema, data);
}

/** Rows of `batch` whose mask byte is non-zero, as a new batch (the batch itself when all are kept). */
export function filterBatch(batch: arrow.RecordBatch, keep: Uint8Array): arrow.RecordBatch {
  let count = 0;
  for (let i = 0; i < batch.numRows; i++) count += keep[i] ? 1 : 0;
  if (count === batch.numRows) return batch;
  const row = new Uint32Array(count);
  let at = 0;
  for (let i = 0; i < batch.numRows; i++) if (keep[i]) row[at++] = i;
  return gatherBatch(batch.schema, [batch], { chunk: null, row });
}

/** The named columns of a batch, in that order (apache-arrow's `select` misplaces children). */
export function selectColumns(batch: arrow.RecordBatch, names: readonly string[]): arrow.RecordBatch {
  const indices = names.map((n) => {
    const i = batch.schema.fields.findIndex((f) => f.name === n);
    if (i < 0) throw new PaimonError('INVALID_ARGUMENT', `batch has no column ${n}`);
    return i;
  });
  const fields = indices.map((i) => batch.schema.fields[i]!);
  const children = indices.map((i) => batch.data.children[i]!);
  const data = arrow.makeData({ type: new arrow.Struct(fields), length: batch.numRows, nullCount: 0, children });
  return new arrow.RecordBatch(new arrow.Schema(fields, batch.schema.metadata), data);
}

/** Same-schema batches as one contiguous batch. */
export function concatBatches(batches: readonly arrow.RecordBatch[]): arrow.RecordBatch {
  if (batches.length === 1) return batches[0]!;
  const total = batches.reduce((n, b) => n + b.numRows, 0);
  const chunk = new Uint32Array(total);
  const row = new Uint32Array(total);
  let at = 0;
  batches.forEach((b, c) => {
    for (let r = 0; r < b.numRows; r++, at++) {
      chunk[at] = c;
      row[at] = r;
    }
  });
  return gatherBatch(batches[0]!.schema, batches, { chunk, row });
}
