/**
 * Schema-file JSON for types (paimon-api `DataTypeJsonParser`): atomic types
 * are SQL strings (`"DECIMAL(10, 2) NOT NULL"`), composite types are objects
 * (`{"type": "ARRAY", "element": ...}`). The string grammar also accepts the
 * composite SQL forms (`ARRAY<INT>`, `MAP<STRING, INT>`, `ROW<a INT>`) and the
 * aliases Paimon accepts (INTEGER, NUMERIC, DEC, DOUBLE PRECISION, TIMESTAMP_LTZ).
 */
import { PaimonError } from '../errors.js';
import { type DataField, type DataType, MAX_LENGTH, typeToString } from './data-type.js';

export type TypeJson = string | { [key: string]: unknown };

function unknownType(text: string, why: string): PaimonError {
  return new PaimonError('UNKNOWN_TYPE', `unknown type ${JSON.stringify(text)}: ${why}`);
}

/** Parses a type as found in a schema file's `type` key. */
export function parseTypeJson(json: unknown, fieldIds?: { next: number }): DataType {
  if (typeof json === 'string') return parseTypeString(json);
  if (json === null || typeof json !== 'object') throw unknownType(String(json), 'expected a string or an object');
  const obj = json as Record<string, unknown>;
  const head = obj['type'];
  if (typeof head !== 'string') throw unknownType(JSON.stringify(json), 'object without a "type" string');
  const nullable = !/\bNOT\s+NULL\s*$/i.test(head);
  const keyword = head.replace(/\s+NOT\s+NULL\s*$/i, '').trim().toUpperCase();
  switch (keyword) {
    case 'ARRAY':
    case 'MULTISET':
      return { kind: keyword, element: parseTypeJson(obj['element'], fieldIds), nullable };
    case 'VECTOR':
      return { kind: 'VECTOR', element: parseTypeJson(obj['element'], fieldIds), length: Number(obj['length']), nullable };
    case 'MAP':
      return { kind: 'MAP', key: parseTypeJson(obj['key'], fieldIds), value: parseTypeJson(obj['value'], fieldIds), nullable };
    case 'ROW': {
      const fields = obj['fields'];
      if (!Array.isArray(fields)) throw unknownType(JSON.stringify(json), 'ROW without a "fields" array');
      return { kind: 'ROW', fields: fields.map((f) => parseFieldJson(f, fieldIds)), nullable };
    }
    default:
      throw unknownType(head, 'not a composite type keyword');
  }
}

export function parseFieldJson(json: unknown, fieldIds?: { next: number }): DataField {
  if (json === null || typeof json !== 'object') throw unknownType(String(json), 'field must be an object');
  const obj = json as Record<string, unknown>;
  const name = obj['name'];
  if (typeof name !== 'string') throw unknownType(JSON.stringify(json), 'field without a name');
  let id = obj['id'];
  if (typeof id !== 'number') {
    if (!fieldIds) throw unknownType(JSON.stringify(json), `field ${name} without an id`);
    id = fieldIds.next++;
  }
  const field: DataField = { id: id as number, name, type: parseTypeJson(obj['type'], fieldIds) };
  if (typeof obj['description'] === 'string') field.description = obj['description'];
  if (typeof obj['defaultValue'] === 'string') field.defaultValue = obj['defaultValue'];
  return field;
}

/** The inverse of parseTypeJson, in the exact shape Paimon writes. */
export function typeToJson(type: DataType): TypeJson {
  const suffix = type.nullable ? '' : ' NOT NULL';
  switch (type.kind) {
    case 'ARRAY':
    case 'MULTISET':
      return { type: type.kind + suffix, element: typeToJson(type.element) };
    case 'VECTOR':
      return { type: 'VECTOR' + suffix, element: typeToJson(type.element), length: type.length };
    case 'MAP':
      return { type: 'MAP' + suffix, key: typeToJson(type.key), value: typeToJson(type.value) };
    case 'ROW':
      return { type: 'ROW' + suffix, fields: type.fields.map(fieldToJson) };
    default:
      return typeToString(type);
  }
}

export function fieldToJson(field: DataField): Record<string, unknown> {
  const out: Record<string, unknown> = { id: field.id, name: field.name, type: typeToJson(field.type) };
  if (field.description !== undefined) out['description'] = field.description;
  if (field.defaultValue !== undefined) out['defaultValue'] = field.defaultValue;
  return out;
}

// ---- SQL type-string grammar -------------------------------------------------

type Token = { text: string; pos: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(`(?:[^`]|``)*`|'(?:[^']|'')*'|[A-Za-z_][A-Za-z0-9_$]*|\d+|[<>(),])/y;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) throw unknownType(text, `unexpected character at ${pos}`);
    tokens.push({ text: m[1]!, pos });
    pos = re.lastIndex;
  }
  return tokens;
}

class TypeStringParser {
  private i = 0;
  private readonly tokens: Token[];

  constructor(private readonly text: string) {
    this.tokens = tokenize(text);
  }

  parseAll(): DataType {
    const type = this.parseType();
    if (this.i < this.tokens.length) throw unknownType(this.text, `unexpected ${this.tokens[this.i]!.text}`);
    return type;
  }

  private peek(): string | undefined {
    return this.tokens[this.i]?.text.toUpperCase();
  }

  private next(): string {
    const t = this.tokens[this.i++];
    if (!t) throw unknownType(this.text, 'unexpected end');
    return t.text;
  }

  private expect(text: string): void {
    const t = this.next();
    if (t.toUpperCase() !== text) throw unknownType(this.text, `expected ${text}, found ${t}`);
  }

  private accept(text: string): boolean {
    if (this.peek() === text) {
      this.i++;
      return true;
    }
    return false;
  }

  private int(): number {
    const t = this.next();
    if (!/^\d+$/.test(t)) throw unknownType(this.text, `expected a number, found ${t}`);
    return Number(t);
  }

  /** `(n)` or `(p, s)` after a keyword, or the defaults when absent. */
  private params(defaults: number[]): number[] {
    if (!this.accept('(')) return defaults;
    const out = [this.int()];
    while (this.accept(',')) out.push(this.int());
    this.expect(')');
    return out;
  }

  private nullability(): boolean {
    if (this.accept('NOT')) {
      this.expect('NULL');
      return false;
    }
    this.accept('NULL');
    return true;
  }

  private parseType(): DataType {
    const word = this.next().toUpperCase();
    let type: DataType;
    switch (word) {
      case 'BOOLEAN':
      case 'TINYINT':
      case 'SMALLINT':
      case 'BIGINT':
      case 'FLOAT':
      case 'DATE':
      case 'VARIANT':
      case 'BLOB':
        type = { kind: word, nullable: true };
        break;
      case 'INT':
      case 'INTEGER':
        type = { kind: 'INT', nullable: true };
        break;
      case 'DOUBLE':
        this.accept('PRECISION');
        type = { kind: 'DOUBLE', nullable: true };
        break;
      case 'DECIMAL':
      case 'NUMERIC':
      case 'DEC': {
        const [precision = 10, scale = 0] = this.params([10, 0]);
        if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
          throw unknownType(this.text, `DECIMAL(${precision}, ${scale}) is out of range`);
        }
        type = { kind: 'DECIMAL', precision, scale, nullable: true };
        break;
      }
      case 'STRING':
        type = { kind: 'VARCHAR', length: MAX_LENGTH, nullable: true };
        break;
      case 'BYTES':
        type = { kind: 'VARBINARY', length: MAX_LENGTH, nullable: true };
        break;
      case 'CHAR':
      case 'VARCHAR':
      case 'BINARY':
      case 'VARBINARY':
        type = { kind: word, length: this.params([1])[0]!, nullable: true };
        break;
      case 'TIME': {
        const precision = this.params([0])[0]!;
        if (this.accept('WITHOUT')) {
          this.expect('TIME');
          this.expect('ZONE');
        }
        type = { kind: 'TIME', precision, nullable: true };
        break;
      }
      case 'TIMESTAMP':
      case 'TIMESTAMP_LTZ': {
        const precision = this.params([6])[0]!;
        if (precision > 9) throw unknownType(this.text, `timestamp precision ${precision} > 9`);
        let ltz = word === 'TIMESTAMP_LTZ';
        if (this.accept('WITH')) {
          this.expect('LOCAL');
          this.expect('TIME');
          this.expect('ZONE');
          ltz = true;
        } else if (this.accept('WITHOUT')) {
          this.expect('TIME');
          this.expect('ZONE');
        }
        type = { kind: ltz ? 'TIMESTAMP_LTZ' : 'TIMESTAMP', precision, nullable: true };
        break;
      }
      case 'ARRAY':
      case 'MULTISET': {
        this.expect('<');
        const element = this.parseType();
        this.expect('>');
        type = { kind: word, element, nullable: true };
        break;
      }
      case 'VECTOR': {
        this.expect('<');
        const element = this.parseType();
        this.expect(',');
        const length = this.int();
        this.expect('>');
        type = { kind: 'VECTOR', element, length, nullable: true };
        break;
      }
      case 'MAP': {
        this.expect('<');
        const key = this.parseType();
        this.expect(',');
        const value = this.parseType();
        this.expect('>');
        type = { kind: 'MAP', key, value, nullable: true };
        break;
      }
      case 'ROW': {
        this.expect('<');
        const fields: DataField[] = [];
        let id = 0;
        if (!this.accept('>')) {
          do {
            let name = this.next();
            if (name.startsWith('`')) name = name.slice(1, -1).replace(/``/g, '`');
            const fieldType = this.parseType();
            const field: DataField = { id: id++, name, type: fieldType };
            if (this.peek()?.startsWith("'")) field.description = this.next().slice(1, -1).replace(/''/g, "'");
            fields.push(field);
          } while (this.accept(','));
          this.expect('>');
        }
        type = { kind: 'ROW', fields, nullable: true };
        break;
      }
      default:
        throw unknownType(this.text, `unknown type keyword ${word}`);
    }
    return this.nullability() ? type : { ...type, nullable: false };
  }
}

/** Parses an SQL type string such as `TIMESTAMP(3) WITH LOCAL TIME ZONE NOT NULL`. */
export function parseTypeString(text: string): DataType {
  return new TypeStringParser(text).parseAll();
}
