/**
 * Garbled ORC input: truncated files and flipped bits must end in a
 * PaimonError (CORRUPT_FILE or UNSUPPORTED_FORMAT) naming the file, or read
 * as some other data; never a hang or another kind of exception.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PaimonError } from '../src/errors.js';
import { openOrc } from '../src/io/orc/index.js';

const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/paimon-java/paimon-cpp/', import.meta.url));
const haveFixtures = existsSync(FIXTURES);

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Opens and reads everything; returns 'ok' or the error code. */
function attempt(bytes: Uint8Array, name: string): string {
  try {
    const orc = openOrc(bytes, name);
    let rows = 0;
    for (const batch of orc.read({ batchSize: 1000 })) {
      rows += batch.numRows;
      for (const child of batch.data.children) expect(child.length).toBe(batch.numRows);
    }
    orc.stripeStatistics();
    expect(rows).toBe(orc.numRows);
    return 'ok';
  } catch (e) {
    if (!(e instanceof PaimonError)) throw new Error(`${name}: not a PaimonError: ${String(e)}`, { cause: e });
    if (e.code !== 'CORRUPT_FILE' && e.code !== 'UNSUPPORTED_FORMAT') throw new Error(`${name}: code ${e.code}: ${e.message}`);
    if (!e.message.includes(name)) throw new Error(`${name}: message does not name the file: ${e.message}`);
    return e.code;
  }
}

const pick = (files: string[], pattern: RegExp): string | undefined => files.find((f) => pattern.test(f));

const samples = haveFixtures
  ? (() => {
      const files = walk(FIXTURES);
      return [
        pick(files, /append_complex_data-orc\/f1=10\/bucket-0\/data-14a30421.*\.orc$/), // decimals, timestamps, dates, binary
        pick(files, /pk_table_nested_type-orc\/.*\/data-.*\.orc$/), // struct, list, map, long, byte
        pick(files, /pk_compact_lookup-orc\/bucket-0\/data-.*\.orc$/), // uncompressed
        pick(files, /nullable_map_key-orc\/.*\.orc$/),
        pick(files, /cpp_paimon_write_apache_orc_9\.orc$/), // ORC C++ writer
        pick(files, /append_10-orc\/manifest\/manifest-[0-9a-f]{8}-/), // manifest: nested structs, arrays, binary
        pick(files, /pk_table_nested_type-orc\/manifest\/manifest-list-.*-1$/),
        pick(files, /pk_dv_index_in_data_no_external-orc\/manifest\/index-manifest-/),
      ].filter((f): f is string => f !== undefined);
    })()
  : [];

describe.skipIf(!haveFixtures)('ORC reader on garbled input', () => {
  it('has samples', () => {
    expect(samples.length).toBe(8);
  });

  for (const file of samples) {
    const name = relative(FIXTURES, file);
    const original = new Uint8Array(readFileSync(file));

    it(`${name}: reads intact`, () => {
      expect(attempt(original, name)).toBe('ok');
    });

    it(`${name}: every truncation fails as CORRUPT_FILE`, () => {
      const len = original.length;
      const cuts = new Set<number>();
      for (let n = 0; n < len; n += Math.max(1, Math.floor(len / 200))) cuts.add(n);
      for (let n = Math.max(0, len - 400); n < len; n++) cuts.add(n);
      for (const n of cuts) expect(attempt(original.slice(0, n), name), `length ${n}`).toBe('CORRUPT_FILE');
      // cut from the front (the tail is intact, the stripes are not where it says)
      for (const n of [1, 3, 10, Math.floor(len / 2)]) {
        const result = attempt(original.slice(n), name);
        expect(['CORRUPT_FILE', 'UNSUPPORTED_FORMAT']).toContain(result);
      }
    });

    it(`${name}: flipped bits and garbled bytes`, () => {
      const random = prng(0x0c0ffee ^ original.length);
      const outcomes = new Map<string, number>();
      for (let round = 0; round < 600; round++) {
        const bytes = original.slice();
        if (round < 400) {
          // one flipped bit, half of them in the file tail where the metadata lives
          const inTail = round % 2 === 0;
          const start = inTail ? Math.max(0, bytes.length - 600) : 0;
          const at = start + Math.floor(random() * (bytes.length - start));
          bytes[at]! ^= 1 << Math.floor(random() * 8);
        } else {
          // a few random bytes overwritten
          const count = 1 + Math.floor(random() * 4);
          for (let k = 0; k < count; k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
        }
        const result = attempt(bytes, name);
        outcomes.set(result, (outcomes.get(result) ?? 0) + 1);
      }
      // much of the damage is detected (flips inside uncompressed values just read as other values)
      expect(outcomes.get('CORRUPT_FILE') ?? 0).toBeGreaterThan(25);
    });
  }
});
