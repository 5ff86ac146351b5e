/**
 * Universal compaction (Paimon's `UniversalCompaction`, after RocksDB): picks
 * which newest sorted runs of a bucket to merge, by size amplification, by
 * size ratio, and by run count, and at which level the result lands.
 */
import type { LevelSortedRun } from './levels.js';

export interface CompactUnit {
  outputLevel: number;
  runs: LevelSortedRun[];
}

export interface UniversalOptions {
  maxSizeAmplificationPercent: number;
  sizeRatio: number;
  numRunCompactionTrigger: number;
}

export function pickUniversal(o: UniversalOptions, numLevels: number, runs: LevelSortedRun[]): CompactUnit | null {
  const maxLevel = numLevels - 1;
  if (runs.length < o.numRunCompactionTrigger) return null;
  // 1. size amplification: everything newer than the oldest run, against the oldest run
  const newer = runs.slice(0, -1).reduce((n, r) => n + r.totalSize, 0);
  if (newer * 100 > o.maxSizeAmplificationPercent * runs[runs.length - 1]!.totalSize) return { outputLevel: maxLevel, runs };
  // 2. size ratio, from the newest run
  const byRatio = pickForSizeRatio(o, maxLevel, runs, 1, false);
  if (byRatio) return byRatio;
  // 3. run count above the trigger
  if (runs.length > o.numRunCompactionTrigger) return pickForSizeRatio(o, maxLevel, runs, runs.length - o.numRunCompactionTrigger + 1, false);
  return null;
}

/** Every level-0 run (and what the size ratio adds), even if only one: lookup and deletion-vector tables keep level 0 empty. */
export function forcePickLevel0(o: UniversalOptions, numLevels: number, runs: LevelSortedRun[]): CompactUnit | null {
  let count = 0;
  while (count < runs.length && runs[count]!.level === 0) count++;
  return count === 0 ? null : pickForSizeRatio(o, numLevels - 1, runs, count, true);
}

function pickForSizeRatio(o: UniversalOptions, maxLevel: number, runs: LevelSortedRun[], candidateCount: number, forcePick: boolean): CompactUnit | null {
  let size = 0;
  for (let i = 0; i < candidateCount; i++) size += runs[i]!.totalSize;
  let triggered = forcePick || candidateCount > 1;
  for (let i = candidateCount; i < runs.length; i++) {
    const next = runs[i]!;
    if ((size * (100 + o.sizeRatio)) / 100 < next.totalSize && (!triggered || next.level > 1)) break;
    size += next.totalSize;
    candidateCount++;
    triggered = true;
  }
  return triggered ? createUnit(runs, maxLevel, candidateCount) : null;
}

function createUnit(runs: LevelSortedRun[], maxLevel: number, runCount: number): CompactUnit {
  let outputLevel = runCount === runs.length ? maxLevel : Math.max(0, runs[runCount]!.level - 1);
  if (outputLevel === 0) {
    // never write level 0: take runs up to the first non-zero level and land there
    for (let i = runCount; i < runs.length; i++) {
      runCount++;
      if (runs[i]!.level !== 0) {
        outputLevel = runs[i]!.level;
        break;
      }
    }
  }
  if (runCount === runs.length) outputLevel = maxLevel;
  return { outputLevel, runs: runs.slice(0, runCount) };
}
