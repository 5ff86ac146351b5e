/**
 * Compaction of one primary-key bucket (Paimon's MergeTreeCompactManager and
 * MergeTreeCompactTask): after each flush the writer asks for a compaction;
 * universal compaction picks the runs, key-disjoint large files only change
 * level ("upgrade"), overlapping ones are merged with the table's merge
 * engine. The task runs while the writer keeps buffering; the writer waits
 * for it when sorted runs exceed `num-sorted-run.stop-trigger` (a write
 * stall) and before a commit.
 */
import type { DataFileMeta } from '../spec/data-file-meta.js';
import type { TableSchema } from '../spec/table-schema.js';
import type { FileStoreTable } from '../table/table.js';
import { readMerged, type ReadContext } from '../read/split-reader.js';
import type { DeletionVectorMaintainer } from './deletion-vector-maintainer.js';
import { LookupLevels } from './lookup-levels.js';
import { CompactRowProcessor } from './compact-row-processor.js';
import { DataFileNamer } from '../write/data-file-writer.js';

/** Names of compaction changelog files (`changelog-file.prefix`, `changelog-file.format`). */
function changelogNamer(table: FileStoreTable): DataFileNamer {
  return new DataFileNamer(table.options.changelogFilePrefix, `.${table.options.changelogFileFormat}`);
}
import { CompactFileWriter } from './compact-file-writer.js';
import { intervalPartition, type KeyCompare } from './interval-partition.js';
import { serializedKeyCompare } from './key-compare.js';
import { Levels } from './levels.js';
import { bucketSplit, type BucketLocation } from './bucket-location.js';

export type { BucketLocation } from './bucket-location.js';
import { forcePickLevel0, pickUniversal, type CompactUnit, type UniversalOptions } from './universal-compaction.js';

export interface CompactResult {
  before: DataFileMeta[];
  after: DataFileMeta[];
  /** Changelog files the compaction produced (`lookup`, `full-compaction` producers). */
  changelog: DataFileMeta[];
}

const emptyResult = (): CompactResult => ({ before: [], after: [], changelog: [] });


/** Rewrites or upgrades the files of one compaction unit. */
export class MergeTreeCompactTask {
  private readonly result: CompactResult = emptyResult();

  constructor(
    private readonly table: FileStoreTable,
    private readonly schema: TableSchema,
    private readonly where: BucketLocation,
    private readonly namer: DataFileNamer,
    private readonly compare: KeyCompare,
    private readonly unit: CompactUnit,
    private readonly dropDelete: boolean,
    private readonly maxLevel: number,
    /** Lookup / changelog work per key; level-0 files are then always rewritten. */
    private readonly processor: CompactRowProcessor | null = null,
    private readonly dv: DeletionVectorMaintainer | null = null,
    /** Full-compaction changelog: files reaching the top level are rewritten to emit it. */
    private readonly fullChangelog = false,
  ) {}

  private changelogWriter: CompactFileWriter | null = null;

  async run(): Promise<CompactResult> {
    const minFileSize = this.table.options.compactionFileSize(true);
    const files = this.unit.runs.flatMap((r) => r.files);
    let candidate: DataFileMeta[][][] = [];
    for (const section of intervalPartition(files, this.compare)) {
      if (section.length > 1) {
        candidate.push(section);
        continue;
      }
      for (const file of section[0]!) {
        if (file.fileSize < minFileSize) {
          // small files are rewritten together with their neighbours
          candidate.push([[file]]);
        } else {
          await this.rewrite(candidate);
          candidate = [];
          await this.upgrade(file);
        }
      }
    }
    await this.rewrite(candidate);
    return this.result;
  }

  private async upgrade(file: DataFileMeta): Promise<void> {
    const hasDeletes = file.deleteRowCount === null || file.deleteRowCount > 0;
    const toTop = this.unit.outputLevel === this.maxLevel;
    if ((toTop && hasDeletes) || (this.processor && file.level === 0) || (this.fullChangelog && toTop && file.level !== this.maxLevel)) {
      await this.rewriteSections([[[file]]]);
    } else if (file.level !== this.unit.outputLevel) {
      this.result.before.push(file);
      this.result.after.push({ ...file, level: this.unit.outputLevel });
    }
  }

  private async rewrite(candidate: DataFileMeta[][][]): Promise<void> {
    if (candidate.length === 0) return;
    if (candidate.length === 1 && candidate[0]!.length === 1) {
      for (const file of candidate[0]![0]!) await this.upgrade(file);
      return;
    }
    await this.rewriteSections(candidate);
  }

  /** Merges each section (sections are key-disjoint and in key order) into files at the output level. */
  private async rewriteSections(sections: DataFileMeta[][][]): Promise<void> {
    const { table, schema, where } = this;
    const writer = new CompactFileWriter(table, schema, where.dir, this.unit.outputLevel, this.namer);
    const ctx: ReadContext = { table, schema, projection: schema.fields, filter: null };
    for (const section of sections) {
      const files = section.flat();
      const split = bucketSplit(where, files, false);
      const merged = readMerged(ctx, split, { keepRetracts: !this.dropDelete || this.processor !== null, ...(this.dv ? { deletionVectors: this.dv.all() } : {}) });
      for await (const batch of merged) {
        if (!this.processor) {
          await writer.write(batch);
          continue;
        }
        await writer.write(await this.processor.process(batch));
        const changelog = this.processor.takeChangelog(batch.schema);
        if (changelog) {
          this.changelogWriter ??= new CompactFileWriter(table, schema, where.dir, this.unit.outputLevel, changelogNamer(table));
          await this.changelogWriter.write(changelog);
        }
      }
      this.result.before.push(...files);
    }
    this.result.after.push(...(await writer.close()));
    if (this.changelogWriter) this.result.changelog.push(...(await this.changelogWriter.close()));
    this.changelogWriter = null;
  }
}

export class MergeTreeCompactManager {
  readonly levels: Levels;
  private readonly compare: KeyCompare;
  private readonly strategy: UniversalOptions;
  private readonly stopTrigger: number;
  /** Level 0 is always emptied (lookup / deletion-vector tables; `compaction.force-up-level-0`). */
  private readonly forceUpLevel0: boolean;
  private running: Promise<CompactResult> | null = null;
  /** Set when the running task has settled: its result can be taken without waiting. */
  private settled = false;
  private readonly lookup: LookupLevels | null;
  private readonly fold: boolean;
  private failure: unknown = null;
  /** Changes not yet handed to a commit. */
  private pending: CompactResult = emptyResult();
  /** Write stalls so far (waits because sorted runs exceeded the stop trigger). */
  stalls = 0;

  constructor(
    private readonly table: FileStoreTable,
    private readonly schema: TableSchema,
    private readonly where: BucketLocation,
    private readonly namer: DataFileNamer,
    restored: readonly DataFileMeta[],
    /** The bucket's deletion vectors (deletion-vector tables only). */
    readonly dv: DeletionVectorMaintainer | null = null,
  ) {
    const o = table.options;
    // first-row and deletion-vector tables keep each key once above level 0: compactions fold older versions in
    this.fold = o.needLookup;
    this.lookup = this.fold || o.changelogProducer === 'full-compaction' ? new LookupLevels(table, schema, where, dv) : null;
    this.compare = serializedKeyCompare(schema);
    this.levels = new Levels(restored, o.numLevels, (a, b) => this.compare(a.minKey, b.minKey));
    this.strategy = {
      maxSizeAmplificationPercent: o.compactionMaxSizeAmplificationPercent,
      sizeRatio: o.compactionSizeRatio,
      numRunCompactionTrigger: o.numSortedRunCompactionTrigger,
    };
    this.stopTrigger = o.numSortedRunStopTrigger;
    this.forceUpLevel0 = o.compactionForceUpLevel0 || o.needLookup;
  }

  addNewFile(file: DataFileMeta): void {
    this.levels.addLevel0File(file);
  }

  get isCompacting(): boolean {
    return this.running !== null;
  }

  /** Starts a compaction if one is due and none is running (full: every run to the top level). */
  triggerCompaction(full = false): void {
    if (this.running) return;
    const levels = this.levels;
    const runs = levels.sortedRuns();
    let unit: CompactUnit | null;
    if (full) {
      const only = runs.length === 1 ? runs[0]! : null;
      const done = runs.length === 0 || (only !== null && only.level === levels.maxLevel && only.files.every((f) => f.deleteRowCount === 0));
      unit = done ? null : { outputLevel: levels.maxLevel, runs };
    } else {
      unit = pickUniversal(this.strategy, levels.numberOfLevels, runs);
      if (!unit && this.forceUpLevel0) unit = forcePickLevel0(this.strategy, levels.numberOfLevels, runs);
      if (unit && unit.runs.length === 1 && unit.runs[0]!.files.length === 1 && unit.runs[0]!.files[0]!.level === unit.outputLevel) unit = null;
    }
    if (!unit) return;
    const dropDelete = unit.outputLevel !== 0 && (unit.outputLevel >= levels.nonEmptyHighestLevel || this.table.options.deletionVectorsEnabled);
    const producer = this.table.options.changelogProducer;
    const fullChangelog = producer === 'full-compaction' && unit.outputLevel === levels.maxLevel;
    let processor: CompactRowProcessor | null = null;
    if (this.lookup && (this.fold || producer === 'lookup' || fullChangelog)) {
      const inUnit = new Set(unit.runs.flatMap((r) => r.files.map((f) => f.fileName)));
      const unitFiles = unit.runs.flatMap((r) => r.files);
      processor = new CompactRowProcessor(this.table, this.schema, {
        lookup: this.lookup,
        dv: this.dv,
        fold: this.fold,
        changelog: producer === 'lookup' ? 'lookup' : fullChangelog ? 'full' : 'none',
        unitUpper: unit.runs.filter((r) => r.level > 0).flatMap((r) => r.files),
        unitLevel0: unitFiles.filter((f) => f.level === 0),
        older: levels.sortedRuns().filter((r) => r.level > 0).flatMap((r) => r.files).filter((f) => !inUnit.has(f.fileName)),
        unitTop: unitFiles.filter((f) => f.level === levels.maxLevel),
        unitBelowTop: unitFiles.filter((f) => f.level !== levels.maxLevel),
        dropDelete,
      });
    }
    const task = new MergeTreeCompactTask(this.table, this.schema, this.where, this.namer, this.compare, unit, dropDelete, levels.maxLevel, processor, this.dv, fullChangelog);
    this.settled = false;
    this.running = task.run().then(
      (r) => {
        this.settled = true;
        return r;
      },
      (e) => {
        this.failure = e;
        this.settled = true;
        return emptyResult();
      },
    );
  }

  /** Takes a finished compaction's result (as Paimon's writer does at each flush), without waiting. */
  async collectFinished(): Promise<void> {
    if (this.running && this.settled) await this.awaitRunning();
  }

  /** Waits for the running compaction when runs pile up past the stop trigger. */
  async stallIfNeeded(): Promise<void> {
    if (this.running && this.levels.numberOfSortedRuns > this.stopTrigger) {
      this.stalls++;
      await this.awaitRunning();
    }
  }

  /** Waits for the running compaction and folds its result into the levels. */
  async awaitRunning(): Promise<void> {
    if (!this.running) return;
    const result = await this.running;
    this.running = null;
    if (this.failure) {
      const e = this.failure;
      this.failure = null;
      throw e;
    }
    this.levels.update(result.before, result.after);
    const kept = new Set(result.after.map((f) => f.fileName));
    for (const f of result.before) {
      if (kept.has(f.fileName)) continue;
      this.dv?.removeFile(f.fileName);
      this.lookup?.forget(f.fileName);
    }
    this.mergePending(result);
  }

  /**
   * A file made by an earlier, uncommitted compaction and compacted again
   * never reaches a snapshot: it leaves both lists (and the disk, unless it
   * lives on as an upgraded file of the same name).
   */
  private mergePending(result: CompactResult): void {
    const afterNames = new Set(result.after.map((f) => f.fileName));
    for (const f of result.before) {
      const i = this.pending.after.findIndex((a) => a.fileName === f.fileName && a.level === f.level);
      if (i >= 0) {
        this.pending.after.splice(i, 1);
        if (!afterNames.has(f.fileName) && !this.pending.before.some((b) => b.fileName === f.fileName)) {
          void this.table.fileIO.delete(`${this.where.dir}/${f.fileName}`, false).catch(() => undefined);
        }
      } else {
        this.pending.before.push(f);
      }
    }
    this.pending.after.push(...result.after);
    this.pending.changelog.push(...result.changelog);
  }

  /**
   * The compaction changes to commit now. The running task is waited for;
   * `full` compacts everything to the top level first; tables that read
   * without level 0 get it emptied.
   */
  async drain(full = false): Promise<CompactResult> {
    await this.awaitRunning();
    if (full) {
      this.triggerCompaction(true);
      await this.awaitRunning();
    }
    while (this.forceUpLevel0 && this.levels.level0Files.length > 0) {
      this.triggerCompaction();
      if (!this.running) break;
      await this.awaitRunning();
    }
    const out = this.pending;
    this.pending = emptyResult();
    return out;
  }
}
