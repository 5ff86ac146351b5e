/**
 * Typed access to fields of a decoded manifest record (Avro or ORC), by name,
 * with a message naming the file and field when a required one is missing.
 */
import { PaimonError } from '../errors.js';

export type RawRecord = Record<string, unknown>;

export class RecordReader {
  constructor(
    private readonly record: RawRecord,
    private readonly where: string,
  ) {}

  private missing(name: string, expected: string): PaimonError {
    return new PaimonError('CORRUPT_FILE', `${this.where}: field ${name} should be ${expected}, found ${String(this.record[name])}`);
  }

  has(name: string): boolean {
    return this.record[name] !== undefined && this.record[name] !== null;
  }

  int(name: string): number {
    const v = this.record[name];
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
    throw this.missing(name, 'an integer');
  }

  optInt(name: string): number | null {
    return this.has(name) ? this.int(name) : null;
  }

  long(name: string): bigint {
    const v = this.record[name];
    if (typeof v === 'bigint') return v;
    if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
    throw this.missing(name, 'a long');
  }

  string(name: string): string {
    const v = this.record[name];
    if (typeof v === 'string') return v;
    throw this.missing(name, 'a string');
  }

  optString(name: string): string | null {
    return this.has(name) ? this.string(name) : null;
  }

  bytes(name: string): Uint8Array {
    const v = this.record[name];
    if (v instanceof Uint8Array) return v;
    throw this.missing(name, 'bytes');
  }

  optBytes(name: string): Uint8Array | null {
    return this.has(name) ? this.bytes(name) : null;
  }

  nested(name: string): RecordReader {
    const v = this.record[name];
    if (v && typeof v === 'object' && !Array.isArray(v)) return new RecordReader(v as RawRecord, `${this.where}.${name}`);
    throw this.missing(name, 'a record');
  }

  array(name: string): unknown[] {
    const v = this.record[name];
    if (Array.isArray(v)) return v;
    throw this.missing(name, 'an array');
  }

  optArray(name: string): unknown[] | null {
    return this.has(name) ? this.array(name) : null;
  }

  stringArray(name: string): string[] {
    return this.array(name).map((x) => String(x));
  }

  optStringArray(name: string): string[] | null {
    return this.has(name) ? this.stringArray(name) : null;
  }
}
