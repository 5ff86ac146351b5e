/**
 * Splits a compaction's files into sections whose key ranges do not overlap
 * (Paimon's `IntervalPartition`), each section as the fewest sorted runs. A
 * section of one run needs no merge: its files can keep their bytes.
 */
import type { DataFileMeta } from '../spec/data-file-meta.js';

export type KeyCompare = (a: Uint8Array, b: Uint8Array) => number;

export function intervalPartition(files: readonly DataFileMeta[], compare: KeyCompare): DataFileMeta[][][] {
  const sorted = [...files].sort((a, b) => compare(a.minKey, b.minKey) || compare(a.maxKey, b.maxKey));
  const sections: DataFileMeta[][][] = [];
  let section: DataFileMeta[] = [];
  let bound: Uint8Array | null = null;
  for (const f of sorted) {
    if (section.length > 0 && compare(f.minKey, bound!) > 0) {
      sections.push(toRuns(section, compare));
      section = [];
      bound = null;
    }
    section.push(f);
    if (bound === null || compare(f.maxKey, bound) > 0) bound = f.maxKey;
  }
  if (section.length > 0) sections.push(toRuns(section, compare));
  return sections;
}

/** Greedy: each file joins the run that ends earliest if it starts after that end, else opens a run. */
function toRuns(files: DataFileMeta[], compare: KeyCompare): DataFileMeta[][] {
  const runs: DataFileMeta[][] = [[files[0]!]];
  for (let i = 1; i < files.length; i++) {
    const f = files[i]!;
    let earliest = 0;
    for (let r = 1; r < runs.length; r++) {
      if (compare(runs[r]!.at(-1)!.maxKey, runs[earliest]!.at(-1)!.maxKey) < 0) earliest = r;
    }
    if (compare(f.minKey, runs[earliest]!.at(-1)!.maxKey) > 0) runs[earliest]!.push(f);
    else runs.push([f]);
  }
  return runs;
}
