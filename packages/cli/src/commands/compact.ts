/**
 * `paimon-ts compact`: compact what is due (universal compaction for primary
 * keys, small files for append tables) or, with --full, rewrite each bucket
 * as one sorted run; then show what changed.
 */
import { FileStoreTable } from '@paimon-ts/core';
import { renderTable } from '../output/formats.js';
import { Progress } from '../output/progress.js';
import { partitionSpec } from '../input/partition-spec.js';

export interface CompactCliOptions {
  full?: boolean;
  /** Repeated `--partition col=value`. */
  partition?: string[];
}

async function census(t: FileStoreTable) {
  const latest = await t.snapshots.latest();
  const entries = latest ? await t.manifests.liveEntries(await t.manifests.dataManifests(latest)) : [];
  const levels = new Set(entries.map((e) => e.file.level));
  return {
    files: entries.length,
    rows: entries.reduce((n, e) => n + e.file.rowCount, 0),
    bytes: entries.reduce((n, e) => n + e.file.fileSize, 0),
    levels: [...levels].sort((a, b) => a - b).join(', ') || '-',
  };
}

export async function compact(tablePath: string, o: CompactCliOptions, out: NodeJS.WritableStream): Promise<void> {
  const table = await FileStoreTable.open(tablePath);
  const partition = partitionSpec(o.partition ?? []);
  const before = await census(table);
  let progress: Progress | null = null;
  const snapshot = await table.compact({
    full: o.full === true,
    ...(partition ? { partition } : {}),
    onProgress: (done, total) => {
      progress ??= new Progress(o.full ? 'full compaction' : 'compacting', total, 'buckets');
      progress.update(done);
    },
  });
  (progress as Progress | null)?.stop();
  if (!snapshot) {
    out.write(`${table.name}: nothing to compact${o.full ? '' : ' (no bucket is due; --full rewrites every bucket as one sorted run)'}\n`);
    return;
  }
  const after = await census(await table.reload());
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MiB`;
  out.write(
    renderTable(
      ['', 'files', 'stored rows', 'size', 'levels'],
      [
        ['before', before.files, before.rows, mib(before.bytes), before.levels],
        ['after', after.files, after.rows, mib(after.bytes), after.levels],
      ],
    ) + '\n',
  );
  out.write(`${table.name}: ${o.full ? 'full ' : ''}compaction committed as snapshot ${snapshot.id}\n`);
}
