/**
 * The iteration order of a `java.util.HashMap` with String or Integer keys:
 * the order Paimon writes a schema's `options` in (Jackson walks the map),
 * and the order a dynamic-bucket assigner tries its buckets in. A
 * HashMap iterates by hash bucket (`hash ^ (hash >>> 16)` masked by the
 * table size); keys sharing a bucket keep their insertion order, and a resize
 * splits buckets without reordering them. So the order is always a stable
 * sort of the insertion sequence by bucket at the final table size. (Buckets
 * of 8+ keys turn into trees in tables of 64+; option maps never get there.)
 */

/** Java's `String.hashCode`. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** `hashCode()` of a String, or of an Integer (its value). */
function javaHash(k: string | number): number {
  return typeof k === 'number' ? k | 0 : javaStringHash(k);
}

function stableSortByBucket<K extends string | number>(keys: readonly K[], capacity: number): K[] {
  const bucket = (k: K) => {
    const h = javaHash(k);
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  return keys
    .map((k, i) => ({ k, i, b: bucket(k) }))
    .sort((x, y) => x.b - y.b || x.i - y.i)
    .map((e) => e.k);
}

/** `HashMap.tableSizeFor`: the smallest power of two >= n (at least 1). */
function tableSizeFor(n: number): number {
  let c = 1;
  while (c < n) c *= 2;
  return c;
}

/** The key order of a Java HashMap through puts, removes and copies (values are not modelled). */
export class JavaHashMapKeys<K extends string | number = string> {
  private keys: K[] = [];
  /** `order()` until the next put or remove. */
  private ordered: K[] | null = null;
  /** Table size; 0 until the first put allocates it. */
  private capacity = 0;
  /** Size the first allocation takes (`new HashMap<>(map)` pre-sizes). */
  private initialCapacity = 16;

  /** `new HashMap<>()` with the given keys put in order. */
  static of<K extends string | number = string>(keys: Iterable<K>): JavaHashMapKeys<K> {
    const map = new JavaHashMapKeys<K>();
    for (const k of keys) map.put(k);
    return map;
  }

  /** `new HashMap<>(source)`: pre-sized to `tableSizeFor((int) (size / 0.75f + 1))`, filled in source order. */
  static copyOf<K extends string | number>(source: JavaHashMapKeys<K>): JavaHashMapKeys<K> {
    const map = new JavaHashMapKeys<K>();
    const order = source.order();
    if (order.length > 0) map.initialCapacity = tableSizeFor(Math.trunc(Math.fround(order.length / 0.75) + 1));
    for (const k of order) map.put(k);
    return map;
  }

  has(key: K): boolean {
    return this.keys.includes(key);
  }

  put(key: K): void {
    if (this.keys.includes(key)) return; // an existing key keeps its place
    if (this.capacity === 0) this.capacity = this.initialCapacity;
    this.ordered = null;
    this.keys.push(key);
    if (this.keys.length > this.capacity * 0.75) this.capacity *= 2;
  }

  /** Removing never shrinks the table. */
  remove(key: K): void {
    const i = this.keys.indexOf(key);
    if (i < 0) return;
    this.keys.splice(i, 1);
    if (this.ordered) this.ordered.splice(this.ordered.indexOf(key), 1);
  }

  /** Iteration order (a copy). */
  order(): K[] {
    if (this.capacity === 0) return [];
    this.ordered ??= stableSortByBucket(this.keys, this.capacity);
    return [...this.ordered];
  }
}

/**
 * The order Paimon writes the options of a new table in: they pass through
 * the schema builder's map (`new HashMap<>()`), then `new HashMap<>(map)` in
 * Schema's constructor. Matches every schema file in the Paimon-written
 * fixtures.
 */
export function javaHashMapOrder(keys: readonly string[]): string[] {
  return JavaHashMapKeys.copyOf(JavaHashMapKeys.of(keys)).order();
}
