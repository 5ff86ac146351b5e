/**
 * How the files of one primary-key bucket must be merged, from their
 * metadata alone (DataFileMeta key and sequence ranges, levels).
 *
 * A bucket is an LSM tree: every level-0 file is a sorted run, every level
 * above 0 is one sorted run of files with disjoint key ranges, and every file
 * holds one record per key. When the runs' sequence-number ranges do not
 * overlap, "the record with the highest `_SEQUENCE_NUMBER` of a key" is the
 * same as "the record of the newest run holding the key", so a run's record
 * loses exactly when a newer run holds its key: the merge needs keys only,
 * not `_SEQUENCE_NUMBER` (which is the most expensive column to read).
 *
 * Files whose key range meets no other run's files are not merged at all.
 */
import { compareValues, deserializeBinaryRow, type DataFileMeta, type DataType, type Value } from '@paimon-ts/core';

export interface RunLayout {
  /** Files no file of another run overlaps: read as they are. */
  free: DataFileMeta[];
  /** Files to merge, with the depth of their run (0 = newest run). */
  layered: { file: DataFileMeta; depth: number }[];
}

/** Why the layout cannot be used (then merge by `_SEQUENCE_NUMBER`), or the layout. */
export type RunAnalysis = { layout: RunLayout } | { reason: string };

interface Run {
  files: DataFileMeta[];
  minSeq: bigint;
  maxSeq: bigint;
}

interface KeyRange {
  min: Value[];
  max: Value[];
}

function compareKeys(a: readonly Value[], b: readonly Value[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareValues(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return 0;
}

/**
 * The runs of a bucket's files, newest first, and which files overlap
 * another run's. `keyTypes` are the types of the key columns (the primary
 * key without partition columns) in the files' key rows.
 */
export function analyzeRuns(files: readonly DataFileMeta[], keyTypes: readonly DataType[]): RunAnalysis {
  const ranges = new Map<DataFileMeta, KeyRange>();
  for (const f of files) {
    if (f.minKey.length === 0 || f.maxKey.length === 0) return { reason: `file ${f.fileName} has no key range` };
    try {
      ranges.set(f, { min: deserializeBinaryRow(f.minKey, [...keyTypes]), max: deserializeBinaryRow(f.maxKey, [...keyTypes]) });
    } catch {
      return { reason: `file ${f.fileName}: key range unreadable` };
    }
  }
  const runs: Run[] = [];
  const byLevel = new Map<number, DataFileMeta[]>();
  for (const f of files) {
    if (f.level === 0) runs.push({ files: [f], minSeq: f.minSequenceNumber, maxSeq: f.maxSequenceNumber });
    else byLevel.set(f.level, [...(byLevel.get(f.level) ?? []), f]);
  }
  for (const [level, group] of byLevel) {
    group.sort((a, b) => compareKeys(ranges.get(a)!.min, ranges.get(b)!.min));
    for (let i = 1; i < group.length; i++) {
      if (compareKeys(ranges.get(group[i - 1]!)!.max, ranges.get(group[i]!)!.min) >= 0) return { reason: `level ${level} files overlap` };
    }
    let minSeq = group[0]!.minSequenceNumber;
    let maxSeq = group[0]!.maxSequenceNumber;
    for (const f of group) {
      if (f.minSequenceNumber < minSeq) minSeq = f.minSequenceNumber;
      if (f.maxSequenceNumber > maxSeq) maxSeq = f.maxSequenceNumber;
    }
    runs.push({ files: group, minSeq, maxSeq });
  }
  runs.sort((a, b) => (a.maxSeq > b.maxSeq ? -1 : a.maxSeq < b.maxSeq ? 1 : 0));
  for (let i = 1; i < runs.length; i++) {
    if (runs[i]!.maxSeq >= runs[i - 1]!.minSeq) return { reason: 'sorted runs with overlapping sequence numbers' };
  }
  // Sweep the files by smallest key: a file overlaps the files that start before it ends.
  const depthOf = new Map<DataFileMeta, number>();
  runs.forEach((run, depth) => run.files.forEach((f) => depthOf.set(f, depth)));
  const sorted = [...files].sort((a, b) => compareKeys(ranges.get(a)!.min, ranges.get(b)!.min));
  const overlapping = new Set<DataFileMeta>();
  for (let i = 0; i < sorted.length; i++) {
    const f = sorted[i]!;
    const end = ranges.get(f)!.max;
    for (let j = i + 1; j < sorted.length && compareKeys(ranges.get(sorted[j]!)!.min, end) <= 0; j++) {
      if (depthOf.get(sorted[j]!) !== depthOf.get(f)) {
        overlapping.add(f);
        overlapping.add(sorted[j]!);
      }
    }
  }
  const free: DataFileMeta[] = [];
  const layered: RunLayout['layered'] = [];
  for (const f of files) {
    if (overlapping.has(f)) layered.push({ file: f, depth: depthOf.get(f)! });
    else free.push(f);
  }
  return { layout: { free, layered } };
}
