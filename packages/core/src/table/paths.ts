/**
 * Where things live inside a table directory (spec 1): branches, snapshots,
 * schemas, manifests, partition and bucket folders.
 */
import { PaimonError } from '../errors.js';

export const DEFAULT_BRANCH = 'main';

/** Root of a branch's metadata (`schema/`, `snapshot/`, `tag/`, ...). Data and manifests stay at the table root. */
export function branchPath(tablePath: string, branch: string): string {
  return !branch || branch === DEFAULT_BRANCH ? tablePath : `${tablePath}/branch/branch-${branch}`;
}

export const snapshotDir = (branchRoot: string) => `${branchRoot}/snapshot`;
export const snapshotPath = (branchRoot: string, id: number) => `${branchRoot}/snapshot/snapshot-${id}`;
export const schemaDir = (branchRoot: string) => `${branchRoot}/schema`;
export const schemaPath = (branchRoot: string, id: number) => `${branchRoot}/schema/schema-${id}`;
export const tagDir = (branchRoot: string) => `${branchRoot}/tag`;
export const tagPath = (branchRoot: string, name: string) => `${branchRoot}/tag/tag-${name}`;
export const manifestPath = (tablePath: string, name: string) => `${tablePath}/manifest/${name}`;
export const indexPath = (tablePath: string, name: string) => `${tablePath}/index/${name}`;
/** A new index file's name (Paimon's IndexPathFactory: a writer's uuid, then a counter). */
export const indexFileName = (uuid: string, n: number) => `index-${uuid}-${n}`;

export function bucketDirName(bucket: number): string {
  return bucket === -2 ? 'bucket-postpone' : `bucket-${bucket}`;
}

// Characters PartitionPathUtils escapes: all controls below ' ', and these.
const ESCAPED = new Set('"#%\'*/:=?\\\x7f{}[]^'.split(''));

function needsEscape(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return c < 0x20 || ESCAPED.has(ch);
}

export function escapePathName(text: string): string {
  if (text.length === 0) throw new PaimonError('INVALID_ARGUMENT', 'partition names and values must not be empty');
  let out = '';
  for (const ch of text) {
    out += needsEscape(ch) ? '%' + ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0') : ch;
  }
  return out;
}

export function unescapePathName(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** `k1=v1/k2=v2/` from already-rendered partition value strings. */
export function partitionPath(spec: readonly [string, string][]): string {
  return spec.map(([k, v]) => `${escapePathName(k)}=${escapePathName(v)}/`).join('');
}

/** Directory of a bucket's data files. */
export function bucketPath(tablePath: string, partition: string, bucket: number, dataDirectory: string | null): string {
  const root = dataDirectory ? `${tablePath}/${dataDirectory}` : tablePath;
  return `${root}/${partition}${bucketDirName(bucket)}`;
}
