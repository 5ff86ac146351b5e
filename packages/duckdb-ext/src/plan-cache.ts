/**
 * Recent scan plans, by table and snapshot. A Paimon snapshot never changes
 * once committed (nor do the manifests and data files it names), so the plan
 * of (table, snapshot, filter) is the same every time: a repeated query only
 * has to find out which snapshot is current (a small hint file and a stat)
 * instead of decoding manifests again.
 */
import type { FileStoreTable } from '@paimon-ts/core';
import type { ScanArgs } from './protocol.js';
import { checkSnapshotSelection, parseTimestampArg } from './snapshot-args.js';

export class PlanCache<T> {
  private readonly entries = new Map<string, T>();
  constructor(private readonly capacity: number) {}

  get(key: string): T | undefined {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      // Most recently used last: the first entry is the one to evict.
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: T): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}

/** The snapshot a scan with these arguments reads, resolved now; null when it cannot be cached (or does not exist). */
export async function snapshotToRead(table: FileStoreTable, args: ScanArgs): Promise<{ id: number; pinned: boolean } | null> {
  // Fallback branches are planned against the other branch's latest snapshot too.
  checkSnapshotSelection(args);
  if (table.schema.options['scan.fallback-branch']) return null;
  if (args.snapshotId != null) {
    const id = Number(args.snapshotId);
    return (await table.snapshots.snapshotExists(id)) ? { id, pinned: true } : null;
  }
  if (args.tag != null) {
    // A tag outlives its snapshot file: plan through the tag, key by the snapshot it names.
    const s = await table.tags.snapshot(String(args.tag)).catch(() => null);
    return s ? { id: s.id, pinned: false } : null;
  }
  if (args.timestamp != null) {
    const s = await table.snapshots.earlierOrEqualTime(parseTimestampArg(args.timestamp));
    return s ? { id: s.id, pinned: true } : null;
  }
  const id = await table.snapshots.latestId();
  return id === null ? null : { id, pinned: true };
}
