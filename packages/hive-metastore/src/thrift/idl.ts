/**
 * A reader for the Thrift IDL subset in `thrift/hive_metastore.thrift`: enums,
 * structs, exceptions and one service. The parsed IDL drives the codec, the
 * client and the test server, so the wire facts (field ids, types, enum
 * values, method signatures) live in that one file and nowhere else. No code
 * is generated: the file is read when this module loads.
 */
import { readFileSync } from 'node:fs';

export type BaseType = 'bool' | 'byte' | 'i16' | 'i32' | 'i64' | 'double' | 'string' | 'binary';

export type TypeRef =
  | { kind: 'base'; name: BaseType }
  | { kind: 'list' | 'set'; element: TypeRef }
  | { kind: 'map'; key: TypeRef; value: TypeRef }
  /** A struct, exception or enum, resolved by name when used. */
  | { kind: 'named'; name: string };

export interface FieldDef {
  id: number;
  name: string;
  type: TypeRef;
  requiredness: 'required' | 'optional' | 'default';
}

export interface StructDef {
  name: string;
  kind: 'struct' | 'exception';
  fields: FieldDef[];
}

export interface MethodDef {
  name: string;
  /** null for void. */
  returns: TypeRef | null;
  args: FieldDef[];
  throws: FieldDef[];
}

export interface Idl {
  enums: Map<string, Map<string, number>>;
  structs: Map<string, StructDef>;
  service: string;
  methods: Map<string, MethodDef>;
}

const BASE_TYPES = new Set<string>(['bool', 'byte', 'i8', 'i16', 'i32', 'i64', 'double', 'string', 'binary']);

class IdlSyntaxError extends Error {
  constructor(message: string, source: string, offset: number) {
    const line = source.slice(0, offset).split('\n').length;
    super(`Thrift IDL, line ${line}: ${message}`);
    this.name = 'IdlSyntaxError';
  }
}

interface Token {
  text: string;
  offset: number;
  /** A quoted string literal (text holds the unquoted value). */
  quoted: boolean;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#' || source.startsWith('//', i)) {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) throw new IdlSyntaxError('unterminated comment', source, i);
      i = end + 2;
    } else if (c === '"' || c === "'") {
      const end = source.indexOf(c, i + 1);
      if (end < 0) throw new IdlSyntaxError('unterminated string', source, i);
      tokens.push({ text: source.slice(i + 1, end), offset: i, quoted: true });
      i = end + 1;
    } else if ('{}()<>,;:='.includes(c)) {
      tokens.push({ text: c, offset: i, quoted: false });
      i++;
    } else {
      const m = /^[A-Za-z0-9_.+-]+/.exec(source.slice(i));
      if (!m) throw new IdlSyntaxError(`unexpected character ${JSON.stringify(c)}`, source, i);
      tokens.push({ text: m[0], offset: i, quoted: false });
      i += m[0].length;
    }
  }
  return tokens;
}

class Parser {
  private pos = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly source: string,
  ) {}

  private fail(message: string): never {
    const t = this.tokens[this.pos];
    throw new IdlSyntaxError(message, this.source, t ? t.offset : this.source.length);
  }

  private peek(): string | undefined {
    return this.tokens[this.pos]?.text;
  }

  private next(): Token {
    const t = this.tokens[this.pos++];
    if (!t) this.fail('unexpected end of file');
    return t;
  }

  private expect(text: string): void {
    const t = this.next();
    if (t.text !== text || t.quoted) {
      this.pos--;
      this.fail(`expected '${text}' but found '${t.text}'`);
    }
  }

  private accept(text: string): boolean {
    if (this.peek() === text) {
      this.pos++;
      return true;
    }
    return false;
  }

  private identifier(): string {
    const t = this.next();
    if (t.quoted || !/^[A-Za-z_][A-Za-z0-9_.]*$/.test(t.text)) {
      this.pos--;
      this.fail(`expected a name but found '${t.text}'`);
    }
    return t.text;
  }

  private skipSeparator(): void {
    if (!this.accept(',')) this.accept(';');
  }

  parse(): Idl {
    const idl: Idl = { enums: new Map(), structs: new Map(), service: '', methods: new Map() };
    while (this.pos < this.tokens.length) {
      const keyword = this.identifier();
      switch (keyword) {
        case 'namespace':
          this.identifier();
          this.identifier();
          break;
        case 'enum':
          this.parseEnum(idl);
          break;
        case 'struct':
        case 'exception': {
          const def = this.parseStruct(keyword);
          idl.structs.set(def.name, def);
          break;
        }
        case 'service':
          this.parseService(idl);
          break;
        default:
          this.pos--;
          this.fail(`unsupported definition '${keyword}'`);
      }
    }
    return idl;
  }

  private parseEnum(idl: Idl): void {
    const name = this.identifier();
    const values = new Map<string, number>();
    this.expect('{');
    let nextValue = 0;
    while (!this.accept('}')) {
      const member = this.identifier();
      if (this.accept('=')) nextValue = this.integer();
      values.set(member, nextValue++);
      this.skipSeparator();
    }
    idl.enums.set(name, values);
  }

  private integer(): number {
    const t = this.next();
    const n = Number(t.text);
    if (t.quoted || !Number.isInteger(n)) {
      this.pos--;
      this.fail(`expected an integer but found '${t.text}'`);
    }
    return n;
  }

  private parseType(): TypeRef {
    const name = this.identifier();
    if (name === 'list' || name === 'set') {
      this.expect('<');
      const element = this.parseType();
      this.expect('>');
      return { kind: name, element };
    }
    if (name === 'map') {
      this.expect('<');
      const key = this.parseType();
      this.expect(',');
      const value = this.parseType();
      this.expect('>');
      return { kind: 'map', key, value };
    }
    if (BASE_TYPES.has(name)) return { kind: 'base', name: (name === 'i8' ? 'byte' : name) as BaseType };
    return { kind: 'named', name };
  }

  /** `id: [required|optional] type name [= default]`; defaults are read and dropped (the codec sends only set fields). */
  private parseField(): FieldDef {
    const id = this.integer();
    this.expect(':');
    let requiredness: FieldDef['requiredness'] = 'default';
    if (this.peek() === 'required' || this.peek() === 'optional') requiredness = this.identifier() as FieldDef['requiredness'];
    const type = this.parseType();
    const name = this.identifier();
    if (this.accept('=')) this.next();
    this.skipSeparator();
    return { id, name, type, requiredness };
  }

  private parseFieldList(close: string): FieldDef[] {
    const fields: FieldDef[] = [];
    while (!this.accept(close)) fields.push(this.parseField());
    const seen = new Set<number>();
    for (const f of fields) {
      if (seen.has(f.id)) this.fail(`field id ${f.id} used twice`);
      seen.add(f.id);
    }
    return fields;
  }

  private parseStruct(kind: 'struct' | 'exception'): StructDef {
    const name = this.identifier();
    this.expect('{');
    return { name, kind, fields: this.parseFieldList('}') };
  }

  private parseService(idl: Idl): void {
    idl.service = this.identifier();
    if (this.accept('extends')) this.identifier();
    this.expect('{');
    while (!this.accept('}')) {
      if (this.peek() === 'oneway') this.fail('oneway methods are not supported');
      const returns = this.peek() === 'void' ? (this.next(), null) : this.parseType();
      const name = this.identifier();
      this.expect('(');
      const args = this.parseFieldList(')');
      let throws: FieldDef[] = [];
      if (this.accept('throws')) {
        this.expect('(');
        throws = this.parseFieldList(')');
      }
      this.skipSeparator();
      idl.methods.set(name, { name, returns, args, throws });
    }
  }
}

/** Checks that every named type is declared, so a typo fails at load time, not mid-call. */
function checkReferences(idl: Idl): void {
  const check = (t: TypeRef, where: string): void => {
    if (t.kind === 'named' && !idl.structs.has(t.name) && !idl.enums.has(t.name)) {
      throw new Error(`Thrift IDL: ${where} refers to unknown type ${t.name}`);
    }
    if (t.kind === 'list' || t.kind === 'set') check(t.element, where);
    if (t.kind === 'map') {
      check(t.key, where);
      check(t.value, where);
    }
  };
  for (const s of idl.structs.values()) for (const f of s.fields) check(f.type, `${s.name}.${f.name}`);
  for (const m of idl.methods.values()) {
    if (m.returns) check(m.returns, `${m.name} result`);
    for (const f of [...m.args, ...m.throws]) check(f.type, `${m.name}(${f.name})`);
    for (const f of m.throws) {
      if (f.type.kind !== 'named' || idl.structs.get(f.type.name)?.kind !== 'exception') {
        throw new Error(`Thrift IDL: ${m.name} throws ${f.name}, which is not an exception`);
      }
    }
  }
}

export function parseIdl(source: string): Idl {
  const idl = new Parser(tokenize(source), source).parse();
  checkReferences(idl);
  return idl;
}

/** `thrift/hive_metastore.thrift` at the package root (the same two levels up from src/thrift and dist/thrift). */
export const HMS_IDL_PATH = new URL('../../thrift/hive_metastore.thrift', import.meta.url);

/** The Hive Metastore interface subset, parsed once. */
export const HMS_IDL: Idl = parseIdl(readFileSync(HMS_IDL_PATH, 'utf8'));
