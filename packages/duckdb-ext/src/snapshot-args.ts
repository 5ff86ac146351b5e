/** Which snapshot a read takes: the `snapshot_id`, `tag` and `timestamp` arguments. */
import { PaimonError, type TableScan } from '@paimon-ts/core';
import type { ScanArgs } from './protocol.js';

/** Epoch millis of a `timestamp` argument. */
export function parseTimestampArg(value: string | number): number {
  if (typeof value === 'number') return value;
  const text = value.trim();
  if (/^-?\d+$/.test(text)) return Number(text);
  let iso = text.replace(' ', 'T');
  const zone = /([+-]\d{2})(:?(\d{2}))?$/.exec(iso);
  if (zone && /T.*[+-]\d{2}(:?\d{2})?$/.test(iso)) iso = iso.slice(0, zone.index) + `${zone[1]}:${zone[3] ?? '00'}`;
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) iso += 'T00:00:00';
  const millis = Date.parse(iso);
  if (Number.isNaN(millis)) throw new PaimonError('INVALID_ARGUMENT', `timestamp ${JSON.stringify(value)} is neither epoch millis nor 'YYYY-MM-DD HH:MM:SS[.fff][+hh:mm]'`);
  return millis;
}

export function checkSnapshotSelection(args: ScanArgs): void {
  const chosen = [args.snapshotId != null, args.tag != null, args.timestamp != null].filter(Boolean).length;
  if (chosen > 1) throw new PaimonError('INVALID_ARGUMENT', 'give at most one of snapshot_id, tag and timestamp');
}

/** At most one of `snapshot_id`, `tag`, `timestamp` on a scan (none: the latest snapshot). */
export function applySnapshotSelection(scan: TableScan, args: ScanArgs): void {
  checkSnapshotSelection(args);
  if (args.snapshotId != null) scan.atSnapshot(Number(args.snapshotId));
  else if (args.tag != null) scan.atTag(String(args.tag));
  else if (args.timestamp != null) scan.atTimestamp(parseTimestampArg(args.timestamp));
}
