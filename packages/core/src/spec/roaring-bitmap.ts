/**
 * Roaring bitmaps with the portable serialization of the RoaringFormatSpec
 * (https://github.com/RoaringBitmap/RoaringFormatSpec), written by hand so that
 * Paimon deletion vectors stay byte-compatible with Java RoaringBitmap.
 *
 * - `RoaringBitmap`: unsigned 32-bit values. Containers evolve like Java's:
 *   an array container holds up to 4096 values, then becomes a bitmap container;
 *   run containers appear only by reading them or by `runOptimize()` (which
 *   Paimon calls before every serialization, so we mirror its rules exactly).
 * - `Roaring64Bitmap`: the 64-bit "portable" layout (int64 LE bucket count, then
 *   per bucket a uint32 LE high key and a 32-bit portable bitmap), as written by
 *   Iceberg / Paimon (`OptimizedRoaringBitmap64`) and `Roaring64NavigableMap`.
 *   Values are JS numbers, so high keys are limited to 2^21 (safe integers).
 *
 * Hot paths (`fillMask`, `toUint32Array`) walk containers with typed arrays.
 */

const SERIAL_COOKIE_NO_RUN = 12346;
const SERIAL_COOKIE = 12347;
/** With run containers, the offset header is only written for at least this many containers. */
const NO_OFFSET_THRESHOLD = 4;
const ARRAY_MAX = 4096;
const BITMAP_WORDS = 2048; // 65536 bits as uint32 words
const BITMAP_BYTES = 8192;
const TWO_32 = 0x1_0000_0000;
/** Highest 64-bit bucket key whose positions are still safe JS integers. */
const MAX_KEY64 = Math.floor(Number.MAX_SAFE_INTEGER / TWO_32);

/** Thrown on malformed or truncated serialized bitmaps. */
export class RoaringFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RoaringFormatError';
  }
}

// ---------------------------------------------------------------------------
// Containers: 16-bit low halves of the values sharing one 16-bit high key.

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** First index i < n with a[i] >= v (n if none). */
function lowerBound(a: Uint16Array, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

type Container = ArrayContainer | BitmapContainer | RunContainer;

/** Sorted uint16 values; `vals` may have spare capacity beyond `card`. */
class ArrayContainer {
  readonly kind = 'array';
  constructor(
    public vals: Uint16Array,
    public card: number,
  ) {}

  has(v: number): boolean {
    const i = lowerBound(this.vals, this.card, v);
    return i < this.card && this.vals[i] === v;
  }

  /** Returns the container to keep (a bitmap once past 4096 values, as Java does). */
  add(v: number): Container {
    const i = lowerBound(this.vals, this.card, v);
    if (i < this.card && this.vals[i] === v) return this;
    if (this.card >= ARRAY_MAX) return BitmapContainer.fromValues(this.vals, this.card).add(v);
    if (this.card === this.vals.length) {
      const grown = new Uint16Array(Math.min(ARRAY_MAX, Math.max(4, this.vals.length * 2)));
      grown.set(this.vals);
      this.vals = grown;
    }
    this.vals.copyWithin(i + 1, i, this.card);
    this.vals[i] = v;
    this.card++;
    return this;
  }

  max(): number {
    return this.vals[this.card - 1]!;
  }

  runCount(): number {
    const a = this.vals;
    let runs = this.card > 0 ? 1 : 0;
    for (let i = 1; i < this.card; i++) if (a[i] !== a[i - 1]! + 1) runs++;
    return runs;
  }

  /** Java ArrayContainer.runOptimize: a run container if strictly smaller. */
  runOptimize(): Container {
    const runs = this.runCount();
    return this.card * 2 > 2 + 4 * runs ? RunContainer.fromSorted(this.vals, this.card, runs) : this;
  }

  fill(out: Uint8Array, off: number, lo: number, hi: number, value: number): void {
    const a = this.vals;
    for (let i = lowerBound(a, this.card, lo); i < this.card; i++) {
      const v = a[i]!;
      if (v >= hi) break;
      out[off + v] = value;
    }
  }

  copy(out: Uint32Array, pos: number, base: number, hi: number): number {
    const a = this.vals;
    for (let i = 0; i < this.card; i++) {
      const v = a[i]!;
      if (v >= hi) break;
      out[pos++] = base + v;
    }
    return pos;
  }

  forEach(base: number, fn: (x: number) => void): void {
    for (let i = 0; i < this.card; i++) fn(base + this.vals[i]!);
  }

  byteSize(): number {
    return this.card * 2;
  }

  write(view: DataView, off: number): number {
    for (let i = 0; i < this.card; i++, off += 2) view.setUint16(off, this.vals[i]!, true);
    return off;
  }
}

/** 65536 bits, bit v of the container is bit (v & 31) of words[v >>> 5]. */
class BitmapContainer {
  readonly kind = 'bitmap';
  constructor(
    public words: Uint32Array,
    public card: number,
  ) {}

  static fromValues(vals: Uint16Array, n: number): BitmapContainer {
    const words = new Uint32Array(BITMAP_WORDS);
    for (let i = 0; i < n; i++) words[vals[i]! >>> 5]! |= 1 << (vals[i]! & 31);
    return new BitmapContainer(words, n);
  }

  has(v: number): boolean {
    return ((this.words[v >>> 5]! >>> (v & 31)) & 1) !== 0;
  }

  add(v: number): Container {
    const w = v >>> 5;
    const m = 1 << (v & 31);
    if ((this.words[w]! & m) === 0) {
      this.words[w]! |= m;
      this.card++;
    }
    return this;
  }

  max(): number {
    for (let i = BITMAP_WORDS - 1; ; i--) if (this.words[i] !== 0) return (i << 5) + 31 - Math.clz32(this.words[i]!);
  }

  /** Number of maximal runs of set bits: count the bits whose predecessor is clear. */
  runCount(): number {
    const w = this.words;
    let runs = 0;
    let carry = 0; // top bit of the previous word
    for (let i = 0; i < BITMAP_WORDS; i++) {
      const x = w[i]!;
      runs += popcount32(x & ~((x << 1) | carry));
      carry = x >>> 31;
    }
    return runs;
  }

  /** Java BitmapContainer.runOptimize: a run container if smaller than 8192 bytes. */
  runOptimize(): Container {
    const runs = this.runCount();
    if (BITMAP_BYTES <= 2 + 4 * runs) return this;
    const pairs = new Uint16Array(runs * 2);
    let n = 0;
    let start = -1;
    for (let v = 0; v <= 0x10000; v++) {
      const set = v < 0x10000 && ((this.words[v >>> 5]! >>> (v & 31)) & 1) !== 0;
      if (set && start < 0) start = v;
      else if (!set && start >= 0) {
        pairs[n++] = start;
        pairs[n++] = v - 1 - start;
        start = -1;
      }
    }
    return new RunContainer(pairs, runs, this.card);
  }

  fill(out: Uint8Array, off: number, lo: number, hi: number, value: number): void {
    const w = this.words;
    const last = (hi - 1) >>> 5;
    for (let i = lo >>> 5; i <= last; i++) {
      let x = w[i]!;
      if (x === 0) continue;
      const base = i << 5;
      if (base < lo) x &= -1 << (lo - base);
      if (base + 32 > hi) x &= (1 << (hi - base)) - 1; // hi - base in 1..31 here
      while (x !== 0) {
        const t = x & -x;
        out[off + base + 31 - Math.clz32(t)] = value;
        x ^= t;
      }
    }
  }

  copy(out: Uint32Array, pos: number, base: number, hi: number): number {
    const w = this.words;
    const last = (hi - 1) >>> 5;
    for (let i = 0; i <= last; i++) {
      let x = w[i]!;
      if (x === 0) continue;
      const b = i << 5;
      if (b + 32 > hi) x &= (1 << (hi - b)) - 1;
      while (x !== 0) {
        const t = x & -x;
        out[pos++] = base + b + 31 - Math.clz32(t);
        x ^= t;
      }
    }
    return pos;
  }

  forEach(base: number, fn: (x: number) => void): void {
    const w = this.words;
    for (let i = 0; i < BITMAP_WORDS; i++) {
      let x = w[i]!;
      while (x !== 0) {
        const t = x & -x;
        fn(base + (i << 5) + 31 - Math.clz32(t));
        x ^= t;
      }
    }
  }

  byteSize(): number {
    return BITMAP_BYTES;
  }

  write(view: DataView, off: number): number {
    // 1024 little-endian uint64 words == 2048 little-endian uint32 words, low half first.
    for (let i = 0; i < BITMAP_WORDS; i++, off += 4) view.setUint32(off, this.words[i]!, true);
    return off;
  }
}

/** Runs as (start, length - 1) uint16 pairs, sorted and non-adjacent. */
class RunContainer {
  readonly kind = 'run';
  constructor(
    public pairs: Uint16Array,
    public nRuns: number,
    public card: number,
  ) {}

  static fromSorted(vals: Uint16Array, n: number, runs: number): RunContainer {
    const pairs = new Uint16Array(runs * 2);
    let k = 0;
    for (let i = 0; i < n; ) {
      const start = vals[i]!;
      let j = i + 1;
      while (j < n && vals[j] === vals[j - 1]! + 1) j++;
      pairs[k++] = start;
      pairs[k++] = j - 1 - i;
      i = j;
    }
    return new RunContainer(pairs, runs, n);
  }

  max(): number {
    return this.pairs[2 * this.nRuns - 2]! + this.pairs[2 * this.nRuns - 1]!;
  }

  /** Index of the last run starting at or before v, -1 if none. */
  private runAtOrBefore(v: number): number {
    let lo = 0;
    let hi = this.nRuns;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.pairs[2 * mid]! <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  has(v: number): boolean {
    const i = this.runAtOrBefore(v);
    return i >= 0 && v <= this.pairs[2 * i]! + this.pairs[2 * i + 1]!;
  }

  /** Stays a run container, like Java's RunContainer.add. */
  add(v: number): Container {
    const p = this.pairs;
    const i = this.runAtOrBefore(v);
    const end = i >= 0 ? p[2 * i]! + p[2 * i + 1]! : -2;
    if (v <= end) return this;
    this.card++;
    const joinsPrev = end + 1 === v;
    const joinsNext = i + 1 < this.nRuns && p[2 * (i + 1)] === v + 1;
    if (joinsPrev && joinsNext) {
      p[2 * i + 1] = p[2 * (i + 1)]! + p[2 * (i + 1) + 1]! - p[2 * i]!;
      p.copyWithin(2 * (i + 1), 2 * (i + 2), 2 * this.nRuns);
      this.nRuns--;
    } else if (joinsPrev) {
      p[2 * i + 1]!++;
    } else if (joinsNext) {
      p[2 * (i + 1)] = v;
      p[2 * (i + 1) + 1]!++;
    } else {
      if (2 * this.nRuns === p.length) {
        const grown = new Uint16Array(Math.max(4, p.length * 2));
        grown.set(p);
        this.pairs = grown;
      }
      this.pairs.copyWithin(2 * (i + 2), 2 * (i + 1), 2 * this.nRuns);
      this.pairs[2 * (i + 1)] = v;
      this.pairs[2 * (i + 1) + 1] = 0;
      this.nRuns++;
    }
    return this;
  }

  /** Java RunContainer.toEfficientContainer: keep runs unless array or bitmap is smaller. */
  runOptimize(): Container {
    const runSize = 2 + 4 * this.nRuns;
    if (runSize <= Math.min(BITMAP_BYTES, 2 + 2 * this.card)) return this;
    if (this.card <= ARRAY_MAX) {
      const vals = new Uint16Array(this.card);
      let k = 0;
      for (let r = 0; r < this.nRuns; r++) {
        const s = this.pairs[2 * r]!;
        for (let v = s, e = s + this.pairs[2 * r + 1]!; v <= e; v++) vals[k++] = v;
      }
      return new ArrayContainer(vals, this.card);
    }
    const words = new Uint32Array(BITMAP_WORDS);
    this.fillWords(words);
    return new BitmapContainer(words, this.card);
  }

  private fillWords(words: Uint32Array): void {
    for (let r = 0; r < this.nRuns; r++) {
      const s = this.pairs[2 * r]!;
      for (let v = s, e = s + this.pairs[2 * r + 1]!; v <= e; v++) words[v >>> 5]! |= 1 << (v & 31);
    }
  }

  fill(out: Uint8Array, off: number, lo: number, hi: number, value: number): void {
    const p = this.pairs;
    for (let r = Math.max(0, this.runAtOrBefore(lo)); r < this.nRuns; r++) {
      const s = p[2 * r]!;
      if (s >= hi) break;
      const a = Math.max(s, lo);
      const b = Math.min(s + p[2 * r + 1]! + 1, hi);
      if (a < b) out.fill(value, off + a, off + b);
    }
  }

  copy(out: Uint32Array, pos: number, base: number, hi: number): number {
    const p = this.pairs;
    for (let r = 0; r < this.nRuns; r++) {
      const s = p[2 * r]!;
      const e = Math.min(s + p[2 * r + 1]! + 1, hi);
      for (let v = s; v < e; v++) out[pos++] = base + v;
      if (e === hi) break;
    }
    return pos;
  }

  forEach(base: number, fn: (x: number) => void): void {
    for (let r = 0; r < this.nRuns; r++) {
      const s = this.pairs[2 * r]!;
      for (let v = s, e = s + this.pairs[2 * r + 1]!; v <= e; v++) fn(base + v);
    }
  }

  byteSize(): number {
    return 2 + 4 * this.nRuns;
  }

  write(view: DataView, off: number): number {
    view.setUint16(off, this.nRuns, true);
    off += 2;
    for (let i = 0; i < 2 * this.nRuns; i++, off += 2) view.setUint16(off, this.pairs[i]!, true);
    return off;
  }
}

// ---------------------------------------------------------------------------
// Bounds-checked little-endian reading.

class ByteReader {
  private readonly view: DataView;
  constructor(
    private readonly bytes: Uint8Array,
    public pos: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  need(n: number, what: string): void {
    if (this.pos + n > this.bytes.length) {
      throw new RoaringFormatError(`truncated roaring bitmap: ${what} needs ${n} bytes at offset ${this.pos}, only ${this.bytes.length - this.pos} left`);
    }
  }

  u16(): number {
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32(): number {
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
}

function readContainer(r: ByteReader, isRun: boolean, card: number, key: number): Container {
  if (isRun) {
    r.need(2, `run container ${key}`);
    const nRuns = r.u16();
    r.need(4 * nRuns, `run container ${key}`);
    const pairs = new Uint16Array(2 * nRuns);
    let total = 0;
    let prevEnd = -2;
    for (let i = 0; i < nRuns; i++) {
      const s = r.u16();
      const len = r.u16();
      if (s <= prevEnd + 1 || s + len > 0xffff) throw new RoaringFormatError(`run container ${key}: runs overlap, touch or overflow`);
      pairs[2 * i] = s;
      pairs[2 * i + 1] = len;
      prevEnd = s + len;
      total += len + 1;
    }
    if (total !== card) throw new RoaringFormatError(`run container ${key}: header cardinality ${card}, runs hold ${total}`);
    return new RunContainer(pairs, nRuns, card);
  }
  if (card <= ARRAY_MAX) {
    r.need(2 * card, `array container ${key}`);
    const vals = new Uint16Array(card);
    let prev = -1;
    for (let i = 0; i < card; i++) {
      const v = r.u16();
      if (v <= prev) throw new RoaringFormatError(`array container ${key}: values not strictly ascending`);
      vals[i] = prev = v;
    }
    return new ArrayContainer(vals, card);
  }
  r.need(BITMAP_BYTES, `bitmap container ${key}`);
  const words = new Uint32Array(BITMAP_WORDS);
  let total = 0;
  for (let i = 0; i < BITMAP_WORDS; i++) total += popcount32((words[i] = r.u32()));
  if (total !== card) throw new RoaringFormatError(`bitmap container ${key}: header cardinality ${card}, bitmap holds ${total}`);
  return new BitmapContainer(words, card);
}

// ---------------------------------------------------------------------------

/** A set of unsigned 32-bit integers. */
export class RoaringBitmap {
  /** Sorted 16-bit high keys, parallel to `containers`; no container is empty. */
  private keys: number[] = [];
  private containers: Container[] = [];
  private card = 0;

  static of(...values: number[]): RoaringBitmap {
    return RoaringBitmap.from(values);
  }

  static from(values: Iterable<number>): RoaringBitmap {
    const b = new RoaringBitmap();
    for (const v of values) b.add(v);
    return b;
  }

  /** Reads a portable bitmap that must span exactly `bytes`. */
  static deserialize(bytes: Uint8Array): RoaringBitmap {
    const { bitmap, end } = RoaringBitmap.deserializeAt(bytes, 0);
    if (end !== bytes.length) throw new RoaringFormatError(`${bytes.length - end} trailing bytes after roaring bitmap`);
    return bitmap;
  }

  /** Reads a portable bitmap starting at `offset`; `end` is the offset just past it. */
  static deserializeAt(bytes: Uint8Array, offset: number): { bitmap: RoaringBitmap; end: number } {
    const r = new ByteReader(bytes, offset);
    r.need(4, 'cookie');
    const cookie = r.u32();
    let size: number;
    let runFlags: Uint8Array | null = null;
    if ((cookie & 0xffff) === SERIAL_COOKIE) {
      size = (cookie >>> 16) + 1;
      const n = (size + 7) >>> 3;
      r.need(n, 'run-container flags');
      runFlags = bytes.subarray(r.pos, r.pos + n);
      r.pos += n;
    } else if (cookie === SERIAL_COOKIE_NO_RUN) {
      r.need(4, 'container count');
      size = r.u32();
      if (size > 0x10000) throw new RoaringFormatError(`container count ${size} exceeds 65536`);
    } else {
      throw new RoaringFormatError(`bad roaring cookie ${cookie}`);
    }
    r.need(4 * size, 'container headers');
    const keys: number[] = new Array(size);
    const cards: number[] = new Array(size);
    for (let i = 0; i < size; i++) {
      keys[i] = r.u16();
      cards[i] = r.u16() + 1;
      if (i > 0 && keys[i]! <= keys[i - 1]!) throw new RoaringFormatError('container keys not strictly ascending');
    }
    // Containers follow back to back, so the offset header is redundant for a sequential read.
    if (runFlags === null || size >= NO_OFFSET_THRESHOLD) {
      r.need(4 * size, 'container offsets');
      r.pos += 4 * size;
    }
    const b = new RoaringBitmap();
    for (let i = 0; i < size; i++) {
      const isRun = runFlags !== null && ((runFlags[i >>> 3]! >>> (i & 7)) & 1) === 1;
      b.keys.push(keys[i]!);
      b.containers.push(readContainer(r, isRun, cards[i]!, keys[i]!));
      b.card += cards[i]!;
    }
    return { bitmap: b, end: r.pos };
  }

  get cardinality(): number {
    return this.card;
  }

  isEmpty(): boolean {
    return this.card === 0;
  }

  /** The largest member, or undefined when empty. */
  last(): number | undefined {
    const n = this.keys.length;
    return n === 0 ? undefined : this.keys[n - 1]! * 0x10000 + this.containers[n - 1]!.max();
  }

  /** Index of `key` in `keys`, or -(insertion point) - 1. */
  private findKey(key: number): number {
    const k = this.keys;
    // Appends and lookups tend to hit the last container.
    const n = k.length;
    if (n > 0 && k[n - 1] === key) return n - 1;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (k[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo < n && k[lo] === key ? lo : -lo - 1;
  }

  contains(x: number): boolean {
    if (!(x >= 0 && x < TWO_32) || !Number.isInteger(x)) return false;
    const i = this.findKey(x >>> 16);
    return i >= 0 && this.containers[i]!.has(x & 0xffff);
  }

  /** Adds x (an integer in [0, 2^32)); returns whether it was absent. */
  add(x: number): boolean {
    if (!(x >= 0 && x < TWO_32) || !Number.isInteger(x)) throw new RangeError(`roaring bitmap value out of range: ${x}`);
    const key = x >>> 16;
    const low = x & 0xffff;
    let i = this.findKey(key);
    if (i < 0) {
      i = -i - 1;
      this.keys.splice(i, 0, key);
      this.containers.splice(i, 0, new ArrayContainer(new Uint16Array(4), 0));
    }
    const c = this.containers[i]!;
    const before = c.card;
    const next = c.add(low);
    this.containers[i] = next;
    if (next.card === before) return false;
    this.card++;
    return true;
  }

  /** Converts containers to run containers where smaller (and back), exactly as Java's runOptimize. */
  runOptimize(): boolean {
    let anyRun = false;
    for (let i = 0; i < this.containers.length; i++) {
      const c = this.containers[i]!.runOptimize();
      this.containers[i] = c;
      if (c.kind === 'run') anyRun = true;
    }
    return anyRun;
  }

  hasRunContainer(): boolean {
    return this.containers.some((c) => c.kind === 'run');
  }

  /** Container kinds in key order (for tests and diagnostics). */
  containerKinds(): ('array' | 'bitmap' | 'run')[] {
    return this.containers.map((c) => c.kind);
  }

  forEach(fn: (x: number) => void): void {
    for (let i = 0; i < this.keys.length; i++) this.containers[i]!.forEach(this.keys[i]! * 0x10000, fn);
  }

  *[Symbol.iterator](): IterableIterator<number> {
    // Materialize per container so iteration never sees a half-mutated container.
    for (let i = 0; i < this.keys.length; i++) {
      const out = new Uint32Array(this.containers[i]!.card);
      this.containers[i]!.copy(out, 0, this.keys[i]! * 0x10000, 0x10000);
      yield* out;
    }
  }

  /** Values below `limit`, ascending. */
  toUint32Array(limit: number = TWO_32): Uint32Array {
    const out = new Uint32Array(this.card);
    let pos = 0;
    for (let i = 0; i < this.keys.length; i++) {
      const base = this.keys[i]! * 0x10000;
      if (base >= limit) break;
      pos = this.containers[i]!.copy(out, pos, base, Math.min(0x10000, limit - base));
    }
    return pos === out.length ? out : out.subarray(0, pos);
  }

  /** Sets out[x - start] = value for every member x in [start, start + out.length). */
  fillMask(out: Uint8Array, start = 0, value = 1): void {
    const end = start + out.length;
    if (out.length === 0 || end <= 0 || start >= TWO_32) return;
    let i = this.findKey(Math.max(0, Math.floor(start / 0x10000)));
    if (i < 0) i = -i - 1;
    for (; i < this.keys.length; i++) {
      const base = this.keys[i]! * 0x10000;
      if (base >= end) break;
      const lo = Math.max(start, base) - base;
      const hi = Math.min(end, base + 0x10000) - base;
      this.containers[i]!.fill(out, base - start, lo, hi, value);
    }
  }

  /** A mask of length n with 1 at every member below n. */
  toMask(n: number): Uint8Array {
    const out = new Uint8Array(n);
    this.fillMask(out, 0, 1);
    return out;
  }

  equals(other: RoaringBitmap): boolean {
    if (other.card !== this.card) return false;
    const a = this.toUint32Array();
    const b = other.toUint32Array();
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  serializedSizeInBytes(): number {
    const size = this.keys.length;
    const hasRun = this.hasRunContainer();
    let bytes = hasRun ? 4 + ((size + 7) >>> 3) + 4 * size + (size >= NO_OFFSET_THRESHOLD ? 4 * size : 0) : 8 + 8 * size;
    for (const c of this.containers) bytes += c.byteSize();
    return bytes;
  }

  /** Portable serialization of the containers as they are (call `runOptimize()` first to get runs). */
  serialize(): Uint8Array {
    const out = new Uint8Array(this.serializedSizeInBytes());
    this.serializeInto(out, 0);
    return out;
  }

  /** Writes the portable serialization at `offset`; returns the offset just past it. */
  serializeInto(out: Uint8Array, offset: number): number {
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    const size = this.keys.length;
    const hasRun = this.hasRunContainer();
    const start = offset;
    let off = offset;
    if (hasRun) {
      view.setUint32(off, (SERIAL_COOKIE | ((size - 1) << 16)) >>> 0, true);
      off += 4;
      const flagBytes = (size + 7) >>> 3;
      out.fill(0, off, off + flagBytes);
      for (let i = 0; i < size; i++) if (this.containers[i]!.kind === 'run') out[off + (i >>> 3)]! |= 1 << (i & 7);
      off += flagBytes;
    } else {
      view.setUint32(off, SERIAL_COOKIE_NO_RUN, true);
      view.setUint32(off + 4, size, true);
      off += 8;
    }
    for (let i = 0; i < size; i++, off += 4) {
      view.setUint16(off, this.keys[i]!, true);
      view.setUint16(off + 2, this.containers[i]!.card - 1, true);
    }
    if (!hasRun || size >= NO_OFFSET_THRESHOLD) {
      // Offsets are relative to the start of this bitmap's serialization.
      let containerOff = off + 4 * size - start;
      for (let i = 0; i < size; i++, off += 4) {
        view.setUint32(off, containerOff, true);
        containerOff += this.containers[i]!.byteSize();
      }
    }
    for (const c of this.containers) off = c.write(view, off);
    return off;
  }
}

/** A set of non-negative integer positions up to 2^53 - 1, bucketed by their high 32 bits. */
export class Roaring64Bitmap {
  /** Sorted high keys, parallel to `buckets`; buckets may be empty only after deserializing. */
  private keys: number[] = [];
  private buckets: RoaringBitmap[] = [];

  static from(values: Iterable<number>): Roaring64Bitmap {
    const b = new Roaring64Bitmap();
    for (const v of values) b.add(v);
    return b;
  }

  /** Wraps a 32-bit bitmap as bucket 0 (shared, not copied). */
  static fromRoaring32(bitmap: RoaringBitmap): Roaring64Bitmap {
    const b = new Roaring64Bitmap();
    b.keys.push(0);
    b.buckets.push(bitmap);
    return b;
  }

  /** Reads a 64-bit portable bitmap that must span exactly `bytes`. */
  static deserialize(bytes: Uint8Array): Roaring64Bitmap {
    const { bitmap, end } = Roaring64Bitmap.deserializeAt(bytes, 0);
    if (end !== bytes.length) throw new RoaringFormatError(`${bytes.length - end} trailing bytes after 64-bit roaring bitmap`);
    return bitmap;
  }

  static deserializeAt(bytes: Uint8Array, offset: number): { bitmap: Roaring64Bitmap; end: number } {
    const r = new ByteReader(bytes, offset);
    r.need(8, 'bucket count');
    const countLo = r.u32();
    const countHi = r.u32();
    if (countHi !== 0 || countLo > 0x7fffffff) throw new RoaringFormatError(`bad 64-bit bucket count ${countHi * TWO_32 + countLo}`);
    const b = new Roaring64Bitmap();
    let pos = r.pos;
    for (let i = 0; i < countLo; i++) {
      r.pos = pos;
      r.need(4, 'bucket key');
      const key = r.u32();
      if (i > 0 && key <= b.keys[i - 1]!) throw new RoaringFormatError('64-bit bucket keys not strictly ascending');
      if (key > MAX_KEY64) throw new RoaringFormatError(`64-bit bucket key ${key} holds positions beyond 2^53`);
      const { bitmap, end } = RoaringBitmap.deserializeAt(bytes, r.pos);
      b.keys.push(key);
      b.buckets.push(bitmap);
      pos = end;
    }
    return { bitmap: b, end: pos };
  }

  get cardinality(): number {
    let n = 0;
    for (const bucket of this.buckets) n += bucket.cardinality;
    return n;
  }

  isEmpty(): boolean {
    return this.cardinality === 0;
  }

  /** The bucket for `key`, or null. */
  bucket(key: number): RoaringBitmap | null {
    if (this.keys[0] === key) return this.buckets[0]!; // the usual single-bucket case
    const i = this.keys.indexOf(key);
    return i >= 0 ? this.buckets[i]! : null;
  }

  /** High keys of the stored buckets, ascending. */
  bucketKeys(): readonly number[] {
    return this.keys;
  }

  contains(x: number): boolean {
    if (!(x >= 0 && x <= Number.MAX_SAFE_INTEGER) || !Number.isInteger(x)) return false;
    const b = this.bucket(Math.floor(x / TWO_32));
    return b !== null && b.contains(x >>> 0);
  }

  add(x: number): boolean {
    if (!(x >= 0 && x <= Number.MAX_SAFE_INTEGER) || !Number.isInteger(x)) throw new RangeError(`64-bit roaring value out of range: ${x}`);
    const key = Math.floor(x / TWO_32);
    let b = this.bucket(key);
    if (b === null) {
      let i = 0;
      while (i < this.keys.length && this.keys[i]! < key) i++;
      b = new RoaringBitmap();
      this.keys.splice(i, 0, key);
      this.buckets.splice(i, 0, b);
    }
    return b.add(x >>> 0);
  }

  runOptimize(): boolean {
    let any = false;
    for (const b of this.buckets) any = b.runOptimize() || any;
    return any;
  }

  forEach(fn: (x: number) => void): void {
    for (let i = 0; i < this.keys.length; i++) {
      const base = this.keys[i]! * TWO_32;
      this.buckets[i]!.forEach((low) => fn(base + low));
    }
  }

  *[Symbol.iterator](): IterableIterator<number> {
    for (let i = 0; i < this.keys.length; i++) {
      const base = this.keys[i]! * TWO_32;
      for (const low of this.buckets[i]!.toUint32Array()) yield base + low;
    }
  }

  /** Values below `limit`, ascending (Float64Array: positions may exceed 2^32). */
  toFloat64Array(limit: number = Number.MAX_SAFE_INTEGER + 1): Float64Array {
    const out = new Float64Array(this.cardinality);
    let pos = 0;
    for (let i = 0; i < this.keys.length; i++) {
      const base = this.keys[i]! * TWO_32;
      if (base >= limit) break;
      const lows = this.buckets[i]!.toUint32Array(Math.min(TWO_32, limit - base));
      for (let j = 0; j < lows.length; j++) out[pos++] = base + lows[j]!;
    }
    return pos === out.length ? out : out.subarray(0, pos);
  }

  /** Sets out[x - start] = value for every member x in [start, start + out.length). */
  fillMask(out: Uint8Array, start = 0, value = 1): void {
    const end = start + out.length;
    for (let i = 0; i < this.keys.length; i++) {
      const base = this.keys[i]! * TWO_32;
      if (base >= end) break;
      if (base + TWO_32 <= start) continue;
      if (base >= start) {
        // The bucket starts inside the window: hand it the tail of `out`.
        this.buckets[i]!.fillMask(out.subarray(base - start, Math.min(out.length, base - start + TWO_32)), 0, value);
      } else {
        this.buckets[i]!.fillMask(out, start - base, value);
      }
    }
  }

  toMask(n: number): Uint8Array {
    const out = new Uint8Array(n);
    this.fillMask(out, 0, 1);
    return out;
  }

  /**
   * `denseKeys` writes a bucket for every key from 0 to the highest one, empty
   * buckets included, as Iceberg and Paimon's OptimizedRoaringBitmap64 do (it
   * keeps a dense array of buckets); otherwise only the stored buckets.
   */
  serializedSizeInBytes(options: { denseKeys?: boolean } = {}): number {
    let size = 8;
    for (const b of this.buckets) size += 4 + b.serializedSizeInBytes();
    if (options.denseKeys && this.keys.length > 0) size += (this.keys.at(-1)! + 1 - this.keys.length) * 12;
    return size;
  }

  serialize(options: { denseKeys?: boolean } = {}): Uint8Array {
    const out = new Uint8Array(this.serializedSizeInBytes(options));
    this.serializeInto(out, 0, options);
    return out;
  }

  serializeInto(out: Uint8Array, offset: number, options: { denseKeys?: boolean } = {}): number {
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    const dense = options.denseKeys === true;
    const count = dense ? (this.keys.length > 0 ? this.keys.at(-1)! + 1 : 0) : this.keys.length;
    view.setUint32(offset, count, true);
    view.setUint32(offset + 4, 0, true);
    let off = offset + 8;
    const empty = new RoaringBitmap();
    let next = 0; // next key to write in dense mode
    for (let i = 0; i < this.keys.length; i++) {
      const key = this.keys[i]!;
      for (; dense && next < key; next++) {
        view.setUint32(off, next, true);
        off = empty.serializeInto(out, off + 4);
      }
      view.setUint32(off, key, true);
      off = this.buckets[i]!.serializeInto(out, off + 4);
      next = key + 1;
    }
    return off;
  }
}
