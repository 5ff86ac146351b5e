/**
 * Streaming reads (spec 9): the table as a message queue. A reader starts at
 * a point (optionally with the full snapshot first, as +I rows), then
 * follows every new snapshot: the delta files of APPEND commits, or the
 * changelog files where a changelog producer wrote them. COMPACT commits
 * carry no new data and are skipped, as Paimon skips them. New snapshots are
 * found by a file-system watch plus a short poll. With a consumer id the
 * next snapshot to read is persisted where Paimon keeps consumers, so a
 * restarted reader resumes without a gap or a repeated snapshot.
 */
import { watch, type FSWatcher } from 'node:fs';
import * as arrow from 'apache-arrow';
import { PaimonError } from '../errors.js';
import { FileKind } from '../spec/manifest-entry.js';
import type { Snapshot } from '../spec/snapshot.js';
import type { TableSchema } from '../spec/table-schema.js';
import type { FileStoreTable } from '../table/table.js';
import { branchPath, snapshotDir } from '../table/paths.js';
import { checkProjection, readSplitChanges, ROW_KIND_COLUMN, type ReadContext } from '../read/split-reader.js';
import { bindPredicate, negationNormalForm, type Predicate } from './predicate.js';
import { entriesToSplits } from './table-scan.js';

export type StreamStartMode = 'latest-full' | 'latest' | 'from-snapshot' | 'from-snapshot-full' | 'from-timestamp' | 'compacted-full';

export interface StreamScanOptions {
  /** Where to start (Paimon's scan.mode); default latest-full. A consumer's saved position wins. */
  mode?: StreamStartMode;
  snapshotId?: number;
  timestampMillis?: number;
  /** Stop after this snapshot (a bounded, incremental read); default: follow forever. */
  endSnapshotId?: number;
  consumerId?: string;
  columns?: string[];
  filter?: Predicate;
  /** How often to look for a new snapshot when the watch is quiet; default 100 ms. */
  pollIntervalMs?: number;
  /** When the next snapshot has expired: fail (default) or continue from the earliest one. */
  onExpired?: 'error' | 'earliest';
  signal?: AbortSignal;
}

/** Rows of one snapshot (or of the initial full read), each with its kind in `_ROW_KIND`. */
export interface ChangeBatch {
  snapshotId: number;
  /** 'full' rows are the starting snapshot's contents (+I); 'delta' rows are changes. */
  phase: 'full' | 'delta';
  batch: arrow.RecordBatch;
}

const CONSUMER_PREFIX = 'consumer-';

export class ConsumerManager {
  constructor(private readonly table: FileStoreTable) {}

  private path(id: string): string {
    return `${branchPath(this.table.path, this.table.branch)}/consumer/${CONSUMER_PREFIX}${id}`;
  }

  async nextSnapshot(id: string): Promise<number | null> {
    try {
      const json = JSON.parse(new TextDecoder().decode(await this.table.fileIO.readFile(this.path(id)))) as { nextSnapshot?: number };
      return typeof json.nextSnapshot === 'number' ? json.nextSnapshot : null;
    } catch (e) {
      if (e instanceof PaimonError && e.code === 'FILE_NOT_FOUND') return null;
      throw e;
    }
  }

  /** `{"nextSnapshot" : N}`, overwritten in place as Paimon does. */
  async record(id: string, nextSnapshot: number): Promise<void> {
    await this.table.fileIO.writeFile(this.path(id), `{\n  "nextSnapshot" : ${nextSnapshot}\n}`, true);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export class StreamScan {
  constructor(
    readonly table: FileStoreTable,
    readonly options: StreamScanOptions = {},
  ) {}

  private async context(schema: TableSchema): Promise<ReadContext> {
    return {
      table: this.table,
      schema,
      projection: checkProjection(schema, this.options.columns ?? null, this.table.name),
      filter: this.options.filter ? negationNormalForm(bindPredicate(this.options.filter, schema.fields, this.table.name)) : null,
    };
  }

  /** The full contents of a snapshot as +I rows. */
  private async *full(snapshotId: number): AsyncGenerator<ChangeBatch> {
    const scan = this.table.newScan().atSnapshot(snapshotId).select(this.options.columns ?? null).filter(this.options.filter ?? null);
    const plan = await scan.plan();
    for await (const batch of scan.read(plan)) {
      const kinds = arrow.makeData({ type: new arrow.Int8(), length: batch.numRows, nullCount: 0, data: new Int8Array(batch.numRows) });
      const schema = new arrow.Schema([...batch.schema.fields, new arrow.Field(ROW_KIND_COLUMN, new arrow.Int8(), false)]);
      const data = arrow.makeData({ type: new arrow.Struct(schema.fields), length: batch.numRows, nullCount: 0, children: [...batch.data.children, kinds] });
      yield { snapshotId, phase: 'full', batch: new arrow.RecordBatch(schema, data) };
    }
  }

  /** The changes one snapshot brings (nothing for COMPACT and, by default, OVERWRITE commits). */
  private async *delta(snapshot: Snapshot): AsyncGenerator<ChangeBatch> {
    const options = this.table.options;
    let list: string | undefined;
    if (options.changelogProducer !== 'none') list = snapshot.changelogManifestList ?? undefined;
    else if (snapshot.commitKind === 'APPEND' || (snapshot.commitKind === 'OVERWRITE' && options.raw['streaming-read-overwrite'] === 'true')) list = snapshot.deltaManifestList;
    if (!list) return;
    const entries = [];
    for (const meta of await this.table.manifests.manifestList(list)) {
      for (const e of await this.table.manifests.manifest(meta.fileName)) if (e.kind === FileKind.ADD) entries.push(e);
    }
    if (entries.length === 0) return;
    const schema = await this.table.schemas.schema(snapshot.schemaId);
    const ctx = await this.context(schema);
    for (const split of entriesToSplits(this.table, schema, snapshot.id, entries)) {
      for await (const batch of readSplitChanges(ctx, split)) yield { snapshotId: snapshot.id, phase: 'delta', batch };
    }
  }

  /** Where to start: the first snapshot to read as a delta, after an optional full read. */
  private async start(): Promise<{ full: number | null; next: number }> {
    const snapshots = this.table.snapshots;
    const o = this.options;
    if (o.consumerId) {
      const saved = await new ConsumerManager(this.table).nextSnapshot(o.consumerId);
      if (saved !== null) return { full: null, next: saved };
    }
    const latest = await snapshots.latestId();
    switch (o.mode ?? 'latest-full') {
      case 'latest-full':
        return latest === null ? { full: null, next: (await snapshots.earliestId()) ?? 1 } : { full: latest, next: latest + 1 };
      case 'latest':
        return { full: null, next: (latest ?? 0) + 1 };
      case 'from-snapshot':
        return { full: null, next: this.required(o.snapshotId, 'snapshotId') };
      case 'from-snapshot-full': {
        const id = this.required(o.snapshotId, 'snapshotId');
        return { full: id, next: id + 1 };
      }
      case 'from-timestamp': {
        const ts = this.required(o.timestampMillis, 'timestampMillis');
        const before = await snapshots.earlierOrEqualTime(ts - 1);
        return { full: null, next: before ? before.id + 1 : ((await snapshots.earliestId()) ?? 1) };
      }
      case 'compacted-full': {
        for (let id = latest ?? 0; id >= 1; id--) {
          if (!(await snapshots.snapshotExists(id))) break;
          if ((await snapshots.snapshot(id)).commitKind === 'COMPACT') return { full: id, next: id + 1 };
        }
        return latest === null ? { full: null, next: 1 } : { full: latest, next: latest + 1 };
      }
    }
  }

  private required(v: number | undefined, name: string): number {
    if (v === undefined) throw new PaimonError('INVALID_ARGUMENT', `table ${this.table.name}: scan mode ${this.options.mode} needs ${name}`);
    return v;
  }

  /** Every change, in commit order, until the signal aborts (or endSnapshotId is passed). */
  async *changes(): AsyncGenerator<ChangeBatch> {
    const o = this.options;
    const consumers = o.consumerId ? new ConsumerManager(this.table) : null;
    const { full, next: first } = await this.start();
    let next = first;
    if (full !== null) {
      yield* this.full(full);
      if (consumers) await consumers.record(o.consumerId!, next);
    }
    const waiter = new SnapshotWaiter(snapshotDir(branchPath(this.table.path, this.table.branch)), o.pollIntervalMs ?? 100, o.signal);
    try {
      while (!o.signal?.aborted) {
        if (o.endSnapshotId !== undefined && next > o.endSnapshotId) return;
        if (await this.table.snapshots.snapshotExists(next)) {
          const snapshot = await this.table.snapshots.snapshot(next);
          yield* this.delta(snapshot);
          next++;
          // The consumer has taken every row of the snapshot: never read it again.
          if (consumers) await consumers.record(o.consumerId!, next);
          continue;
        }
        const earliest = await this.table.snapshots.earliestId();
        if (earliest !== null && earliest > next) {
          if (o.onExpired === 'earliest') {
            next = earliest;
            continue;
          }
          throw new PaimonError('SNAPSHOT_NOT_FOUND', `table ${this.table.name}: snapshot ${next} expired before it was read (earliest is ${earliest}); use a consumer id to keep snapshots, or resume from the earliest`);
        }
        await waiter.wait();
      }
    } finally {
      waiter.close();
    }
  }
}

/** Wakes on a change in the snapshot folder (fs.watch), or after the poll interval. */
class SnapshotWaiter {
  private watcher: FSWatcher | null = null;
  private wake: (() => void) | null = null;
  /** A change seen while nobody was waiting (events come in bursts: temp file, then the snapshot). */
  private changed = false;

  constructor(
    private readonly dir: string,
    private readonly intervalMs: number,
    private readonly signal?: AbortSignal,
  ) {
    this.startWatch();
  }

  private startWatch(): void {
    try {
      this.watcher = watch(this.dir, () => {
        this.changed = true;
        this.wake?.();
      });
      this.watcher.on('error', () => this.close());
    } catch {
      this.watcher = null; // no folder yet (no commit so far), or no watch support: poll, and try again next time
    }
  }

  async wait(): Promise<void> {
    if (!this.watcher) this.startWatch();
    if (this.changed) {
      this.changed = false;
      return;
    }
    const woken = new Promise<void>((resolve) => (this.wake = resolve));
    await Promise.race([woken, sleep(this.intervalMs, this.signal)]);
    this.wake = null;
    this.changed = false;
  }

  close(): void {
    this.watcher?.close();
    this.watcher = null;
  }
}
