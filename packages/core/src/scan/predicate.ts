/**
 * Filters on table columns: a small expression tree that prunes partitions,
 * buckets and files by their statistics, and filters rows of Arrow batches.
 * Literals are JS values (see types/values.ts) or text, converted to the
 * column's type when bound to a schema.
 */
import * as arrow from 'apache-arrow';
import { PaimonError } from '../errors.js';
import { getValue } from '../types/arrow-values.js';
import type { DataField, DataType } from '../types/data-type.js';
import { castValue } from '../read/conform.js';
import { parseDateText, parseDecimalText, parseTimestampText } from '../types/value-parse.js';
import { compareValues, isOrderable, type Value } from '../types/values.js';

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

// One union member per op (distributed), so `p.op === x` narrows exactly.
type Each<K extends string, T> = K extends string ? { op: K } & T : never;

export type Predicate =
  | Each<CompareOp, { field: string; literal: Value }>
  | Each<'in' | 'notIn', { field: string; literals: Value[] }>
  | Each<'isNull' | 'isNotNull', { field: string }>
  | Each<'and' | 'or', { children: Predicate[] }>
  | { op: 'not'; child: Predicate };

// ---- builders ----------------------------------------------------------------

export const eq = (field: string, literal: Value): Predicate => ({ op: '=', field, literal });
export const ne = (field: string, literal: Value): Predicate => ({ op: '!=', field, literal });
export const lt = (field: string, literal: Value): Predicate => ({ op: '<', field, literal });
export const le = (field: string, literal: Value): Predicate => ({ op: '<=', field, literal });
export const gt = (field: string, literal: Value): Predicate => ({ op: '>', field, literal });
export const ge = (field: string, literal: Value): Predicate => ({ op: '>=', field, literal });
export const isIn = (field: string, literals: Value[]): Predicate => ({ op: 'in', field, literals });
export const isNull = (field: string): Predicate => ({ op: 'isNull', field });
export const isNotNull = (field: string): Predicate => ({ op: 'isNotNull', field });
export const and = (...children: Predicate[]): Predicate => ({ op: 'and', children });
export const or = (...children: Predicate[]): Predicate => ({ op: 'or', children });
export const not = (child: Predicate): Predicate => ({ op: 'not', child });

export function fieldsOf(p: Predicate, out = new Set<string>()): Set<string> {
  if (p.op === 'and' || p.op === 'or') p.children.forEach((c) => fieldsOf(c, out));
  else if (p.op === 'not') fieldsOf(p.child, out);
  else out.add(p.field);
  return out;
}

/** Pushes NOT down to the leaves (De Morgan), so pruning only sees positive forms. */
export function negationNormalForm(p: Predicate, negate = false): Predicate {
  switch (p.op) {
    case 'not':
      return negationNormalForm(p.child, !negate);
    case 'and':
    case 'or': {
      const children = p.children.map((c) => negationNormalForm(c, negate));
      return { op: (p.op === 'and') !== negate ? 'and' : 'or', children };
    }
    case 'isNull':
      return negate ? { op: 'isNotNull', field: p.field } : p;
    case 'isNotNull':
      return negate ? { op: 'isNull', field: p.field } : p;
    case 'in':
      return negate ? { op: 'notIn', field: p.field, literals: p.literals } : p;
    case 'notIn':
      return negate ? { op: 'in', field: p.field, literals: p.literals } : p;
    default: {
      if (!negate) return p;
      const flip: Record<CompareOp, CompareOp> = { '=': '!=', '!=': '=', '<': '>=', '<=': '>', '>': '<=', '>=': '<' };
      // SQL three-valued logic: NOT (a < 1) is false for a NULL `a`, like a >= 1.
      return { op: flip[p.op], field: p.field, literal: p.literal };
    }
  }
}

// ---- binding literals to column types ------------------------------------------

function literalFor(v: Value, type: DataType, field: string): Value {
  if (v === null) return null;
  const text: DataType = { kind: 'VARCHAR', length: 2147483647, nullable: true };
  try {
    if (typeof v === 'string') {
      if (type.kind === 'DATE') return parseDateText(v);
      if (type.kind === 'TIMESTAMP' || type.kind === 'TIMESTAMP_LTZ') return parseTimestampText(v, type.precision);
      if (type.kind === 'DECIMAL') return parseDecimalText(v, type.scale);
      return castValue(v, text, type);
    }
    if (typeof v === 'number' && type.kind === 'DECIMAL') return parseDecimalText(String(v), type.scale);
    if (typeof v === 'number' && (type.kind === 'BIGINT' || type.kind === 'TIMESTAMP' || type.kind === 'TIMESTAMP_LTZ')) return BigInt(Math.trunc(v));
    if (typeof v === 'bigint' && type.kind !== 'BIGINT' && type.kind !== 'DECIMAL' && type.kind !== 'TIMESTAMP' && type.kind !== 'TIMESTAMP_LTZ') return Number(v);
    return v;
  } catch (e) {
    throw new PaimonError('INVALID_PREDICATE', `literal ${JSON.stringify(String(v))} does not fit column ${field} of type ${type.kind}: ${(e as Error).message}`);
  }
}

/** Checks column names and converts literals to the columns' types. */
export function bindPredicate(p: Predicate, fields: readonly DataField[], table: string): Predicate {
  const typeOf = (name: string): DataType => {
    const f = fields.find((x) => x.name === name);
    if (!f) throw new PaimonError('INVALID_PREDICATE', `table ${table} has no column ${name}`);
    return f.type;
  };
  switch (p.op) {
    case 'and':
    case 'or':
      return { op: p.op, children: p.children.map((c) => bindPredicate(c, fields, table)) };
    case 'not':
      return { op: 'not', child: bindPredicate(p.child, fields, table) };
    case 'isNull':
    case 'isNotNull':
      typeOf(p.field);
      return p;
    case 'in':
    case 'notIn': {
      const type = typeOf(p.field);
      return { op: p.op, field: p.field, literals: p.literals.map((l) => literalFor(l, type, p.field)) };
    }
    default: {
      const type = typeOf(p.field);
      return { op: p.op, field: p.field, literal: literalFor(p.literal, type, p.field) };
    }
  }
}

// ---- pruning by statistics ------------------------------------------------------

/** What a file, manifest or partition knows of one column; null when it knows nothing. */
export interface ColumnStats {
  min: Value;
  max: Value;
  nullCount: number | null;
  rowCount: number;
  /** False for types without an order usable here (then min/max are ignored). */
  orderable: boolean;
}

export type StatsLookup = (field: string) => ColumnStats | null;

/**
 * Whether rows described by `stats` may satisfy `p` (in negation normal
 * form). Unknown columns and unknown stats always may.
 */
export function mayMatch(p: Predicate, stats: StatsLookup): boolean {
  switch (p.op) {
    case 'and':
      return p.children.every((c) => mayMatch(c, stats));
    case 'or':
      return p.children.some((c) => mayMatch(c, stats));
    case 'not':
      return mayMatch(negationNormalForm(p.child, true), stats);
    default:
      break;
  }
  const s = stats(p.field);
  if (!s) return true;
  const allNull = s.nullCount !== null && s.nullCount >= s.rowCount;
  if (p.op === 'isNull') return s.nullCount === null || s.nullCount > 0;
  if (p.op === 'isNotNull') return !allNull;
  if (allNull) return false; // comparisons with NULL are never true
  if (!s.orderable || s.min === null || s.max === null) return true;
  const cmpMin = (v: Value) => compareValues(v, s.min);
  const cmpMax = (v: Value) => compareValues(v, s.max);
  switch (p.op) {
    case '=':
      return p.literal !== null && cmpMin(p.literal) >= 0 && cmpMax(p.literal) <= 0;
    case '!=':
      return p.literal !== null && !(cmpMin(p.literal) === 0 && cmpMax(p.literal) === 0);
    case '<':
      return p.literal !== null && cmpMin(p.literal) > 0;
    case '<=':
      return p.literal !== null && cmpMin(p.literal) >= 0;
    case '>':
      return p.literal !== null && cmpMax(p.literal) < 0;
    case '>=':
      return p.literal !== null && cmpMax(p.literal) <= 0;
    case 'in':
      return p.literals.some((l) => l !== null && cmpMin(l) >= 0 && cmpMax(l) <= 0);
    case 'notIn':
      return !(compareValues(s.min, s.max) === 0 && p.literals.some((l) => l !== null && cmpMin(l) === 0));
  }
}

/** Stats of an exactly known value (a partition column): min = max = value. */
export function exactStats(value: Value, type: DataType, rowCount = 1): ColumnStats {
  return { min: value, max: value, nullCount: value === null ? rowCount : 0, rowCount, orderable: isOrderable(type) };
}

// ---- row filtering --------------------------------------------------------------

/** Evaluates `p` on every row of `batch`: 1 keeps the row, 0 drops it (NULL results drop). */
export function evaluate(p: Predicate, batch: arrow.RecordBatch): Uint8Array {
  const n = batch.numRows;
  // Three-valued logic: 1 true, 0 false, 2 unknown (NULL).
  const eval3 = (q: Predicate): Uint8Array => {
    switch (q.op) {
      case 'and':
      case 'or': {
        const parts = q.children.map(eval3);
        const out = new Uint8Array(n).fill(q.op === 'and' ? 1 : 0);
        for (const part of parts) {
          for (let i = 0; i < n; i++) {
            const a = out[i]!;
            const b = part[i]!;
            if (q.op === 'and') out[i] = a === 0 || b === 0 ? 0 : a === 2 || b === 2 ? 2 : 1;
            else out[i] = a === 1 || b === 1 ? 1 : a === 2 || b === 2 ? 2 : 0;
          }
        }
        return out;
      }
      case 'not': {
        const inner = eval3(q.child);
        for (let i = 0; i < n; i++) inner[i] = inner[i] === 2 ? 2 : 1 - inner[i]!;
        return inner;
      }
      default:
        break;
    }
    const column = batch.getChild(q.field);
    if (!column) throw new PaimonError('INVALID_PREDICATE', `column ${q.field} is not in the batch being filtered`);
    const out = new Uint8Array(n);
    let row = 0;
    for (const data of column.data) {
      for (let i = 0; i < data.length; i++, row++) {
        const v = getValue(data, i);
        out[row] = test(q, v);
      }
    }
    return out;
  };
  const result = eval3(p);
  for (let i = 0; i < n; i++) result[i] = result[i] === 1 ? 1 : 0;
  return result;
}

function test(q: Exclude<Predicate, { op: 'and' | 'or' | 'not' }>, v: Value): number {
  if (q.op === 'isNull') return v === null ? 1 : 0;
  if (q.op === 'isNotNull') return v === null ? 0 : 1;
  if (v === null) return 2;
  if (q.op === 'in' || q.op === 'notIn') {
    let found = false;
    let sawNull = false;
    for (const l of q.literals) {
      if (l === null) sawNull = true;
      else if (compareValues(v, l) === 0) found = true;
    }
    if (q.op === 'in') return found ? 1 : sawNull ? 2 : 0;
    return found ? 0 : sawNull ? 2 : 1;
  }
  if (q.literal === null) return 2;
  const c = compareValues(v, q.literal);
  switch (q.op) {
    case '=':
      return c === 0 ? 1 : 0;
    case '!=':
      return c !== 0 ? 1 : 0;
    case '<':
      return c < 0 ? 1 : 0;
    case '<=':
      return c <= 0 ? 1 : 0;
    case '>':
      return c > 0 ? 1 : 0;
    case '>=':
      return c >= 0 ? 1 : 0;
  }
}
