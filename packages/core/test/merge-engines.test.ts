/**
 * Property test of the merge engines: a random stream of inserts, updates
 * and deletes over a small key space, written with random commit points
 * (so rows meet in write buffers and across files), always reads back equal
 * to a small in-memory model of the engine.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { batchToRows } from '../src/read/rows.js';
import type { FileStoreTable } from '../src/table/table.js';
import { cleanTempDirs, scratchTable } from './write-helpers.js';

afterEach(cleanTempDirs);

type Kind = '+I' | '-U' | '+U' | '-D';
type Rec = { k: number; a: number | null; b: number | null; kind: Kind };
type Row = { k: number; a: number | null; b: number | null };

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomStream(seed: number, n: number, kinds: Kind[]): Rec[] {
  const r = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  return Array.from({ length: n }, () => ({
    k: Math.floor(r() * 8),
    a: r() < 0.2 ? null : Math.floor(r() * 100),
    b: r() < 0.3 ? null : Math.floor(r() * 100),
    kind: pick(kinds),
  }));
}

/**
 * An engine's rule for one key: the merged record of a key's records in
 * order (null: no record). Paimon applies it twice: in each write buffer (one
 * commit here), then across the buffers' outputs on read; the model does too.
 */
type Combine = (recs: Rec[]) => Rec | null;

const isRetract = (k: Kind) => k === '-U' || k === '-D';

const engines: Record<string, { options: Record<string, string>; kinds: Kind[]; combine: Combine; compactFirst?: boolean }> = {
  deduplicate: {
    options: {},
    kinds: ['+I', '+U', '+U', '-D', '-U'],
    combine: (recs) => recs[recs.length - 1] ?? null,
  },
  'first-row': {
    // first-row reads only compacted files, so the table is fully compacted before reading
    options: { 'merge-engine': 'first-row', 'ignore-delete': 'true' },
    kinds: ['+I', '+I', '+U'],
    combine: (recs) => recs.find((r) => !isRetract(r.kind)) ?? null,
    compactFirst: true,
  },
  'partial-update (remove-record-on-delete)': {
    options: { 'merge-engine': 'partial-update', 'partial-update.remove-record-on-delete': 'true' },
    kinds: ['+I', '+U', '+U', '-D'],
    combine: (recs) => {
      let row: Rec | null = null;
      let deleted: Rec | null = null;
      for (const r of recs) {
        if (r.kind === '-D') {
          row = null;
          deleted = r;
          continue;
        }
        row = { k: r.k, a: r.a ?? row?.a ?? null, b: r.b ?? row?.b ?? null, kind: '+I' };
      }
      return row ?? (deleted ? { ...deleted, kind: '-D' } : null);
    },
  },
  'partial-update (ignore-delete)': {
    options: { 'merge-engine': 'partial-update', 'ignore-delete': 'true' },
    kinds: ['+I', '+U', '-D', '-U'],
    combine: (recs) => {
      let row: Rec | null = null;
      for (const r of recs) if (!isRetract(r.kind)) row = { k: r.k, a: r.a ?? row?.a ?? null, b: r.b ?? row?.b ?? null, kind: '+I' };
      return row;
    },
  },
  'aggregation (sum with retract, max)': {
    options: { 'merge-engine': 'aggregation', 'fields.a.aggregate-function': 'sum', 'fields.b.aggregate-function': 'max', 'fields.b.ignore-retract': 'true' },
    kinds: ['+I', '+I', '+U', '-U', '-D'],
    combine: (recs) => {
      let a: number | null = null;
      let b: number | null = null;
      for (const r of recs) {
        if (!isRetract(r.kind)) {
          a = a === null ? r.a : r.a === null ? a : (a + r.a) | 0;
          b = b === null ? r.b : r.b === null ? b : Math.max(b, r.b);
        } else {
          a = a === null ? (r.a === null ? null : -r.a) : r.a === null ? a : (a - r.a) | 0;
        }
      }
      return recs.length ? { k: recs[0]!.k, a, b, kind: '+I' } : null;
    },
  },
};

/** The rows the engine leaves after the given commits. */
function model(commits: Rec[][], combine: Combine): Row[] {
  const perKey = new Map<number, Rec[]>();
  for (const commit of commits) {
    const buffers = new Map<number, Rec[]>();
    for (const r of commit) buffers.set(r.k, [...(buffers.get(r.k) ?? []), r]);
    for (const [k, recs] of buffers) {
      const merged = combine(recs);
      if (merged) perKey.set(k, [...(perKey.get(k) ?? []), merged]);
    }
  }
  const rows: Row[] = [];
  for (const [k, recs] of perKey) {
    const merged = combine(recs);
    if (merged && !isRetract(merged.kind)) rows.push({ k, a: merged.a, b: merged.b });
  }
  return rows.sort((x, y) => x.k - y.k);
}

/** Writes the stream in commits of random sizes; returns the commits. */
async function writeStream(table: FileStoreTable, recs: Rec[], seed: number): Promise<Rec[][]> {
  const r = rng(seed * 7 + 1);
  const commits: Rec[][] = [];
  for (let i = 0; i < recs.length; ) {
    const part = recs.slice(i, i + 1 + Math.floor(r() * 12));
    const w = (await table.reload()).newBatchWrite();
    await w.write(part.map(({ k, a, b }) => ({ k, a, b })), { kinds: part.map((x) => x.kind) });
    await w.commit();
    commits.push(part);
    i += part.length;
  }
  return commits;
}

async function readRows(table: FileStoreTable): Promise<Row[]> {
  const t = await (await table.reload()).newScan().toArrow();
  return t.batches.flatMap(batchToRows).map((x) => ({ k: x['k'] as number, a: x['a'] as number | null, b: x['b'] as number | null })).sort((x, y) => x.k - y.k);
}

describe('merge engines read back equal to a model of the engine', () => {
  for (const [name, { options, kinds, combine, compactFirst }] of Object.entries(engines)) {
    for (const seed of [1, 2, 3]) {
      it(`${name}, seed ${seed}`, async () => {
        const table = await scratchTable([['k', 'INT'], ['a', 'INT'], ['b', 'INT']], { primaryKeys: ['k'], options: { bucket: '2', ...options } });
        const commits = await writeStream(table, randomStream(seed, 60, kinds), seed);
        const expected = model(commits, combine);
        if (!compactFirst) expect(await readRows(table)).toEqual(expected);
        // the same after a full compaction (one sorted run per bucket at the top level)
        const compacted = await (await table.reload()).compact({ full: true });
        expect(compacted?.commitKind).toBe('COMPACT');
        expect(await readRows(table)).toEqual(expected);
      });
    }
  }
});
