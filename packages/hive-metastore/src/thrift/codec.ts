/**
 * Encodes and decodes values described by the parsed IDL with the `thrift`
 * library's binary protocol. JS values: bool -> boolean, byte/i16/i32/double
 * -> number, i64 -> bigint, string -> string, binary -> Buffer, list/set ->
 * array, map<string,V> -> plain object, enum -> its member name, struct ->
 * plain object keyed by field name. Unset (undefined or null) fields are not
 * sent; a missing `required` field is an error on both sides, as in Thrift.
 */
import thrift from 'thrift';
import type { FieldDef, Idl, MethodDef, StructDef, TypeRef } from './idl.js';

export const { Thrift, TBinaryProtocol, TBufferedTransport, TFramedTransport, InputBufferUnderrunError } = thrift as unknown as {
  Thrift: { Type: Record<string, number>; MessageType: { CALL: number; REPLY: number; EXCEPTION: number; ONEWAY: number } };
  TBinaryProtocol: typeof thrift.TBinaryProtocol;
  TBufferedTransport: typeof thrift.TBufferedTransport;
  TFramedTransport: typeof thrift.TFramedTransport;
  InputBufferUnderrunError: new () => Error;
};

/** The 0.24 runtime's bigint bridges (not in @types/thrift). */
const int64 = thrift as unknown as { toBigInt(v: unknown): bigint; fromBigInt(v: bigint): unknown };

export type Protocol = InstanceType<typeof TBinaryProtocol>;

export const T = Thrift.Type as {
  STOP: number; BOOL: number; BYTE: number; I16: number; I32: number; I64: number; DOUBLE: number;
  STRING: number; STRUCT: number; MAP: number; SET: number; LIST: number;
};
export const MessageType = Thrift.MessageType;

/** Thrift's built-in exception for failures outside the declared ones (unknown method, server error). */
export const APPLICATION_EXCEPTION: StructDef = {
  name: 'TApplicationException',
  kind: 'exception',
  fields: [
    { id: 1, name: 'message', type: { kind: 'base', name: 'string' }, requiredness: 'default' },
    { id: 2, name: 'type', type: { kind: 'base', name: 'i32' }, requiredness: 'default' },
  ],
};

/** TApplicationException type codes (Thrift's TApplicationExceptionType). */
export const APPLICATION_EXCEPTION_TYPE = { UNKNOWN: 0, UNKNOWN_METHOD: 1, INTERNAL_ERROR: 6, PROTOCOL_ERROR: 7 } as const;

export class CodecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CodecError';
  }
}

export class Codec {
  constructor(readonly idl: Idl) {}

  wireType(t: TypeRef): number {
    switch (t.kind) {
      case 'base':
        switch (t.name) {
          case 'bool': return T.BOOL;
          case 'byte': return T.BYTE;
          case 'i16': return T.I16;
          case 'i32': return T.I32;
          case 'i64': return T.I64;
          case 'double': return T.DOUBLE;
          default: return T.STRING; // string and binary share the wire type
        }
      case 'list': return T.LIST;
      case 'set': return T.SET;
      case 'map': return T.MAP;
      case 'named': return this.idl.enums.has(t.name) ? T.I32 : T.STRUCT;
    }
  }

  struct(name: string): StructDef {
    const def = this.idl.structs.get(name);
    if (!def) throw new CodecError(`no struct ${name} in the IDL`);
    return def;
  }

  method(name: string): MethodDef {
    const def = this.idl.methods.get(name);
    if (!def) throw new CodecError(`no method ${name} in the IDL`);
    return def;
  }

  /** `<method>_args`: the call's arguments as one struct. */
  argsStruct(method: MethodDef): StructDef {
    return { name: `${method.name}_args`, kind: 'struct', fields: method.args };
  }

  /** `<method>_result`: field 0 is the return value, the others the declared exceptions. */
  resultStruct(method: MethodDef): StructDef {
    const fields: FieldDef[] = method.returns ? [{ id: 0, name: 'success', type: method.returns, requiredness: 'optional' }] : [];
    return { name: `${method.name}_result`, kind: 'struct', fields: [...fields, ...method.throws] };
  }

  writeStruct(p: Protocol, def: StructDef, value: Record<string, unknown>, where: string = def.name): void {
    if (value === null || typeof value !== 'object') throw new CodecError(`${where}: expected a ${def.name} object, got ${typeof value}`);
    p.writeStructBegin(def.name);
    for (const f of def.fields) {
      const v = value[f.name];
      if (v === undefined || v === null) {
        if (f.requiredness === 'required') throw new CodecError(`${where}: required field ${f.name} of ${def.name} is not set`);
        continue;
      }
      p.writeFieldBegin(f.name, this.wireType(f.type) as never, f.id);
      this.writeValue(p, f.type, v, `${where}.${f.name}`);
      p.writeFieldEnd();
    }
    p.writeFieldStop();
    p.writeStructEnd();
  }

  writeValue(p: Protocol, t: TypeRef, v: unknown, where: string): void {
    const bad = (expected: string): never => {
      throw new CodecError(`${where}: expected ${expected}, got ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
    };
    switch (t.kind) {
      case 'base':
        switch (t.name) {
          case 'bool':
            return typeof v === 'boolean' ? p.writeBool(v) : bad('a boolean');
          case 'byte':
          case 'i16':
          case 'i32': {
            if (typeof v !== 'number' || !Number.isInteger(v)) return bad('an integer');
            if (t.name === 'byte') return p.writeByte(v);
            return t.name === 'i16' ? p.writeI16(v) : p.writeI32(v);
          }
          case 'i64': {
            if (typeof v !== 'bigint' && !(typeof v === 'number' && Number.isSafeInteger(v))) return bad('a bigint');
            return p.writeI64(int64.fromBigInt(BigInt(v)) as never);
          }
          case 'double':
            return typeof v === 'number' ? p.writeDouble(v) : bad('a number');
          case 'string':
            return typeof v === 'string' ? p.writeString(v) : bad('a string');
          case 'binary':
            return v instanceof Uint8Array ? p.writeBinary(Buffer.from(v.buffer, v.byteOffset, v.byteLength)) : bad('bytes');
        }
        return;
      case 'list':
      case 'set': {
        if (!Array.isArray(v)) return bad('an array');
        const et = this.wireType(t.element);
        if (t.kind === 'list') p.writeListBegin(et as never, v.length);
        else p.writeSetBegin(et as never, v.length);
        v.forEach((e, i) => this.writeValue(p, t.element, e, `${where}[${i}]`));
        if (t.kind === 'list') p.writeListEnd();
        else p.writeSetEnd();
        return;
      }
      case 'map': {
        const entries: [unknown, unknown][] = v instanceof Map ? [...v.entries()] : v && typeof v === 'object' ? Object.entries(v) : bad('a map');
        p.writeMapBegin(this.wireType(t.key) as never, this.wireType(t.value) as never, entries.length);
        for (const [k, val] of entries) {
          this.writeValue(p, t.key, k, `${where} key`);
          this.writeValue(p, t.value, val, `${where}[${String(k)}]`);
        }
        p.writeMapEnd();
        return;
      }
      case 'named': {
        const members = this.idl.enums.get(t.name);
        if (members) {
          const n = typeof v === 'string' ? members.get(v) : typeof v === 'number' ? v : undefined;
          if (n === undefined) return bad(`one of ${t.name} ${[...members.keys()].join('|')}`);
          return p.writeI32(n);
        }
        return this.writeStruct(p, this.struct(t.name), v as Record<string, unknown>, where);
      }
    }
  }

  readStruct(p: Protocol, def: StructDef): Record<string, unknown> {
    const byId = new Map(def.fields.map((f) => [f.id, f]));
    const out: Record<string, unknown> = {};
    p.readStructBegin();
    for (;;) {
      const { ftype, fid } = p.readFieldBegin();
      if (ftype === T.STOP) break;
      const f = byId.get(fid);
      if (f && ftype === this.wireType(f.type)) out[f.name] = this.readValue(p, f.type);
      else p.skip(ftype as never); // a field this IDL subset leaves out, or of another type: Thrift skips it
      p.readFieldEnd();
    }
    p.readStructEnd();
    for (const f of def.fields) {
      if (f.requiredness === 'required' && out[f.name] === undefined) {
        throw new CodecError(`${def.name}: required field ${f.name} is missing`);
      }
    }
    return out;
  }

  readValue(p: Protocol, t: TypeRef): unknown {
    switch (t.kind) {
      case 'base':
        switch (t.name) {
          case 'bool': return p.readBool();
          case 'byte': return p.readByte();
          case 'i16': return p.readI16();
          case 'i32': return p.readI32();
          case 'i64': return int64.toBigInt(p.readI64());
          case 'double': return p.readDouble();
          case 'string': return p.readString();
          case 'binary': return p.readBinary();
        }
        return undefined;
      case 'list':
      case 'set': {
        const { size } = t.kind === 'list' ? p.readListBegin() : p.readSetBegin();
        const out: unknown[] = [];
        for (let i = 0; i < size; i++) out.push(this.readValue(p, t.element));
        if (t.kind === 'list') p.readListEnd();
        else p.readSetEnd();
        return out;
      }
      case 'map': {
        const { size } = p.readMapBegin();
        const stringKeys = t.key.kind === 'base' && t.key.name === 'string';
        const obj: Record<string, unknown> = {};
        const map = new Map<unknown, unknown>();
        for (let i = 0; i < size; i++) {
          const k = this.readValue(p, t.key);
          const v = this.readValue(p, t.value);
          if (stringKeys) obj[k as string] = v;
          else map.set(k, v);
        }
        p.readMapEnd();
        return stringKeys ? obj : map;
      }
      case 'named': {
        const members = this.idl.enums.get(t.name);
        if (members) {
          const n = p.readI32();
          for (const [name, value] of members) if (value === n) return name;
          return n; // a value newer than this IDL
        }
        return this.readStruct(p, this.struct(t.name));
      }
    }
  }
}
