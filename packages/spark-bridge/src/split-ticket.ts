/**
 * What one endpoint's ticket carries: the table, the schema and snapshot the
 * plan was made at, the projection and filter, and the serialized split
 * (its files and deletion vectors) — enough to read it without planning
 * again. The Flight server signs it; this module only (de)serializes.
 */
import { PaimonError, type DataSplit } from '@paimon-ts/core';

export interface SplitTicket {
  /** `db.table` (with a `$branch_` suffix when planned on a branch). */
  table: string;
  snapshotId: number | null;
  schemaId: number;
  columns: string[] | null;
  /** The scan filter in the predicate parser's syntax; rows are filtered with it again on read. */
  filter: string | null;
  /** Convert to the Arrow types Spark reads (see type-mapping in @paimon-ts/flight). */
  sparkTypes: boolean;
  split: DataSplit;
}

const VERSION = 1;

/**
 * JSON with bigints and byte arrays tagged (`{"$n": "…"}`, `{"$b": base64}`),
 * since a split holds both (sequence numbers, serialized rows).
 */
function tag(v: unknown): unknown {
  if (typeof v === 'bigint') return { $n: v.toString() };
  if (v instanceof Uint8Array) return { $b: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  if (Array.isArray(v)) return v.map(tag);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = tag(x);
    return out;
  }
  return v;
}

function untag(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(untag);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === '$n' && typeof o.$n === 'string') return BigInt(o.$n);
    if (keys.length === 1 && keys[0] === '$b' && typeof o.$b === 'string') return new Uint8Array(Buffer.from(o.$b, 'base64'));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = untag(x);
    return out;
  }
  return v;
}

const EMPTY = new Uint8Array(0);

/**
 * File statistics only prune at planning time and the readers never look at
 * them, so they are left out: a ticket stays small however wide the table.
 */
function withoutStats(split: DataSplit): DataSplit {
  return {
    ...split,
    files: split.files.map((f) => ({
      ...f,
      keyStats: { minValues: EMPTY, maxValues: EMPTY, nullCounts: null },
      valueStats: { minValues: EMPTY, maxValues: EMPTY, nullCounts: null },
      valueStatsCols: null,
    })),
  };
}

export function encodeSplitTicket(t: SplitTicket): Buffer {
  return Buffer.from(JSON.stringify(tag({ v: VERSION, ...t, split: withoutStats(t.split) })), 'utf8');
}

export function decodeSplitTicket(bytes: Buffer): SplitTicket {
  let parsed: Record<string, unknown>;
  try {
    parsed = untag(JSON.parse(bytes.toString('utf8'))) as Record<string, unknown>;
  } catch (e) {
    throw new PaimonError('INVALID_ARGUMENT', `split ticket is not valid JSON: ${(e as Error).message}`);
  }
  if (parsed.v !== VERSION) throw new PaimonError('INVALID_ARGUMENT', `split ticket version ${String(parsed.v)} is not ${VERSION}`);
  const { v: _v, ...ticket } = parsed;
  return ticket as unknown as SplitTicket;
}
