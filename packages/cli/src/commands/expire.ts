/** `paimon-ts expire` and `paimon-ts orphans`: removing old snapshots and files nothing references. */
import {
  DEFAULT_ORPHAN_AGE_MILLIS,
  expireSnapshots,
  FileStoreTable,
  formatTimestamp,
  PaimonError,
  parseDurationMillis,
  removeOrphanFiles,
  type ReferencedFile,
} from '@paimon-ts/core';
import { renderTable } from '../output/formats.js';

/** A count given on the command line: a non-negative (or positive) integer, else a one-line error. */
export function count(flag: string, text: string | undefined, min = 0): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min) {
    throw new PaimonError('INVALID_ARGUMENT', `${flag} expects an integer >= ${min}, got ${JSON.stringify(text)}`);
  }
  return n;
}

/** `1h`, `30 min`, `2d`, `500` (millis), as in table options. */
export function duration(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  try {
    return parseDurationMillis(text, flag);
  } catch {
    throw new PaimonError('INVALID_ARGUMENT', `${flag} expects a duration such as 1h, 30min, 2d or 500ms, got ${JSON.stringify(text)}`);
  }
}

/** `1-4, 7` for [1, 2, 3, 4, 7]. */
export function idRanges(ids: readonly number[]): string {
  const sorted = [...ids].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

const ROLE_LABEL: Record<ReferencedFile['role'], string> = {
  data: 'data files',
  changelog: 'changelog files',
  index: 'index files',
  manifest: 'manifests',
  'manifest-list': 'manifest lists',
  'index-manifest': 'index manifests',
  statistics: 'statistics files',
};

/** Deleted files per kind, as a table (bytes where the metadata records them). */
export function deletedFilesTable(files: readonly ReferencedFile[]): string {
  const byRole = new Map<string, { n: number; bytes: number }>();
  for (const f of files) {
    const row = byRole.get(ROLE_LABEL[f.role]) ?? { n: 0, bytes: 0 };
    row.n++;
    row.bytes += f.size ?? 0;
    byRole.set(ROLE_LABEL[f.role], row);
  }
  return renderTable(['deleted', 'files', 'bytes (known)'], [...byRole].map(([label, r]) => [label, r.n, r.bytes]));
}

function span(earliest: number, latest: number): string {
  return earliest === latest ? `snapshot ${latest}` : `snapshots ${earliest}-${latest}`;
}

export interface ExpireCliOptions {
  retainMin?: string;
  retainMax?: string;
  olderThan?: string;
  maxDeletes?: string;
}

export async function expire(tablePath: string, o: ExpireCliOptions, out: NodeJS.WritableStream): Promise<void> {
  const table = await FileStoreTable.open(tablePath);
  const retainMin = count('--retain-min', o.retainMin, 1);
  const retainMax = count('--retain-max', o.retainMax, 1);
  const timeRetainedMillis = duration('--older-than', o.olderThan);
  const maxDeletes = count('--max-deletes', o.maxDeletes, 1);
  const r = await expireSnapshots(table, {
    ...(retainMin !== undefined ? { retainMin } : {}),
    ...(retainMax !== undefined ? { retainMax } : {}),
    ...(timeRetainedMillis !== undefined ? { timeRetainedMillis } : {}),
    ...(maxDeletes !== undefined ? { maxDeletes } : {}),
  });
  if (r.expiredConsumers.length) out.write(`expired consumers: ${r.expiredConsumers.join(', ')}\n`);
  if (r.latestSnapshot === null) {
    out.write(`${table.name} has no snapshots: nothing to expire\n`);
    return;
  }
  if (r.expiredSnapshots.length === 0) {
    out.write(`nothing to expire in ${table.name}: ${span(r.earliestSnapshot!, r.latestSnapshot)} kept by the retention\n`);
    return;
  }
  out.write(
    `expired ${r.expiredSnapshots.length} snapshot${r.expiredSnapshots.length === 1 ? '' : 's'} of ${table.name} (${idRanges(r.expiredSnapshots)}); ` +
      `${span(r.earliestSnapshot!, r.latestSnapshot)} kept; deleted ${r.deletedFiles.length} files\n`,
  );
  if (r.deletedFiles.length) out.write(deletedFilesTable(r.deletedFiles) + '\n');
}

export interface OrphansCliOptions {
  olderThan?: string;
  dryRun?: boolean;
}

export async function orphans(tablePath: string, o: OrphansCliOptions, out: NodeJS.WritableStream): Promise<void> {
  const table = await FileStoreTable.open(tablePath);
  const age = duration('--older-than', o.olderThan) ?? DEFAULT_ORPHAN_AGE_MILLIS;
  const r = await removeOrphanFiles(table, { olderThanMillis: age, dryRun: o.dryRun === true });
  const guard = o.olderThan ?? '1d';
  if (r.orphans.length === 0) {
    out.write(`no orphan files older than ${guard} in ${table.name} (${r.scannedFiles} files checked, ${r.referencedFiles} referenced)\n`);
    return;
  }
  const rows = r.orphans.map((f) => [f.path.startsWith(`${table.path}/`) ? f.path.slice(table.path.length + 1) : f.path, f.kind, f.size, formatTimestamp(BigInt(Math.floor(f.modificationTime)), 3)]);
  out.write(renderTable(['file', 'kind', 'bytes', 'modified (UTC)'], rows) + '\n');
  const verb = r.deleted ? 'deleted' : 'would delete (dry run)';
  out.write(`${verb} ${r.orphans.length} orphan file${r.orphans.length === 1 ? '' : 's'} older than ${guard} (${r.deletedBytes} bytes) from ${table.name}\n`);
}
