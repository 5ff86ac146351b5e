/**
 * Writing deletion vectors: compactions of a `deletion-vectors.enabled`
 * table look older versions of their keys up, mark them deleted and fold
 * them in, so a batch read is file by file (no merge, level 0 skipped) and
 * still equals a model of the merge engine.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { batchToRows } from '../src/read/rows.js';
import type { FileStoreTable } from '../src/table/table.js';
import { cleanTempDirs, scratchTable } from './write-helpers.js';

afterEach(cleanTempDirs);

type Row = { k: number; v: number | null };

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function read(table: FileStoreTable): Promise<Row[]> {
  const t = await table.reload();
  const scan = t.newScan();
  const plan = await scan.plan();
  // a deletion-vector table reads without merging, level 0 unseen
  for (const split of plan.splits) {
    expect(split.rawConvertible).toBe(true);
    expect(split.files.every((f) => f.level > 0)).toBe(true);
  }
  const out = await scan.toArrow();
  return out.batches.flatMap(batchToRows).map((r) => ({ k: r['k'] as number, v: r['v'] as number | null })).sort((a, b) => a.k - b.k);
}

const engines: Record<string, { options: Record<string, string>; apply: (model: Map<number, number>, k: number, v: number, del: boolean) => void; deletes: boolean }> = {
  deduplicate: {
    options: {},
    deletes: true,
    apply: (m, k, v, del) => (del ? m.delete(k) : m.set(k, v)),
  },
  'aggregation (sum)': {
    options: { 'merge-engine': 'aggregation', 'fields.v.aggregate-function': 'sum' },
    deletes: false,
    apply: (m, k, v) => m.set(k, (m.get(k) ?? 0) + v),
  },
  // first-row needs no vectors (Paimon refuses them): its compactions drop newer versions instead
  'first-row': {
    options: { 'merge-engine': 'first-row', 'deletion-vectors.enabled': 'false' },
    deletes: false,
    apply: (m, k, v) => {
      if (!m.has(k)) m.set(k, v);
    },
  },
  'partial-update': {
    options: { 'merge-engine': 'partial-update' },
    deletes: false,
    apply: (m, k, v) => m.set(k, v),
  },
};

describe('deletion vectors written by compaction', () => {
  for (const [name, { options, apply, deletes }] of Object.entries(engines)) {
    for (const seed of [1, 2]) {
      it(`${name}, seed ${seed}: every commit reads equal to the model without a merge`, async () => {
        const r = rng(seed);
        const table = await scratchTable([['k', 'INT'], ['v', 'INT']], {
          primaryKeys: ['k'],
          options: { bucket: '2', 'deletion-vectors.enabled': 'true', 'num-sorted-run.compaction-trigger': String(2 + Math.floor(r() * 3)), ...options },
        });
        const model = new Map<number, number>();
        let sawVectors = false;
        for (let c = 0; c < 14; c++) {
          const rows: Row[] = [];
          const kinds: string[] = [];
          const n = 1 + Math.floor(r() * 25);
          for (let i = 0; i < n; i++) {
            const k = Math.floor(r() * 40);
            const v = Math.floor(r() * 100);
            const del = deletes && r() < 0.2;
            rows.push({ k, v });
            kinds.push(del ? '-D' : '+I');
            apply(model, k, v, del);
          }
          const w = (await table.reload()).newBatchWrite();
          await w.write(rows, { kinds });
          await w.commit();
          expect(await read(table)).toEqual([...model].map(([k, v]) => ({ k, v })).sort((a, b) => a.k - b.k));
          if ((await (await table.reload()).snapshots.latest())!.indexManifest) sawVectors = true;
        }
        expect(sawVectors).toBe(name !== 'first-row');
        // a full compaction rewrites every file: no vector is left
        await (await table.reload()).compact({ full: true });
        const after = (await (await table.reload()).snapshots.latest())!;
        expect(after.indexManifest ?? null).toBeNull();
        expect(await read(table)).toEqual([...model].map(([k, v]) => ({ k, v })).sort((a, b) => a.k - b.k));
      });
    }
  }
});

describe('deletion vectors and INSERT OVERWRITE', () => {
  it('retires the vectors of the files an overwrite removes', async () => {
    const table = await scratchTable([['k', 'INT'], ['v', 'INT']], { primaryKeys: ['k'], options: { bucket: '1', 'deletion-vectors.enabled': 'true', 'num-sorted-run.compaction-trigger': '3' } });
    for (let c = 0; c < 7; c++) {
      const w = (await table.reload()).newBatchWrite();
      await w.write(Array.from({ length: 20 }, (_, i) => ({ k: (c * 7 + i * 3) % 50, v: c })));
      await w.commit();
    }
    let t = await table.reload();
    // the table holds vectors right before the overwrite
    expect((await t.snapshots.latest())!.indexManifest).toBeTruthy();
    const w = t.newBatchWrite({ overwrite: true });
    await w.write([{ k: 1, v: 100 }]);
    await w.commit();
    t = await table.reload();
    const latest = (await t.snapshots.latest())!;
    const live = new Set((await t.manifests.liveEntries(await t.manifests.dataManifests(latest))).map((e) => e.file.fileName));
    const index = latest.indexManifest ? await t.manifests.indexManifest(latest.indexManifest) : [];
    for (const e of index) for (const r of e.dvRanges ?? []) expect(live.has(r.dataFileName)).toBe(true);
    expect(await read(table)).toEqual([{ k: 1, v: 100 }]);
  });
});
