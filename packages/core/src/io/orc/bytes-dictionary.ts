/**
 * The string dictionary of the ORC writer: an open-addressing hash table over
 * byte ranges of one buffer (no JS strings), giving each distinct value an
 * id in order of first appearance, then a byte-wise sorted order (as Java
 * ORC's default red-black tree dictionary writes it).
 */

export class BytesDictionary {
  private table: Int32Array;
  private mask: number;
  private hashes = new Int32Array(1024);
  /** Start and length (in the source buffer) of each entry. */
  starts = new Int32Array(1024);
  lengths = new Int32Array(1024);
  size = 0;

  constructor(
    private readonly src: Uint8Array,
    expected = 1024,
  ) {
    let cap = 1024;
    while (cap < expected * 2) cap *= 2;
    this.table = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
  }

  private static hash(src: Uint8Array, start: number, len: number): number {
    let h = 0x811c9dc5 ^ len;
    const end = start + len;
    let i = start;
    for (; i + 4 <= end; i += 4) {
      const w = src[i]! | (src[i + 1]! << 8) | (src[i + 2]! << 16) | (src[i + 3]! << 24);
      h = Math.imul(h ^ w, 0x01000193);
      h ^= h >>> 15;
    }
    for (; i < end; i++) h = Math.imul(h ^ src[i]!, 0x01000193);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    return h | 0;
  }

  /** The id of the value src[start, start + len), adding it when new. */
  add(start: number, len: number): number {
    const src = this.src;
    const h = BytesDictionary.hash(src, start, len);
    const table = this.table;
    let slot = h & this.mask;
    for (;;) {
      const id = table[slot]!;
      if (id < 0) break;
      if (this.hashes[id] === h && this.lengths[id] === len) {
        const s = this.starts[id]!;
        let k = 0;
        while (k < len && src[s + k] === src[start + k]) k++;
        if (k === len) return id;
      }
      slot = (slot + 1) & this.mask;
    }
    const id = this.size++;
    if (id >= this.starts.length) this.growEntries();
    this.starts[id] = start;
    this.lengths[id] = len;
    this.hashes[id] = h;
    table[slot] = id;
    if (this.size * 2 > table.length) this.rehash();
    return id;
  }

  private growEntries(): void {
    const cap = this.starts.length * 2;
    const grow = (a: Int32Array): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.starts = grow(this.starts);
    this.lengths = grow(this.lengths);
    this.hashes = grow(this.hashes);
  }

  private rehash(): void {
    const cap = this.table.length * 2;
    const table = new Int32Array(cap).fill(-1);
    const mask = cap - 1;
    for (let id = 0; id < this.size; id++) {
      let slot = this.hashes[id]! & mask;
      while (table[slot]! >= 0) slot = (slot + 1) & mask;
      table[slot] = id;
    }
    this.table = table;
    this.mask = mask;
  }

  /** Entry ids in byte-wise (unsigned) order. */
  sortedOrder(): Int32Array {
    const n = this.size;
    const src = this.src;
    const starts = this.starts;
    const lengths = this.lengths;
    // A 6-byte prefix (digits 1..256, 0 past the end, base 257) decides most comparisons.
    const prefix = new Float64Array(n);
    for (let id = 0; id < n; id++) {
      const s = starts[id]!;
      const len = lengths[id]!;
      let p = 0;
      for (let k = 0; k < 6; k++) p = p * 257 + (k < len ? src[s + k]! + 1 : 0);
      prefix[id] = p;
    }
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => {
      const d = prefix[a]! - prefix[b]!;
      if (d !== 0) return d;
      const sa = starts[a]!;
      const sb = starts[b]!;
      const la = lengths[a]!;
      const lb = lengths[b]!;
      const m = Math.min(la, lb);
      for (let k = 6; k < m; k++) {
        const x = src[sa + k]! - src[sb + k]!;
        if (x !== 0) return x;
      }
      return la - lb;
    });
    return order;
  }
}
