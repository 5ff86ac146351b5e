/** Snapshot files `snapshot/snapshot-<id>` (spec 3.1), also the body of tag files. */
import { PaimonError } from '../errors.js';
import { toJacksonJson } from './table-schema.js';

export type CommitKind = 'APPEND' | 'COMPACT' | 'OVERWRITE' | 'ANALYZE';

export interface Snapshot {
  version: number;
  id: number;
  schemaId: number;
  baseManifestList: string;
  baseManifestListSize?: number;
  deltaManifestList: string;
  deltaManifestListSize?: number;
  changelogManifestList?: string | null;
  changelogManifestListSize?: number;
  indexManifest?: string;
  commitUser: string;
  /** Long.MAX_VALUE for batch commits: kept as bigint. */
  commitIdentifier: bigint;
  commitKind: CommitKind;
  timeMillis: number;
  logOffsets?: Record<string, number>;
  totalRecordCount?: number;
  deltaRecordCount?: number;
  changelogRecordCount?: number;
  watermark?: number;
  statistics?: string;
  properties?: Record<string, string>;
  nextRowId?: number;
}

/** Integers too long for a double, quoted before JSON.parse so they survive as text. */
const LONG_FIELDS = /("(?:commitIdentifier|watermark)"\s*:\s*)(-?\d{16,})/g;

export function parseSnapshot(text: string, where: string): Snapshot {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text.replace(LONG_FIELDS, '$1"$2"')) as Record<string, unknown>;
  } catch (e) {
    throw new PaimonError('CORRUPT_FILE', `snapshot file ${where} is not valid JSON: ${(e as Error).message}`);
  }
  for (const required of ['id', 'schemaId', 'baseManifestList', 'deltaManifestList', 'commitKind']) {
    if (json[required] === undefined || json[required] === null) {
      throw new PaimonError('CORRUPT_FILE', `snapshot file ${where} has no ${required}`);
    }
  }
  const snapshot = { ...json } as unknown as Snapshot;
  snapshot.version = typeof json['version'] === 'number' ? json['version'] : 3;
  snapshot.commitIdentifier = BigInt((json['commitIdentifier'] as string | number | undefined) ?? 0);
  if (json['watermark'] !== undefined && json['watermark'] !== null) snapshot.watermark = Number(json['watermark']);
  return snapshot;
}

const FIELD_ORDER: (keyof Snapshot)[] = [
  'version', 'id', 'schemaId', 'baseManifestList', 'baseManifestListSize', 'deltaManifestList',
  'deltaManifestListSize', 'changelogManifestList', 'changelogManifestListSize', 'indexManifest',
  'commitUser', 'commitIdentifier', 'commitKind', 'timeMillis', 'logOffsets', 'totalRecordCount',
  'deltaRecordCount', 'changelogRecordCount', 'watermark', 'statistics', 'properties', 'nextRowId',
];

/** As Paimon 1.4 writes it: declaration order, null fields left out. */
export function serializeSnapshot(s: Snapshot, extra: Record<string, unknown> = {}): string {
  const out: Record<string, unknown> = {};
  for (const k of FIELD_ORDER) {
    const v = s[k];
    if (v !== undefined && v !== null) out[k] = v;
  }
  return toJacksonJson({ ...out, ...extra });
}
