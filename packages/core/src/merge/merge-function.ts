/**
 * Merge engines as they pick one surviving record from all records of a key
 * (spec 6.2). Records arrive in merge order (user sequence, then
 * `_SEQUENCE_NUMBER`); the function returns the index of the winner within
 * the group, or -1 when the key has no row.
 */
import { PaimonError } from '../errors.js';
import { CoreOptions, FIELD_OPTIONS, fieldOptionKey, OPTIONS, parseFieldOptionKey } from '../table/options.js';
import { compareValues, type Value } from '../types/values.js';
import type { DataField } from '../types/data-type.js';
import { columnAggregations, fieldAggregator } from './aggregation.js';

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

type CombineEngine = Extract<MergeEngine, { kind: 'combine' }>;

/** One `fields.<sequence fields>.sequence-group = <fields>` option. */
export interface SequenceGroup {
  readonly option: string;
  /** The fields ordering the group (compared in order, NULL lowest). */
  readonly sequenceFields: string[];
  /** The fields the group updates together. */
  readonly fields: string[];
}

export function sequenceGroups(options: CoreOptions): SequenceGroup[] {
  const groups: SequenceGroup[] = [];
  for (const [option, value] of Object.entries(options.raw)) {
    const parsed = parseFieldOptionKey(option);
    if (!parsed || parsed.suffix !== FIELD_OPTIONS.sequenceGroup.suffix) continue;
    groups.push({
      option,
      sequenceFields: parsed.fields.map((f) => f.trim()),
      fields: value.split(',').map((f) => f.trim()).filter(Boolean),
    });
  }
  return groups;
}

/**
 * Columns a merge needs besides the projection: the sequence fields of
 * sequence groups, without which a group's fields cannot be merged
 * (Paimon's `adjustReadType`).
 */
export function mergeReadExtraFields(options: CoreOptions): string[] {
  if (options.mergeEngine !== 'partial-update') return [];
  return [...new Set(sequenceGroups(options).flatMap((g) => g.sequenceFields))];
}

interface PartialUpdateConfig {
  groups: SequenceGroup[];
  /** Aggregate function per field (only fields that have one). */
  aggregateFunctions: Map<string, string>;
  removeOnDelete: boolean;
  /** Sequence fields whose group's -D removes the whole row. */
  removeOnSequenceGroup: Set<string>;
  ignoreDelete: boolean;
}

/**
 * The rules of Paimon's PartialUpdateMergeFunction.Factory (checked when a
 * schema is written and when the engine is built): keys stay out of groups,
 * a field is in one group, aggregate functions other than
 * last_non_null_value need a group, and the delete options do not conflict.
 */
export function partialUpdateConfig(options: CoreOptions, fieldNames: readonly string[], primaryKeys: readonly string[], where: string): PartialUpdateConfig {
  const fail = (message: string) => new PaimonError('INVALID_OPTION', `${where}: ${message}`);
  const groups = sequenceGroups(options);
  const protectedBy = new Map<string, string>();
  const sequenceFields = new Set<string>();
  for (const g of groups) {
    for (const f of [...g.fields, ...g.sequenceFields]) {
      if (primaryKeys.includes(f)) {
        throw fail(`sequence group ${g.option} contains primary key column ${f}; primary-key columns cannot be in a sequence group`);
      }
    }
    for (const f of g.fields) {
      const other = protectedBy.get(f);
      if (other !== undefined) throw fail(`column ${f} is in two sequence groups: ${other} and ${g.option}`);
      protectedBy.set(f, g.option);
    }
    for (const f of g.sequenceFields) sequenceFields.add(f);
  }
  const aggregateFunctions = new Map<string, string>();
  const defaultFunction = options.raw[OPTIONS.fieldsDefaultAggregateFunction.key];
  for (const name of fieldNames) {
    if (sequenceFields.has(name) || primaryKeys.includes(name)) continue;
    const fn = options.raw[fieldOptionKey(name, 'aggregateFunction')] ?? defaultFunction;
    if (fn === undefined) continue;
    if (fn !== 'last_non_null_value' && !protectedBy.has(name)) {
      throw fail(`column ${name} has aggregate function ${fn}, which partial-update allows only inside a sequence group (set fields.<seq>.sequence-group to include ${name})`);
    }
    aggregateFunctions.set(name, fn);
  }
  const ignoreDelete = options.ignoreDelete;
  const removeOnDelete = options.partialUpdateRemoveRecordOnDelete;
  const removeOnGroup = options.partialUpdateRemoveRecordOnSequenceGroup;
  const deleteKey = OPTIONS.partialUpdateRemoveRecordOnDelete.key;
  const groupKey = OPTIONS.partialUpdateRemoveRecordOnSequenceGroup.key;
  if (removeOnDelete && ignoreDelete) throw fail(`options ignore-delete and ${deleteKey} conflict; set only one`);
  if (removeOnGroup !== null && ignoreDelete) throw fail(`options ignore-delete and ${groupKey} conflict; set only one`);
  if (removeOnDelete && groups.length > 0) throw fail(`option ${deleteKey} cannot be combined with sequence groups; use ${groupKey}`);
  for (const f of removeOnGroup ?? []) {
    if (!sequenceFields.has(f)) throw fail(`option ${groupKey} names ${f}, which is not the sequence field of a sequence group`);
  }
  return { groups, aggregateFunctions, removeOnDelete, removeOnSequenceGroup: new Set(removeOnGroup ?? []), ignoreDelete };
}

/** A sequence group resolved to column indexes of the merged fields. */
interface ColumnGroup {
  sequence: number[];
}

/**
 * partial-update (PartialUpdateMergeFunction): each +I/+U overwrites the
 * fields it has non-null. With sequence groups, a group's fields change
 * together, only when the record's group sequence is non-null and not older
 * than the stored one (older records still feed the group's aggregate
 * functions, reversed); -U/-D then retract the group's fields (NULL, or the
 * function's retract), or remove the row for the sequence fields named in
 * `partial-update.remove-record-on-sequence-group`. Without groups,
 * retractions are ignored with `ignore-delete`, reset the row with
 * `partial-update.remove-record-on-delete` (a -D), and are an error
 * otherwise. The result is a -D when the key saw no +I/+U, or ended on a
 * removing -D.
 */
function partialUpdate(options: CoreOptions, fields: readonly DataField[], primaryKeys: readonly string[], table: string): CombineEngine {
  const names = fields.map((f) => f.name);
  const config = partialUpdateConfig(options, names, primaryKeys, `table ${table}`);
  const index = new Map(names.map((n, i) => [n, i]));
  const groupOf: (ColumnGroup | null)[] = names.map(() => null);
  for (const g of config.groups) {
    const sequence = g.sequenceFields.map((f) => index.get(f));
    const members = [...g.fields, ...g.sequenceFields].filter((f) => index.has(f));
    if (members.length === 0) continue; // none of the group is read
    if (sequence.some((i) => i === undefined)) {
      throw new PaimonError('INVALID_ARGUMENT', `table ${table}: reading ${members.join(', ')} of sequence group ${g.option} needs its sequence field(s) ${g.sequenceFields.join(', ')}`);
    }
    const group: ColumnGroup = { sequence: sequence as number[] };
    for (const f of members) groupOf[index.get(f)!] = group;
  }
  const projectedGroups = groupOf.some((g) => g !== null);
  const sequenceEnabled = config.groups.length > 0;
  const removeOnGroupColumns = new Set([...config.removeOnSequenceGroup].filter((f) => index.has(f)).map((f) => index.get(f)!));
  const aggregations = fields.map((f) => {
    const fn = config.aggregateFunctions.get(f.name);
    if (fn === undefined) return null;
    fieldAggregator(fn, f, options); // unknown functions and wrong types fail before any row is merged
    return { fn, field: f, ignoreRetract: options.raw[fieldOptionKey(f.name, 'ignoreRetract')] === 'true' };
  });
  const { ignoreDelete, removeOnDelete } = config;

  return {
    kind: 'combine',
    combine: (group, n) => {
      const aggs = aggregations.map((a) => (a ? fieldAggregator(a.fn, a.field, options) : null));
      const recordOf = (i: number) => Array.from({ length: n }, (_, c) => group.value(i, c));
      let row = new Array<Value>(n).fill(null);
      let filled = false;
      let meetInsert = false;
      let deleteRow = false;

      /** The record's group sequence against the stored one, NULL lowest, field by field. */
      const compare = (i: number, g: ColumnGroup) => {
        for (const s of g.sequence) {
          const c = compareValues(group.value(i, s), row[s]!);
          if (c !== 0) return c;
        }
        return 0;
      };
      /** A group whose sequence fields are all NULL in the record is left alone. */
      const emptyGroup = (i: number, g: ColumnGroup, processed: Uint8Array) => {
        if (g.sequence.some((s) => group.value(i, s) !== null)) return false;
        for (const s of g.sequence) processed[s] = 1;
        return true;
      };
      const retractColumn = (c: number, acc: Value, input: Value): Value => {
        const a = aggregations[c]!;
        if (a.ignoreRetract) return acc;
        const agg = aggs[c]!;
        if (!agg.retract) {
          throw new PaimonError('UNSUPPORTED', `table ${table}: aggregate function ${a.fn} of column ${names[c]} cannot retract; set fields.${names[c]}.ignore-retract`);
        }
        return agg.retract(acc, input);
      };

      const updateNonNull = (i: number) => {
        for (let c = 0; c < n; c++) {
          const v = group.value(i, c);
          if (v !== null) row[c] = v;
        }
      };
      const updateWithGroups = (i: number) => {
        const processed = new Uint8Array(n);
        for (let c = 0; c < n; c++) {
          const g = groupOf[c];
          const agg = aggs[c];
          const v = group.value(i, c);
          if (!g) {
            if (agg) row[c] = agg.agg(row[c]!, v);
            else if (v !== null) row[c] = v;
            continue;
          }
          if (processed[c] || emptyGroup(i, g, processed)) continue;
          if (compare(i, g) >= 0) {
            if (g.sequence.includes(c)) {
              for (const s of g.sequence) {
                row[s] = group.value(i, s);
                processed[s] = 1;
              }
            } else {
              row[c] = agg ? agg.agg(row[c]!, v) : v; // the whole group, NULLs included
            }
          } else if (agg) {
            row[c] = agg.aggReversed ? agg.aggReversed(row[c]!, v) : agg.agg(v, row[c]!);
          }
        }
      };
      const retractWithGroups = (i: number, kind: number) => {
        const processed = new Uint8Array(n);
        const updated = new Set<number>();
        for (let c = 0; c < n; c++) {
          const g = groupOf[c];
          if (!g || processed[c] || emptyGroup(i, g, processed)) continue;
          if (compare(i, g) >= 0) {
            if (g.sequence.includes(c)) {
              for (const s of g.sequence) {
                if (!updated.has(s)) {
                  if (kind === RowKind.DELETE && removeOnGroupColumns.has(s)) {
                    deleteRow = true;
                    row = recordOf(i);
                    return;
                  }
                  row[s] = group.value(i, s);
                  updated.add(s);
                }
                processed[s] = 1;
              }
            } else {
              row[c] = aggs[c] ? retractColumn(c, row[c]!, group.value(i, c)) : null;
            }
          } else if (aggs[c]) {
            row[c] = retractColumn(c, row[c]!, group.value(i, c));
          }
        }
      };

      for (let i = 0; i < group.size; i++) {
        const kind = group.kind(i);
        deleteRow = false;
        if (isRetract(kind)) {
          // Paimon's writers drop retractions under ignore-delete (RowKindFilter) before they reach
          // the merge; skipping them here gives the same rows for files that still hold some.
          if (ignoreDelete) continue;
          if (!filled) {
            row = recordOf(i);
            filled = true;
          }
          if (sequenceEnabled) {
            retractWithGroups(i, kind);
            continue;
          }
          if (removeOnDelete) {
            if (kind === RowKind.DELETE) {
              deleteRow = true;
              row = recordOf(i);
            }
            continue;
          }
          throw new PaimonError(
            'UNSUPPORTED',
            `table ${table}: partial-update got a ${ROW_KIND_SHORT[kind]} record; set ignore-delete, partial-update.remove-record-on-delete, or sequence groups (fields.<seq>.sequence-group) to retract their fields`,
          );
        }
        if (projectedGroups) updateWithGroups(i);
        else updateNonNull(i);
        meetInsert = true;
        filled = true;
      }
      if (!filled) return null; // only ignored retractions
      return { kind: deleteRow || !meetInsert ? RowKind.DELETE : RowKind.INSERT, row };
    },
  };
}

/** aggregation: each column folds its records; retractions use the function's retract. */
function aggregation(options: CoreOptions, fields: readonly DataField[], primaryKeys: readonly string[], table: string): CombineEngine {
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

/**
 * A key with a single record keeps that record as it is, kind included
 * (Paimon's ReducerMergeFunctionWrapper, used by write buffers, compaction
 * and merge reads): a lone -U stays a -U for a later merge to retract.
 */
function singleRecordPassesThrough(engine: CombineEngine): MergeEngine {
  return {
    kind: 'combine',
    combine: (group, columns) => {
      if (group.size !== 1) return engine.combine(group, columns);
      return { kind: group.kind(0) as RowKind, row: Array.from({ length: columns }, (_, c) => group.value(0, c)) };
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
      return singleRecordPassesThrough(partialUpdate(options, fields, primaryKeys, table));
    case 'aggregation':
      return singleRecordPassesThrough(aggregation(options, fields, primaryKeys, table));
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
