/**
 * The ORC type tree (Footer.types is its pre-order flattening; a type's id is
 * its column id) and its mapping to Apache Arrow types.
 */
import * as arrow from 'apache-arrow';
import type { TypeProto } from './footer.js';
import { OrcFormatError, unsupported } from './orc-errors.js';

export const ORC_KINDS = [
  'BOOLEAN',
  'BYTE',
  'SHORT',
  'INT',
  'LONG',
  'FLOAT',
  'DOUBLE',
  'STRING',
  'BINARY',
  'TIMESTAMP',
  'LIST',
  'MAP',
  'STRUCT',
  'UNION',
  'DECIMAL',
  'DATE',
  'VARCHAR',
  'CHAR',
  'TIMESTAMP_INSTANT',
  'GEOMETRY',
] as const;
export type OrcKind = (typeof ORC_KINDS)[number];

export interface OrcType {
  /** Column id (index into Footer.types and the stripe's column encodings). */
  readonly id: number;
  /** Largest column id in this subtree. */
  readonly maxId: number;
  readonly kind: OrcKind;
  /** Subtypes: struct fields, the list element, map key and value, union variants. */
  readonly children: readonly OrcType[];
  /** Field names of a struct (one per child). */
  readonly fieldNames: readonly string[];
  /** Type attributes, e.g. `paimon.id` (the Paimon field id). */
  readonly attributes: Readonly<Record<string, string>>;
  /** VARCHAR and CHAR: maximum length in characters. */
  readonly maximumLength?: number;
  /** DECIMAL precision and scale. */
  readonly precision?: number;
  readonly scale?: number;
}

/** Hive's defaults for decimals written without precision and scale. */
const DEFAULT_PRECISION = 38;
const DEFAULT_SCALE = 10;

export function buildTypeTree(types: readonly TypeProto[]): OrcType {
  if (types.length === 0) throw new OrcFormatError('footer has no types');
  const seen = new Uint8Array(types.length);
  const build = (id: number): OrcType => {
    const t = types[id]!;
    seen[id] = 1;
    const kind = ORC_KINDS[t.kind];
    if (kind === undefined) throw unsupported(`unknown ORC type kind ${t.kind} (column ${id})`);
    const children: OrcType[] = [];
    let maxId = id;
    for (const sub of t.subtypes) {
      // Pre-order: each subtree follows its parent directly, so ids grow and never repeat.
      if (sub !== maxId + 1 || sub >= types.length || seen[sub]) {
        throw new OrcFormatError(`bad subtype ${sub} of column ${id}`);
      }
      const child = build(sub);
      children.push(child);
      maxId = child.maxId;
    }
    const expected =
      kind === 'LIST' ? 1 : kind === 'MAP' ? 2 : kind === 'STRUCT' || kind === 'UNION' ? -1 : 0;
    if (expected >= 0 && children.length !== expected) {
      throw new OrcFormatError(`${kind} column ${id} has ${children.length} subtypes`);
    }
    if (kind === 'STRUCT' && t.fieldNames.length !== children.length) {
      throw new OrcFormatError(`struct column ${id} has ${children.length} fields but ${t.fieldNames.length} names`);
    }
    const attributes: Record<string, string> = {};
    for (const [k, v] of t.attributes) attributes[k] = v;
    const type: {
      -readonly [K in keyof OrcType]: OrcType[K];
    } = { id, maxId, kind, children, fieldNames: kind === 'STRUCT' ? t.fieldNames : [], attributes };
    if (kind === 'VARCHAR' || kind === 'CHAR') type.maximumLength = t.maximumLength ?? (kind === 'CHAR' ? 255 : 65535);
    if (kind === 'DECIMAL') {
      type.precision = t.precision || DEFAULT_PRECISION;
      type.scale = t.precision ? (t.scale ?? 0) : (t.scale ?? DEFAULT_SCALE);
      if (type.precision > 38 || type.scale > type.precision) {
        throw new OrcFormatError(`bad decimal(${type.precision}, ${type.scale}) for column ${id}`);
      }
    }
    return type;
  };
  // Depth is bounded by the number of types, and each is visited once.
  const root = build(0);
  if (root.maxId !== types.length - 1) throw new OrcFormatError(`types ${root.maxId + 1}..${types.length - 1} are not in the type tree`);
  return root;
}

/** The ORC type in Hive notation, e.g. `struct<a:int,b:map<string,double>>`. */
export function typeToString(t: OrcType): string {
  switch (t.kind) {
    case 'STRUCT':
      return `struct<${t.children.map((c, i) => `${t.fieldNames[i]}:${typeToString(c)}`).join(',')}>`;
    case 'LIST':
      return `array<${typeToString(t.children[0]!)}>`;
    case 'MAP':
      return `map<${typeToString(t.children[0]!)},${typeToString(t.children[1]!)}>`;
    case 'UNION':
      return `uniontype<${t.children.map(typeToString).join(',')}>`;
    case 'DECIMAL':
      return `decimal(${t.precision},${t.scale})`;
    case 'VARCHAR':
    case 'CHAR':
      return `${t.kind.toLowerCase()}(${t.maximumLength})`;
    case 'TIMESTAMP_INSTANT':
      return 'timestamp with local time zone';
    default:
      return t.kind.toLowerCase();
  }
}

export type TimestampUnit = 'ms' | 'us' | 'ns';

export interface ArrowMappingOptions {
  /** Unit of Arrow timestamps (default 'ns', which holds ORC's nanoseconds losslessly). */
  timestampUnit: TimestampUnit;
}

const TIME_UNITS: Record<TimestampUnit, arrow.TimeUnit> = {
  ms: arrow.TimeUnit.MILLISECOND,
  us: arrow.TimeUnit.MICROSECOND,
  ns: arrow.TimeUnit.NANOSECOND,
};

export function toArrowType(t: OrcType, options: ArrowMappingOptions): arrow.DataType {
  switch (t.kind) {
    case 'BOOLEAN':
      return new arrow.Bool();
    case 'BYTE':
      return new arrow.Int8();
    case 'SHORT':
      return new arrow.Int16();
    case 'INT':
      return new arrow.Int32();
    case 'LONG':
      return new arrow.Int64();
    case 'FLOAT':
      return new arrow.Float32();
    case 'DOUBLE':
      return new arrow.Float64();
    case 'STRING':
    case 'VARCHAR':
    case 'CHAR':
      return new arrow.Utf8();
    case 'BINARY':
      return new arrow.Binary();
    case 'DECIMAL':
      return new arrow.Decimal(t.scale!, t.precision!, 128);
    case 'DATE':
      return new arrow.DateDay();
    case 'TIMESTAMP':
      return new arrow.Timestamp(TIME_UNITS[options.timestampUnit], null);
    case 'TIMESTAMP_INSTANT':
      return new arrow.Timestamp(TIME_UNITS[options.timestampUnit], 'UTC');
    case 'LIST':
      return new arrow.List(toArrowField('element', t.children[0]!, options));
    case 'MAP': {
      // Arrow wants non-null keys; ORC (and Paimon) allow null keys, which keep their validity bits.
      const key = toArrowField('key', t.children[0]!, options, false);
      const value = toArrowField('value', t.children[1]!, options);
      return new arrow.Map_(new arrow.Field('entries', new arrow.Struct<{ key: arrow.DataType; value: arrow.DataType }>([key, value]), false), false);
    }
    case 'STRUCT':
      return new arrow.Struct(t.children.map((c, i) => toArrowField(t.fieldNames[i]!, c, options)));
    default:
      throw unsupported(`ORC type ${t.kind} (column ${t.id}) is not supported`);
  }
}

/** An Arrow field for an ORC type; its attributes become field metadata. ORC types are always nullable. */
export function toArrowField(name: string, t: OrcType, options: ArrowMappingOptions, nullable = true): arrow.Field {
  const metadata = new Map(Object.entries(t.attributes));
  return new arrow.Field(name, toArrowType(t, options), nullable, metadata);
}
