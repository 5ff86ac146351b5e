/** SQL text helpers: quoting, typed literals, and core predicates as DuckDB SQL. */
import {
  formatDate,
  formatDecimal,
  formatTime,
  formatTimestamp,
  PaimonError,
  type DataField,
  type DataType,
  type Predicate,
  type Value,
} from '@paimon-ts/core';

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** A core value of `type` as a DuckDB literal of `duckTypeSql(type)`. */
export function literalSql(v: Value, type: DataType): string {
  if (v === null) return 'NULL';
  switch (type.kind) {
    case 'BOOLEAN':
      return v ? 'TRUE' : 'FALSE';
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
      return `CAST(${String(v)} AS ${type.kind === 'INT' ? 'INTEGER' : type.kind})`;
    case 'FLOAT':
    case 'DOUBLE': {
      const n = v as number;
      const text = Number.isNaN(n) ? "'NaN'" : n === Infinity ? "'Infinity'" : n === -Infinity ? "'-Infinity'" : String(n);
      return `CAST(${text} AS ${type.kind})`;
    }
    case 'DECIMAL':
      return `CAST('${formatDecimal(v as bigint, type.scale)}' AS DECIMAL(${type.precision}, ${type.scale}))`;
    case 'CHAR':
    case 'VARCHAR':
      return quoteString(v as string);
    case 'BINARY':
    case 'VARBINARY':
    case 'BLOB':
      return `from_hex('${Buffer.from(v as Uint8Array).toString('hex')}')`;
    case 'DATE':
      return `DATE '${formatDate(v as number)}'`;
    case 'TIME':
      return `TIME '${formatTime(v as number, 3)}'`;
    case 'TIMESTAMP':
      return `CAST('${formatTimestamp(v as bigint, type.precision)}' AS ${type.precision <= 6 ? 'TIMESTAMP' : 'TIMESTAMP_NS'})`;
    case 'TIMESTAMP_LTZ':
      return `CAST('${formatTimestamp(v as bigint, type.precision)}+00' AS TIMESTAMPTZ)`;
    default:
      throw new PaimonError('UNSUPPORTED', `no SQL literal for a ${type.kind} value`);
  }
}

/** A predicate bound to `fields` (literals of the columns' types) as a DuckDB boolean expression. */
export function predicateSql(p: Predicate, fields: readonly DataField[]): string {
  const typeOf = (name: string): DataType => {
    const f = fields.find((x) => x.name === name);
    if (!f) throw new PaimonError('INVALID_PREDICATE', `no column ${name}`);
    return f.type;
  };
  switch (p.op) {
    case 'and':
    case 'or':
      if (p.children.length === 0) return p.op === 'and' ? 'TRUE' : 'FALSE';
      return `(${p.children.map((c) => predicateSql(c, fields)).join(p.op === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      return `(NOT ${predicateSql(p.child, fields)})`;
    case 'isNull':
      return `(${quoteIdent(p.field)} IS NULL)`;
    case 'isNotNull':
      return `(${quoteIdent(p.field)} IS NOT NULL)`;
    case 'in':
    case 'notIn': {
      const type = typeOf(p.field);
      if (p.literals.length === 0) return p.op === 'in' ? 'FALSE' : 'TRUE';
      return `(${quoteIdent(p.field)} ${p.op === 'in' ? 'IN' : 'NOT IN'} (${p.literals.map((l) => literalSql(l, type)).join(', ')}))`;
    }
    default: {
      const type = typeOf(p.field);
      const op = p.op === '!=' ? '<>' : p.op;
      return `(${quoteIdent(p.field)} ${op} ${literalSql(p.literal, type)})`;
    }
  }
}

/** `[ 'a', 'b' ]` as a DuckDB list literal of strings. */
export function stringListSql(items: readonly string[]): string {
  return `[${items.map(quoteString).join(', ')}]`;
}
