/**
 * The LSM tree of one bucket (Paimon's `Levels`): level 0 holds one sorted
 * run per file, newest first; every level above holds at most one sorted run
 * (files with disjoint key ranges). Compactions replace files and keep this
 * shape.
 */
import { PaimonError } from '../errors.js';
import type { DataFileMeta } from '../spec/data-file-meta.js';

export interface LevelSortedRun {
  level: number;
  files: DataFileMeta[];
  totalSize: number;
}

/** Newest level-0 file first; ties broken so no two files compare equal (as Paimon's TreeSet). */
function compareLevel0(a: DataFileMeta, b: DataFileMeta): number {
  if (a.maxSequenceNumber !== b.maxSequenceNumber) return a.maxSequenceNumber > b.maxSequenceNumber ? -1 : 1;
  if (a.minSequenceNumber !== b.minSequenceNumber) return a.minSequenceNumber < b.minSequenceNumber ? -1 : 1;
  const t = (a.creationTime ?? 0) - (b.creationTime ?? 0);
  if (t !== 0) return t;
  return a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0;
}

export class Levels {
  private level0: DataFileMeta[] = [];
  /** levels[i] is level i + 1: files sorted by key. */
  private readonly upper: DataFileMeta[][];

  constructor(
    files: readonly DataFileMeta[],
    numLevels: number,
    /** Orders files of one sorted run by their min key. */
    private readonly compareMinKey: (a: DataFileMeta, b: DataFileMeta) => number,
  ) {
    const restored = Math.max(numLevels, ...files.map((f) => f.level + 1));
    if (restored < 2) throw new PaimonError('INVALID_OPTION', 'num-levels must be at least 2');
    this.upper = Array.from({ length: restored - 1 }, () => []);
    this.update([], files);
  }

  get numberOfLevels(): number {
    return this.upper.length + 1;
  }

  get maxLevel(): number {
    return this.upper.length;
  }

  get numberOfSortedRuns(): number {
    return this.level0.length + this.upper.filter((l) => l.length > 0).length;
  }

  /** The highest level holding files; -1 when the tree is empty. */
  get nonEmptyHighestLevel(): number {
    for (let i = this.upper.length - 1; i >= 0; i--) if (this.upper[i]!.length > 0) return i + 1;
    return this.level0.length > 0 ? 0 : -1;
  }

  get level0Files(): readonly DataFileMeta[] {
    return this.level0;
  }

  runOfLevel(level: number): readonly DataFileMeta[] {
    return level === 0 ? this.level0 : this.upper[level - 1]!;
  }

  /** Newest first: each level-0 file, then each non-empty level. */
  sortedRuns(): LevelSortedRun[] {
    const size = (files: DataFileMeta[]) => files.reduce((n, f) => n + f.fileSize, 0);
    const runs: LevelSortedRun[] = this.level0.map((f) => ({ level: 0, files: [f], totalSize: f.fileSize }));
    this.upper.forEach((files, i) => {
      if (files.length > 0) runs.push({ level: i + 1, files, totalSize: size(files) });
    });
    return runs;
  }

  allFiles(): DataFileMeta[] {
    return this.sortedRuns().flatMap((r) => r.files);
  }

  addLevel0File(file: DataFileMeta): void {
    this.update([], [file]);
  }

  /** Removes `before` and adds `after`, each file at its own level. */
  update(before: readonly DataFileMeta[], after: readonly DataFileMeta[]): void {
    const gone = new Set(before.map((f) => `${f.level}/${f.fileName}`));
    if (gone.size > 0) {
      this.level0 = this.level0.filter((f) => !gone.has(`0/${f.fileName}`));
      this.upper.forEach((files, i) => {
        this.upper[i] = files.filter((f) => !gone.has(`${i + 1}/${f.fileName}`));
      });
    }
    for (const f of after) {
      if (f.level === 0) this.level0.push(f);
      else if (f.level <= this.upper.length) this.upper[f.level - 1]!.push(f);
      else throw new PaimonError('CORRUPT_FILE', `file ${f.fileName} is at level ${f.level}, above the ${this.upper.length} levels of this tree`);
    }
    this.level0.sort(compareLevel0);
    for (const files of this.upper) files.sort(this.compareMinKey);
  }
}
