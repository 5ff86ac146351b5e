/**
 * Column statistics of written data (min, max, null count) in the form
 * manifests keep them, following `metadata.stats-mode` and its per-field
 * override: `none`, `counts`, `full`, or `truncate(N)` (strings cut to N
 * characters; the max rounded up so it stays an upper bound).
 */
import type * as arrow from 'apache-arrow';
import { getValue, isValid } from '../types/arrow-values.js';
import type { DataType } from '../types/data-type.js';
import { compareBytes, compareValues, isOrderable, type Value } from '../types/values.js';

const utf8 = new TextDecoder();

export type StatsMode = { kind: 'none' } | { kind: 'counts' } | { kind: 'full' } | { kind: 'truncate'; length: number };

/** A stats mode as CoreOptions.statsMode returns it (validated, normalized text). */
export function toStatsMode(text: string): StatsMode {
  if (text === 'none' || text === 'counts' || text === 'full') return { kind: text };
  return { kind: 'truncate', length: Number(/^truncate\((\d+)\)$/.exec(text)![1]) };
}

export interface ColumnStatsAcc {
  min: Value;
  max: Value;
  nullCount: number | null;
}

/** Accumulates one column's stats over the batches of a file. */
export class ColumnStatsCollector {
  private min: Value = null;
  private max: Value = null;
  private nulls = 0;

  constructor(
    private readonly type: DataType,
    private readonly mode: StatsMode,
  ) {}

  add(data: arrow.Data): void {
    const n = data.length;
    if (this.mode.kind === 'none') return;
    if (this.mode.kind === 'counts' || !isOrderable(this.type)) {
      for (let i = 0; i < n; i++) if (!isValid(data, i)) this.nulls++;
      return;
    }
    const values = data.values as ArrayLike<number | bigint> | undefined;
    const fastNumeric = (this.type.kind === 'INT' || this.type.kind === 'SMALLINT' || this.type.kind === 'TINYINT' || this.type.kind === 'DATE' || this.type.kind === 'TIME' || this.type.kind === 'BIGINT' || this.type.kind === 'TIMESTAMP' || this.type.kind === 'TIMESTAMP_LTZ' || this.type.kind === 'DOUBLE' || this.type.kind === 'FLOAT');
    if (fastNumeric && values) {
      let min = this.min as number | bigint | null;
      let max = this.max as number | bigint | null;
      for (let i = 0; i < n; i++) {
        if (!isValid(data, i)) {
          this.nulls++;
          continue;
        }
        const v = values[i]!;
        if (typeof v === 'number' && Number.isNaN(v)) continue; // NaN never bounds a range
        if (min === null || v < min) min = v;
        if (max === null || v > max) max = v;
      }
      const asValue = (v: number | bigint | null): Value => (v === null ? null : this.type.kind === 'BIGINT' || this.type.kind === 'TIMESTAMP' || this.type.kind === 'TIMESTAMP_LTZ' ? BigInt(v) : Number(v));
      this.min = asValue(min);
      this.max = asValue(max);
      return;
    }
    if (data.valueOffsets && (this.type.kind === 'VARCHAR' || this.type.kind === 'CHAR' || this.type.kind === 'BINARY' || this.type.kind === 'VARBINARY')) {
      this.addBytes(data);
      return;
    }
    for (let i = 0; i < n; i++) {
      const v = getValue(data, i);
      if (v === null) {
        this.nulls++;
        continue;
      }
      if (this.min === null || compareValues(v, this.min) < 0) this.min = v;
      if (this.max === null || compareValues(v, this.max) > 0) this.max = v;
    }
  }

  /** Strings and bytes compare as unsigned bytes (BinaryString order), so no value is decoded until the end. */
  private addBytes(data: arrow.Data): void {
    const o = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    let min: Uint8Array | null = null;
    let max: Uint8Array | null = null;
    for (let i = 0; i < data.length; i++) {
      if (!isValid(data, i)) {
        this.nulls++;
        continue;
      }
      const v = bytes.subarray(o[i]!, o[i + 1]!);
      if (min === null || compareBytes(v, min) < 0) min = v;
      if (max === null || compareBytes(v, max) > 0) max = v;
    }
    const asValue = (b: Uint8Array): Value => (this.type.kind === 'VARCHAR' || this.type.kind === 'CHAR' ? utf8.decode(b) : b.slice());
    if (min && (this.min === null || compareValues(asValue(min), this.min) < 0)) this.min = asValue(min);
    if (max && (this.max === null || compareValues(asValue(max), this.max) > 0)) this.max = asValue(max);
  }

  result(): ColumnStatsAcc {
    switch (this.mode.kind) {
      case 'none':
        return { min: null, max: null, nullCount: null };
      case 'counts':
        return { min: null, max: null, nullCount: this.nulls };
      case 'full':
        return { min: this.min, max: this.max, nullCount: this.nulls };
      case 'truncate':
        return { min: truncateMin(this.min, this.mode.length), max: truncateMax(this.max, this.mode.length), nullCount: this.nulls };
    }
  }
}

function truncateMin(v: Value, length: number): Value {
  if (typeof v === 'string') return [...v].slice(0, length).join('');
  if (v instanceof Uint8Array) return v.length > length ? v.slice(0, length) : v;
  return v;
}

/** Truncated and with its last character incremented, so it still bounds every value; null when impossible. */
function truncateMax(v: Value, length: number): Value {
  if (typeof v === 'string') {
    const chars = [...v];
    if (chars.length <= length) return v;
    const cut = chars.slice(0, length);
    for (let i = cut.length - 1; i >= 0; i--) {
      const cp = cut[i]!.codePointAt(0)! + 1;
      if (cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) {
        return cut.slice(0, i).join('') + String.fromCodePoint(cp);
      }
    }
    return null;
  }
  if (v instanceof Uint8Array) {
    if (v.length <= length) return v;
    const cut = v.slice(0, length);
    for (let i = cut.length - 1; i >= 0; i--) {
      if (cut[i]! < 0xff) {
        cut[i]!++;
        return cut.slice(0, i + 1);
      }
    }
    return null;
  }
  return v;
}
