/**
 * The aggregation merge engine (AggregateMergeFunction): every non-key
 * column folds its records with `fields.<f>.aggregate-function` (falling
 * back to `fields.default-aggregate-function`, then `last_non_null_value`).
 * Retractions (-U/-D) call the function's retract, where it has one; others
 * fail unless `fields.<f>.ignore-retract` is set. Two or more records merge to
 * a +I; a lone record passes through as it is (see mergeEngineFor).
 */
import { PaimonError } from '../errors.js';
import type { DataField, DataType } from '../types/data-type.js';
import { compareValues, type Value } from '../types/values.js';
import type { CoreOptions } from '../table/options.js';

export interface FieldAggregator {
  agg(acc: Value, input: Value): Value;
  /**
   * Folds an input older than the accumulator (partial-update sequence
   * groups); Paimon's default swaps the arguments of `agg`.
   */
  aggReversed?(acc: Value, input: Value): Value;
  /** Undefined when the function cannot retract. */
  retract?(acc: Value, input: Value): Value;
}

function numeric(type: DataType, field: string, fn: string): void {
  const ok = ['TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'FLOAT', 'DOUBLE', 'DECIMAL'].includes(type.kind);
  if (!ok) throw new PaimonError('INVALID_OPTION', `aggregate function ${fn} of column ${field} needs a numeric type, not ${type.kind}`);
}

/** Java's fixed-width integer arithmetic (TINYINT..BIGINT wrap on overflow). */
function wrap(type: DataType, v: number | bigint): Value {
  switch (type.kind) {
    case 'TINYINT':
      return Number(BigInt.asIntN(8, BigInt(v)));
    case 'SMALLINT':
      return Number(BigInt.asIntN(16, BigInt(v)));
    case 'INT':
      return Number(BigInt.asIntN(32, BigInt(v)));
    case 'BIGINT':
      return BigInt.asIntN(64, BigInt(v));
    case 'FLOAT':
      return Math.fround(Number(v));
    default:
      return v; // DOUBLE as number, DECIMAL as unscaled bigint
  }
}

const add = (type: DataType, a: Value, b: Value): Value =>
  typeof a === 'bigint' ? wrap(type, a + (b as bigint)) : wrap(type, (a as number) + (b as number));
const sub = (type: DataType, a: Value, b: Value): Value =>
  typeof a === 'bigint' ? wrap(type, a - (b as bigint)) : wrap(type, (a as number) - (b as number));
const neg = (v: Value): Value => (typeof v === 'bigint' ? -v : -(v as number));

/** The aggregator of function `name` for one key of column `field` (state such as first_value's lives in it). */
export function fieldAggregator(name: string, field: DataField, options: CoreOptions): FieldAggregator {
  const type = field.type;
  switch (name) {
    case 'sum':
      numeric(type, field.name, name);
      return {
        agg: (acc, v) => (acc === null ? v : v === null ? acc : add(type, acc, v)),
        retract: (acc, v) => (acc === null ? (v === null ? null : neg(v)) : v === null ? acc : sub(type, acc, v)),
      };
    case 'product':
      numeric(type, field.name, name);
      if (type.kind === 'DECIMAL') throw new PaimonError('UNSUPPORTED', `product of DECIMAL column ${field.name} is not supported yet`);
      return {
        agg: (acc, v) => (acc === null ? v : v === null ? acc : typeof acc === 'bigint' ? wrap(type, acc * (v as bigint)) : wrap(type, (acc as number) * (v as number))),
        retract: (acc, v) => (acc === null || v === null ? acc : typeof acc === 'bigint' ? wrap(type, acc / (v as bigint)) : wrap(type, (acc as number) / (v as number))),
      };
    case 'max':
      return { agg: (acc, v) => (acc === null ? v : v === null ? acc : compareValues(v, acc) > 0 ? v : acc) };
    case 'min':
      return { agg: (acc, v) => (acc === null ? v : v === null ? acc : compareValues(v, acc) < 0 ? v : acc) };
    case 'last_value':
      return { agg: (_acc, v) => v, retract: () => null };
    case 'last_non_null_value':
      return { agg: (acc, v) => (v === null ? acc : v), retract: (acc, v) => (v !== null ? null : acc) };
    case 'first_value': {
      // first_value keeps the first record's value, even a NULL: remember whether one was seen.
      let seen = false;
      return {
        agg: (acc, v) => {
          if (seen) return acc;
          seen = true;
          return v;
        },
      };
    }
    case 'first_non_null_value':
      return { agg: (acc, v) => (acc === null ? v : acc) };
    case 'listagg': {
      if (type.kind !== 'VARCHAR' && type.kind !== 'CHAR') throw new PaimonError('INVALID_OPTION', `listagg of column ${field.name} needs a string type`);
      const delimiter = options.raw[`fields.${field.name}.list-agg-delimiter`] ?? ',';
      const distinct = options.raw[`fields.${field.name}.distinct`] === 'true';
      return {
        agg: (acc, v) => {
          if (v === null) return acc;
          if (acc === null) return v;
          if (distinct && (acc as string).split(delimiter).includes(v as string)) return acc;
          return `${acc as string}${delimiter}${v as string}`;
        },
      };
    }
    case 'bool_and':
      return { agg: (acc, v) => (acc === null ? v : v === null ? acc : (acc as boolean) && (v as boolean)) };
    case 'bool_or':
      return { agg: (acc, v) => (acc === null ? v : v === null ? acc : (acc as boolean) || (v as boolean)) };
    case 'collect': {
      if (type.kind !== 'ARRAY') throw new PaimonError('INVALID_OPTION', `collect of column ${field.name} needs an ARRAY type`);
      const distinct = options.raw[`fields.${field.name}.distinct`] === 'true';
      const merge = (acc: Value[], v: Value[]) => {
        const out = [...acc];
        for (const x of v) if (!distinct || !out.some((y) => compareValues(x, y) === 0)) out.push(x);
        return out;
      };
      const agg = (acc: Value, v: Value): Value => (v === null ? acc : acc === null ? merge([], v as Value[]) : merge(acc as Value[], v as Value[]));
      return {
        agg,
        // Paimon keeps the accumulator's order here instead of swapping (FieldCollectAgg.aggReversed).
        aggReversed: agg,
        retract: (acc, v) => (acc === null || v === null ? acc : (acc as Value[]).filter((x) => !(v as Value[]).some((y) => compareValues(x, y) === 0))),
      };
    }
    case 'merge_map': {
      if (type.kind !== 'MAP') throw new PaimonError('INVALID_OPTION', `merge_map of column ${field.name} needs a MAP type`);
      return {
        agg: (acc, v) => {
          if (v === null) return acc;
          const out = new Map<string, [Value, Value]>();
          for (const e of ((acc ?? []) as [Value, Value][])) out.set(JSON.stringify(e[0], bigintSafe), e);
          for (const e of v as [Value, Value][]) out.set(JSON.stringify(e[0], bigintSafe), e);
          return [...out.values()];
        },
        retract: (acc, v) => {
          if (acc === null || v === null) return acc;
          const drop = new Set((v as [Value, Value][]).map((e) => JSON.stringify(e[0], bigintSafe)));
          return (acc as [Value, Value][]).filter((e) => !drop.has(JSON.stringify(e[0], bigintSafe)));
        },
      };
    }
    default:
      throw new PaimonError('UNSUPPORTED', `aggregate function ${name} (column ${field.name}) is not supported`);
  }
}

function bigintSafe(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v;
}

export interface ColumnAggregation {
  /** Creates the column's aggregator state for one key (null for key columns, which keep their value). */
  create(): FieldAggregator | null;
  ignoreRetract: boolean;
}

/** One aggregation per table column, from the options. */
export function columnAggregations(fields: readonly DataField[], primaryKeys: readonly string[], options: CoreOptions): ColumnAggregation[] {
  return fields.map((f) => {
    if (primaryKeys.includes(f.name)) return { create: () => null, ignoreRetract: true };
    const name = options.raw[`fields.${f.name}.aggregate-function`] ?? options.raw['fields.default-aggregate-function'] ?? 'last_non_null_value';
    fieldAggregator(name, f, options); // validate once, up front
    return { create: () => fieldAggregator(name, f, options), ignoreRetract: options.raw[`fields.${f.name}.ignore-retract`] === 'true' };
  });
}
