/**
 * Merge engines as they pick one surviving record from all records of a key
 * (spec 6.2). Records arrive in merge order (user sequence, then
 * `_SEQUENCE_NUMBER`); the function returns the index of the winner within
 * the group, or -1 when the key has no row.
 */
import { PaimonError } from '../errors.js';
import { CoreOptions } from '../table/options.js';
import type { Value } from '../types/values.js';
import type { DataField } from '../types/data-type.js';
import { columnAggregations } from './aggregation.js';

export enum RowKind {
  INSERT = 0,
  UPDATE_BEFORE = 1,
  UPDATE_AFTER = 2,
  DELETE = 3,
}

export const ROW_KIND_SHORT = ['+I', '-U', '+U', '-D'] as const;

export function isRetract(kind: number): boolean {
  return kind === RowKind.UPDATE_BEFORE || kind === RowKind.DELETE;
}

/** Picks the surviving record of a key group from the kinds of its records. */
export type PickWinner = (kinds: ArrayLike<number>, start: number, end: number) => number;

function deduplicate(ignoreDelete: boolean): PickWinner {
  return (kinds, start, end) => {
    for (let i = end - 1; i >= start; i--) {
      if (!isRetract(kinds[i]!)) return i;
      if (!ignoreDelete) return -1;
    }
    return -1;
  };
}

/** first-row keeps the earliest record; retractions never remove it (they are ignored). */
const firstRow: PickWinner = (kinds, start, end) => {
  for (let i = start; i < end; i++) if (!isRetract(kinds[i]!)) return i;
  return -1;
};

/** All records of one key, in merge order. */
export interface KeyGroup {
  readonly size: number;
  kind(i: number): number;
  /** Value of a table column (by index in the read schema) of record i. */
  value(i: number, column: number): Value;
}

/**
 * How a merge engine reduces a key's records: `pick` engines keep one of them
 * whole (fast: rows are gathered), `combine` engines build a new row from
 * several (partial-update, aggregation).
 */
export type MergeEngine =
  | { kind: 'pick'; pick: PickWinner }
  | { kind: 'combine'; combine: (group: KeyGroup, columns: number) => { kind: RowKind; row: Value[] } | null };

/**
 * partial-update (PartialUpdateMergeFunction, without sequence groups): each
 * +I/+U overwrites the fields it has non-null. Retractions are ignored with
 * `ignore-delete`, remove the row with `partial-update.remove-record-on-delete`
 * (a -D), and are an error otherwise, as in Paimon.
 */
function partialUpdate(options: CoreOptions, table: string): MergeEngine {
  if (Object.keys(options.raw).some((k) => k.endsWith('.sequence-group'))) {
    throw new PaimonError('UNSUPPORTED', `table ${table}: partial-update with sequence groups is not supported yet`);
  }
  const ignoreDelete = options.ignoreDelete;
  const removeOnDelete = options.raw['partial-update.remove-record-on-delete'] === 'true';
  return {
    kind: 'combine',
    combine: (group, columns) => {
      let row: Value[] | null = null;
      let deleted = -1;
      for (let i = 0; i < group.size; i++) {
        const kind = group.kind(i);
        if (isRetract(kind)) {
          if (ignoreDelete) continue;
          if (removeOnDelete && kind === RowKind.DELETE) {
            row = null;
            deleted = i;
            continue;
          }
          throw new PaimonError('UNSUPPORTED', `table ${table}: partial-update got a ${ROW_KIND_SHORT[kind]} record; set ignore-delete or partial-update.remove-record-on-delete`);
        }
        row ??= new Array<Value>(columns).fill(null);
        for (let c = 0; c < columns; c++) {
          const v = group.value(i, c);
          if (v !== null) row[c] = v;
        }
      }
      if (row) return { kind: RowKind.INSERT, row };
      // A removed row still has to delete the key in older files when written.
      if (deleted >= 0) return { kind: RowKind.DELETE, row: Array.from({ length: columns }, (_, c) => group.value(deleted, c)) };
      return null;
    },
  };
}

/** aggregation: each column folds its records; retractions use the function's retract. */
function aggregation(options: CoreOptions, fields: readonly DataField[], primaryKeys: readonly string[], table: string): MergeEngine {
  const columns = columnAggregations(fields, primaryKeys, options);
  const removeOnDelete = options.raw['aggregation.remove-record-on-delete'] === 'true';
  return {
    kind: 'combine',
    combine: (group, n) => {
      const aggs = columns.map((c) => c.create());
      const row = new Array<Value>(n).fill(null);
      for (let i = 0; i < group.size; i++) {
        const kind = group.kind(i);
        if (removeOnDelete && kind === RowKind.DELETE) {
          return { kind: RowKind.DELETE, row: Array.from({ length: n }, (_, c) => group.value(i, c)) };
        }
        const retract = isRetract(kind);
        for (let c = 0; c < n; c++) {
          const v = group.value(i, c);
          const agg = aggs[c];
          if (!agg) {
            row[c] = v; // a key column
            continue;
          }
          if (!retract) row[c] = agg.agg(row[c]!, v);
          else if (agg.retract) row[c] = agg.retract(row[c]!, v);
          else if (!columns[c]!.ignoreRetract) {
            throw new PaimonError('UNSUPPORTED', `table ${table}: the aggregate function of column ${fields[c]!.name} cannot retract a ${ROW_KIND_SHORT[kind]} record; set fields.${fields[c]!.name}.ignore-retract`);
          }
        }
      }
      return { kind: RowKind.INSERT, row };
    },
  };
}

/** The merge engine of a table (reads, and the combining engines of the write buffer). */
export function mergeEngineFor(options: CoreOptions, table: string, fields: readonly DataField[] = [], primaryKeys: readonly string[] = []): MergeEngine {
  switch (options.mergeEngine) {
    case 'deduplicate':
      return { kind: 'pick', pick: deduplicate(options.ignoreDelete) };
    case 'first-row':
      return { kind: 'pick', pick: firstRow };
    case 'partial-update':
      return partialUpdate(options, table);
    case 'aggregation':
      return aggregation(options, fields, primaryKeys, table);
    default:
      throw new PaimonError('UNSUPPORTED', `table ${table}: merge engine ${options.mergeEngine} is not supported`);
  }
}

/**
 * The record a write buffer keeps per key when it flushes (MergeTreeWriter
 * runs the merge function there too). Unlike a read, a retraction that wins
 * is kept: it must still delete the key's rows in older files.
 */
export function pickBufferWinnerFor(options: CoreOptions, table: string): PickWinner {
  switch (options.mergeEngine) {
    case 'deduplicate': {
      const ignoreDelete = options.ignoreDelete;
      return (kinds, start, end) => {
        for (let i = end - 1; i >= start; i--) if (!ignoreDelete || !isRetract(kinds[i]!)) return i;
        return -1;
      };
    }
    case 'first-row':
      return firstRow;
    default:
      throw new PaimonError(
        'UNSUPPORTED',
        `table ${table}: merge engine ${options.mergeEngine} has no single winning record`,
      );
  }
}
