/**
 * Open-addressing hash tables over typed arrays for the key hashes of
 * dynamic-bucket tables (Paimon's IntHashSet and Int2ShortHashMap): a few
 * bytes per key and no per-entry objects, where a JS Map would cost tens of
 * bytes per key and stops at 2^24 entries. Slot value 0 means free, so the
 * key 0 is tracked on the side.
 */

const MAX_LOAD = 0.5;

function slotOf(key: number, mask: number): number {
  let h = Math.imul(key ^ (key >>> 16), 0x45d9f3b);
  h ^= h >>> 16;
  return h & mask;
}

function capacityFor(expected: number): number {
  let c = 16;
  while (c * MAX_LOAD < expected) c *= 2;
  return c;
}

export class IntHashSet {
  private keys: Int32Array;
  private mask: number;
  private stored = 0;
  private hasZero = false;

  constructor(expected = 0) {
    this.keys = new Int32Array(capacityFor(expected));
    this.mask = this.keys.length - 1;
  }

  get size(): number {
    return this.stored + (this.hasZero ? 1 : 0);
  }

  /** Adds the key; false when it was already there. */
  add(key: number): boolean {
    if (key === 0) {
      if (this.hasZero) return false;
      return (this.hasZero = true);
    }
    let i = slotOf(key, this.mask);
    for (let k = this.keys[i]!; k !== 0; k = this.keys[i]!) {
      if (k === key) return false;
      i = (i + 1) & this.mask;
    }
    this.keys[i] = key;
    if (++this.stored > this.keys.length * MAX_LOAD) this.grow();
    return true;
  }

  has(key: number): boolean {
    if (key === 0) return this.hasZero;
    for (let i = slotOf(key, this.mask), k = this.keys[i]!; k !== 0; i = (i + 1) & this.mask, k = this.keys[i]!) {
      if (k === key) return true;
    }
    return false;
  }

  /** The keys, in table order. */
  toArray(): Int32Array {
    const out = new Int32Array(this.size);
    let at = 0;
    if (this.hasZero) out[at++] = 0;
    for (const k of this.keys) if (k !== 0) out[at++] = k;
    return out;
  }

  private grow(): void {
    const old = this.keys;
    this.keys = new Int32Array(old.length * 2);
    this.mask = this.keys.length - 1;
    for (const k of old) {
      if (k === 0) continue;
      let i = slotOf(k, this.mask);
      while (this.keys[i] !== 0) i = (i + 1) & this.mask;
      this.keys[i] = k;
    }
  }
}

/** int key -> value in 0..32767 (a bucket id, stored as a short like Paimon's map); -1 when absent. */
export class IntShortHashMap {
  private keys: Int32Array;
  private values: Int16Array;
  private mask: number;
  private stored = 0;
  private zeroValue = -1;

  constructor(expected = 0) {
    this.keys = new Int32Array(capacityFor(expected));
    this.values = new Int16Array(this.keys.length);
    this.mask = this.keys.length - 1;
  }

  get size(): number {
    return this.stored + (this.zeroValue >= 0 ? 1 : 0);
  }

  get(key: number): number {
    if (key === 0) return this.zeroValue;
    for (let i = slotOf(key, this.mask), k = this.keys[i]!; k !== 0; i = (i + 1) & this.mask, k = this.keys[i]!) {
      if (k === key) return this.values[i]!;
    }
    return -1;
  }

  set(key: number, value: number): void {
    if (key === 0) {
      this.zeroValue = value;
      return;
    }
    let i = slotOf(key, this.mask);
    for (let k = this.keys[i]!; k !== 0; k = this.keys[i]!) {
      if (k === key) {
        this.values[i] = value;
        return;
      }
      i = (i + 1) & this.mask;
    }
    this.keys[i] = key;
    this.values[i] = value;
    if (++this.stored > this.keys.length * MAX_LOAD) this.grow();
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    this.keys = new Int32Array(oldKeys.length * 2);
    this.values = new Int16Array(this.keys.length);
    this.mask = this.keys.length - 1;
    for (let j = 0; j < oldKeys.length; j++) {
      const k = oldKeys[j]!;
      if (k === 0) continue;
      let i = slotOf(k, this.mask);
      while (this.keys[i] !== 0) i = (i + 1) & this.mask;
      this.keys[i] = k;
      this.values[i] = oldValues[j]!;
    }
  }
}
