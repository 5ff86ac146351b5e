/**
 * Snapshot expiration (Paimon's ExpireSnapshotsImpl and SnapshotDeletion),
 * and the file bookkeeping that tags, rollback and orphan cleaning share:
 * which files a snapshot or tag references, and deleting files in an order
 * that keeps every remaining snapshot readable if the process dies half-way.
 *
 * Rather than Paimon's incremental rules (files a snapshot's delta removed,
 * minus what neighbouring tags use), a file is deleted only when it is not
 * referenced by any snapshot that stays, any tag, or any other branch: the
 * sets are computed from the manifests, so nothing referenced is ever deleted
 * even on tables whose history does not follow the usual invariants.
 */
import { PaimonError } from '../errors.js';
import { deserializeBinaryRow, rowKey } from '../spec/binary-row.js';
import type { IndexManifestEntry } from '../spec/index-manifest-entry.js';
import { entryIdentifier, FileKind } from '../spec/manifest-entry.js';
import type { ManifestFileMeta } from '../spec/manifest-file-meta.js';
import type { Snapshot } from '../spec/snapshot.js';
import { fieldsByName, type TableSchema } from '../spec/table-schema.js';
import { bucketDirectory } from './data-paths.js';
import { parseDurationMillis } from './options.js';
import { branchPath, DEFAULT_BRANCH, indexPath, manifestPath, snapshotDir, snapshotPath } from './paths.js';
import { FileStoreTable } from './table.js';

/** What a referenced file is; deletion goes data first, then manifests, then what points at manifests. */
export type FileRole = 'data' | 'changelog' | 'index' | 'manifest' | 'manifest-list' | 'index-manifest' | 'statistics';

/** A file a snapshot or tag references. Names are unique in a table (a UUID and a counter), so they are the identity. */
export interface ReferencedFile {
  name: string;
  path: string;
  role: FileRole;
  /** Bytes, when the metadata records it. */
  size: number | null;
}

/** Files that hold rows go first, manifests next, lists (and the index manifest, statistics) last: each layer only points down. */
const STAGE: Record<FileRole, number> = { data: 0, changelog: 0, index: 0, manifest: 1, 'manifest-list': 2, 'index-manifest': 2, statistics: 2 };

export interface ReadReferencesOptions {
  /**
   * true: only what a read of the snapshot opens (the merged live data files,
   * its changelog and index files, its manifests). false: every file any of
   * its manifests names, ADD or DELETE (candidates for deletion, and what
   * orphan cleaning must never touch).
   */
  live: boolean;
  /** true: a missing manifest, list or index manifest is an error. false: that part is skipped (the snapshot is being removed). */
  strict: boolean;
}

interface CompactEntry {
  kind: FileKind;
  id: string;
  name: string;
  extraFiles: string[];
  externalPath: string | null;
  partition: Uint8Array;
  bucket: number;
  size: number;
}


function isNotFound(e: unknown): boolean {
  return e instanceof PaimonError && (e.code === 'FILE_NOT_FOUND' || e.code === 'SNAPSHOT_NOT_FOUND' || e.code === 'TAG_NOT_FOUND');
}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '.' : path.slice(0, i);
}

/** The manifest lists and index/statistics files of a snapshot, a tag, or a long-lived changelog (whose lists may be null). */
interface MetadataRoots {
  what: string;
  schemaId: number;
  baseManifestList?: string | null;
  baseManifestListSize?: number | null;
  deltaManifestList?: string | null;
  deltaManifestListSize?: number | null;
  changelogManifestList?: string | null;
  changelogManifestListSize?: number | null;
  indexManifest?: string | null;
  statistics?: string | null;
}

/**
 * Reads which files snapshots and tags reference, caching manifests (they
 * are immutable) so that many snapshots sharing manifests cost one read each.
 */
export class FileReferences {
  private readonly lists = new Map<string, Promise<ManifestFileMeta[] | null>>();
  private readonly manifests = new Map<string, Promise<CompactEntry[] | null>>();
  private readonly indexManifests = new Map<string, Promise<IndexManifestEntry[] | null>>();
  private readonly schemas = new Map<number, Promise<TableSchema>>();
  private readonly bucketDirs = new Map<string, string>();

  constructor(readonly table: FileStoreTable) {}

  /** null when the file does not exist; other failures (corrupt files) are thrown. */
  private cached<T>(map: Map<string, Promise<T | null>>, key: string, load: () => Promise<T>): Promise<T | null> {
    let p = map.get(key);
    if (!p) {
      p = load().catch((e: unknown) => {
        if (isNotFound(e)) return null;
        throw e;
      });
      map.set(key, p);
    }
    return p;
  }

  private list(name: string) {
    return this.cached(this.lists, name, () => this.table.manifests.manifestList(name));
  }

  private manifest(name: string) {
    return this.cached(this.manifests, name, async () =>
      (await this.table.manifests.manifest(name)).map((e): CompactEntry => ({
        kind: e.kind,
        id: entryIdentifier(e),
        name: e.file.fileName,
        extraFiles: e.file.extraFiles,
        externalPath: e.file.externalPath,
        partition: e.partition,
        bucket: e.bucket,
        size: e.file.fileSize,
      })),
    );
  }

  private indexManifest(name: string) {
    return this.cached(this.indexManifests, name, () => this.table.manifests.indexManifest(name));
  }

  private schema(id: number): Promise<TableSchema> {
    let p = this.schemas.get(id);
    if (!p) {
      // A schema file is never deleted; should one be missing, the latest schema names the same folders.
      p = this.table.schemas.schema(id).catch(() => this.table.schema);
      this.schemas.set(id, p);
    }
    return p;
  }

  private bucketDir(schema: TableSchema, partition: Uint8Array, bucket: number): string {
    const key = `${schema.id}/${rowKey(partition)}/${bucket}`;
    let dir = this.bucketDirs.get(key);
    if (dir === undefined) {
      const types = fieldsByName(schema, schema.partitionKeys, `table ${this.table.name}`).map((f) => f.type);
      dir = bucketDirectory(this.table.path, schema, deserializeBinaryRow(partition, types), bucket);
      this.bucketDirs.set(key, dir);
    }
    return dir;
  }

  /** The files `snapshot` (or a tag's snapshot) references, by name. */
  of(snapshot: Snapshot, options: ReadReferencesOptions, what = `snapshot ${snapshot.id}`): Promise<Map<string, ReferencedFile>> {
    return this.ofRoots({ ...snapshot, what }, options);
  }

  /** A long-lived changelog file (`changelog/changelog-<id>`): every file its lists name. */
  async ofChangelogFile(path: string): Promise<Map<string, ReferencedFile>> {
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(new TextDecoder().decode(await this.table.fileIO.readFile(path))) as Record<string, unknown>;
    } catch (e) {
      if (isNotFound(e)) return new Map();
      throw new PaimonError('CORRUPT_FILE', `changelog file ${path} is not valid JSON: ${(e as Error).message}`, { cause: e });
    }
    const str = (k: string) => (typeof json[k] === 'string' ? (json[k] as string) : null);
    return this.ofRoots(
      {
        what: `long-lived changelog ${path}`,
        schemaId: typeof json['schemaId'] === 'number' ? json['schemaId'] : this.table.schema.id,
        baseManifestList: str('baseManifestList'),
        deltaManifestList: str('deltaManifestList'),
        changelogManifestList: str('changelogManifestList'),
        indexManifest: str('indexManifest'),
        statistics: str('statistics'),
      },
      { live: false, strict: false },
    );
  }

  private async ofRoots(roots: MetadataRoots, options: ReadReferencesOptions): Promise<Map<string, ReferencedFile>> {
    const out = new Map<string, ReferencedFile>();
    const table = this.table;
    const add = (f: ReferencedFile) => {
      if (!out.has(f.name)) out.set(f.name, f);
    };
    const missing = (kind: string, name: string) => {
      if (options.strict) {
        throw new PaimonError('FILE_NOT_FOUND', `${roots.what} of table ${table.name}: ${kind} ${manifestPath(table.path, name)} is missing`);
      }
    };
    const schema = await this.schema(roots.schemaId);
    const addDataFile = (e: CompactEntry, role: FileRole) => {
      const path = e.externalPath ?? `${this.bucketDir(schema, e.partition, e.bucket)}/${e.name}`;
      add({ name: e.name, path, role, size: e.size });
      for (const extra of e.extraFiles) add({ name: extra, path: `${dirOf(path)}/${extra}`, role, size: null });
    };
    const readList = async (name: string | null | undefined, size: number | null | undefined): Promise<ManifestFileMeta[]> => {
      if (!name) return [];
      add({ name, path: manifestPath(table.path, name), role: 'manifest-list', size: size ?? null });
      const metas = await this.list(name);
      if (!metas) missing('manifest list', name);
      for (const m of metas ?? []) add({ name: m.fileName, path: manifestPath(table.path, m.fileName), role: 'manifest', size: m.fileSize });
      return metas ?? [];
    };

    // Data files: base then delta, ADD and DELETE merged as a read merges them (spec 4.9).
    const dataMetas = [...(await readList(roots.baseManifestList, roots.baseManifestListSize)), ...(await readList(roots.deltaManifestList, roots.deltaManifestListSize))];
    const merged = new Map<string, CompactEntry>();
    for (const meta of dataMetas) {
      const entries = await this.manifest(meta.fileName);
      if (!entries) {
        missing('manifest', meta.fileName);
        continue;
      }
      for (const e of entries) {
        if (!options.live) {
          addDataFile(e, 'data');
        } else if (e.kind === FileKind.ADD) {
          if (merged.has(e.id) && options.strict) {
            throw new PaimonError('CORRUPT_FILE', `${roots.what} of table ${table.name}: file ${e.name} (bucket ${e.bucket}) is added twice`);
          }
          merged.set(e.id, e);
        } else if (merged.get(e.id)?.kind === FileKind.ADD) {
          merged.delete(e.id);
        } else {
          merged.set(e.id, e);
        }
      }
    }
    for (const e of merged.values()) {
      if (e.kind === FileKind.ADD) addDataFile(e, 'data');
      else if (options.strict) throw new PaimonError('CORRUPT_FILE', `${roots.what} of table ${table.name} deletes ${e.name}, which no manifest adds`);
    }

    // Changelog files: every ADD of the changelog manifests.
    for (const meta of await readList(roots.changelogManifestList, roots.changelogManifestListSize)) {
      const entries = await this.manifest(meta.fileName);
      if (!entries) {
        missing('manifest', meta.fileName);
        continue;
      }
      for (const e of entries) if (e.kind === FileKind.ADD || !options.live) addDataFile(e, 'changelog');
    }

    // Index files (deletion vectors, dynamic-bucket hash): the index manifest lists the complete live set.
    if (roots.indexManifest) {
      add({ name: roots.indexManifest, path: manifestPath(table.path, roots.indexManifest), role: 'index-manifest', size: null });
      const entries = await this.indexManifest(roots.indexManifest);
      if (!entries) missing('index manifest', roots.indexManifest);
      const inDataDir = schema.options['index-file-in-data-file-dir'] === 'true';
      for (const e of entries ?? []) {
        if (options.live && e.kind !== FileKind.ADD) continue;
        const path = e.externalPath ?? (inDataDir ? `${this.bucketDir(schema, e.partition, e.bucket)}/${e.fileName}` : indexPath(table.path, e.fileName));
        add({ name: e.fileName, path, role: 'index', size: e.fileSize });
      }
    }

    if (roots.statistics) add({ name: roots.statistics, path: `${table.path}/statistics/${roots.statistics}`, role: 'statistics', size: null });
    return out;
  }
}

/**
 * Every branch sharing this table's data and manifest folders (main and
 * each `branch/branch-<name>`), as tables; `table` itself comes first. A
 * branch folder without a schema is an error: nobody could tell which files
 * it uses.
 */
export async function branchTables(table: FileStoreTable): Promise<FileStoreTable[]> {
  const names = new Set<string>([DEFAULT_BRANCH]);
  for (const e of await table.fileIO.list(`${table.path}/branch`)) {
    if (e.isDir && e.name.startsWith('branch-')) names.add(e.name.slice('branch-'.length));
  }
  names.delete(table.branch || DEFAULT_BRANCH);
  const out = [table];
  for (const branch of [...names].sort()) {
    try {
      out.push(await FileStoreTable.open(table.path, { fileIO: table.fileIO, branch }));
    } catch (e) {
      if (e instanceof PaimonError && e.code === 'TABLE_NOT_FOUND') {
        throw new PaimonError('CORRUPT_FILE', `table ${table.name}: branch ${branch} has no schema, so the files it uses cannot be known; check ${branchPath(table.path, branch)} by hand`, { cause: e });
      }
      throw e;
    }
  }
  return out;
}

/** A snapshot, or null when it does not exist (any more). */
async function readSnapshotIfPresent(table: FileStoreTable, id: number): Promise<Snapshot | null> {
  try {
    return await table.snapshots.snapshot(id);
  } catch (e) {
    if (isNotFound(e)) return null;
    throw e;
  }
}

/**
 * Names of every file that other branches, this branch's tags and the given
 * snapshots of this branch reference (live files only: what reads open).
 * `strictSnapshots` makes a missing manifest of those snapshots an error.
 */
export async function protectedNames(
  table: FileStoreTable,
  refs: FileReferences,
  snapshots: readonly Snapshot[],
  options: { strictSnapshots: boolean; skipTags?: ReadonlySet<string> },
): Promise<Set<string>> {
  const keep = new Set<string>();
  const addAll = (m: Map<string, ReferencedFile>) => {
    for (const name of m.keys()) keep.add(name);
  };
  for (const s of snapshots) addAll(await refs.of(s, { live: true, strict: options.strictSnapshots }));
  for (const tag of await table.tags.all()) {
    if (options.skipTags?.has(tag.name)) continue;
    addAll(await refs.of(tag.snapshot, { live: true, strict: false }, `tag ${tag.name}`));
  }
  addAll(await longLivedChangelogNames(table, refs));
  for (const other of (await branchTables(table)).slice(1)) {
    const otherRefs = new FileReferences(other);
    for (const id of await other.snapshots.listIds()) {
      const s = await readSnapshotIfPresent(other, id);
      if (s) addAll(await otherRefs.of(s, { live: true, strict: false }, `snapshot ${id} of branch ${other.branch}`));
    }
    for (const tag of await other.tags.all()) addAll(await otherRefs.of(tag.snapshot, { live: true, strict: false }, `tag ${tag.name} of branch ${other.branch}`));
    addAll(await longLivedChangelogNames(other, otherRefs));
  }
  return keep;
}

/** Files named by `changelog/changelog-<id>` files (decoupled changelog retention, written by Paimon, never by us). */
export async function longLivedChangelogNames(table: FileStoreTable, refs: FileReferences): Promise<Map<string, ReferencedFile>> {
  const out = new Map<string, ReferencedFile>();
  const dir = `${branchPath(table.path, table.branch)}/changelog`;
  for (const e of await table.fileIO.list(dir)) {
    if (e.isDir || !/^changelog-\d+$/.test(e.name)) continue;
    for (const [k, v] of await refs.ofChangelogFile(e.path)) out.set(k, v);
  }
  return out;
}

/**
 * Deletes files layer by layer (data, then manifests, then lists); stops at
 * the first failure. Files already gone (removed by an earlier, interrupted
 * run) are skipped and not reported.
 */
export async function deleteInOrder(table: FileStoreTable, files: Iterable<ReferencedFile>, deleted: ReferencedFile[]): Promise<void> {
  const byStage: ReferencedFile[][] = [[], [], []];
  for (const f of files) byStage[STAGE[f.role]]!.push(f);
  for (const stage of byStage) {
    for (const f of stage.sort((a, b) => a.path.localeCompare(b.path))) {
      if (!(await table.fileIO.exists(f.path))) continue;
      await table.fileIO.delete(f.path, false);
      deleted.push(f);
    }
  }
}

export async function writeHint(table: FileStoreTable, name: 'EARLIEST' | 'LATEST', id: number): Promise<void> {
  await table.fileIO.writeFile(`${snapshotDir(branchPath(table.path, table.branch))}/${name}`, String(id), true);
}

export interface ExpireOptions {
  /** Snapshots always kept, the latest included (`snapshot.num-retained.min`, default 10; at least 1). */
  retainMin?: number;
  /** At most this many snapshots are kept (`snapshot.num-retained.max`, default Integer.MAX_VALUE). */
  retainMax?: number;
  /** Snapshots younger than this are kept (`snapshot.time-retained`, default 1 h). */
  timeRetainedMillis?: number;
  /** Absolute cut-off (epoch millis): only snapshots committed before it may expire. Overrides `timeRetainedMillis`. */
  olderThanMillis?: number;
  /** At most this many snapshots expire per call (`snapshot.expire.limit`, default 50). */
  maxDeletes?: number;
  /**
   * Consumers whose file was not updated for this long are removed first and
   * no longer protect snapshots (`consumer.expiration-time`; default: the
   * option, unset = consumers never expire). null disables it.
   */
  consumerExpirationMillis?: number | null;
  /** The clock (epoch millis), for tests. */
  now?: number;
}

export interface ExpireResult {
  expiredSnapshots: number[];
  /** Every deleted file except the snapshot files themselves, in deletion order. */
  deletedFiles: ReferencedFile[];
  /** Consumer ids whose files expired (`consumer.expiration-time`). */
  expiredConsumers: string[];
  earliestSnapshot: number | null;
  latestSnapshot: number | null;
}

const CONSUMER_FILE = /^consumer-(.+)$/;

interface ConsumerFile {
  id: string;
  path: string;
  nextSnapshot: number;
  modificationTime: number;
}

async function consumers(table: FileStoreTable): Promise<ConsumerFile[]> {
  const dir = `${branchPath(table.path, table.branch)}/consumer`;
  const out: ConsumerFile[] = [];
  for (const e of await table.fileIO.list(dir)) {
    const m = CONSUMER_FILE.exec(e.name);
    if (!m || e.isDir) continue;
    let text: string;
    try {
      text = new TextDecoder().decode(await table.fileIO.readFile(e.path));
    } catch (err) {
      if (isNotFound(err)) continue;
      throw err;
    }
    let next: unknown;
    try {
      next = (JSON.parse(text) as { nextSnapshot?: unknown }).nextSnapshot;
    } catch {
      next = undefined;
    }
    if (typeof next !== 'number' || !Number.isInteger(next)) {
      throw new PaimonError('CORRUPT_FILE', `consumer file ${e.path} has no nextSnapshot; fix or delete it before expiring snapshots`);
    }
    out.push({ id: m[1]!, path: e.path, nextSnapshot: next, modificationTime: e.modificationTime });
  }
  return out;
}

/** CoreOptions.changelogLifecycleDecoupled: changelog retention set longer than snapshot retention. */
function changelogDecoupled(table: FileStoreTable): boolean {
  const o = table.options;
  const num = (name: 'changelogNumRetainedMin' | 'changelogNumRetainedMax', dflt: number) => (o.get(name) === null ? dflt : Number(o.get(name)));
  const time = o.get('changelogTimeRetained');
  return (
    num('changelogNumRetainedMax', o.snapshotNumRetainedMax) > o.snapshotNumRetainedMax ||
    num('changelogNumRetainedMin', o.snapshotNumRetainedMin) > o.snapshotNumRetainedMin ||
    (time !== null && parseDurationMillis(time, 'changelog.time-retained') > o.snapshotTimeRetainedMillis)
  );
}

function checkCount(name: string, v: number, min: number): number {
  if (!Number.isSafeInteger(v) || v < min) throw new PaimonError('INVALID_ARGUMENT', `${name} must be an integer >= ${min}, got ${v}`);
  return v;
}

/**
 * Expires the oldest snapshots beyond the retention (ExpireSnapshotsImpl):
 * never the latest (`retainMin` >= 1), never one at or after the smallest
 * `nextSnapshot` of a consumer, at most `maxDeletes` per call, and stopping
 * at the first snapshot younger than the time retention. Then deletes the
 * files only the expired snapshots used: a file any retained snapshot, tag
 * or other branch references stays.
 *
 * Crash safety: all references are read before anything is deleted; then
 * snapshots go oldest first, each one's files (data, then manifests, then
 * lists) before its snapshot file, and a file another expiring snapshot
 * still uses is deleted only with the last such snapshot. Dying half-way
 * leaves every remaining snapshot readable except, at worst, the one being
 * removed; running again finishes the job. EARLIEST is written at the end.
 */
export async function expireSnapshots(table: FileStoreTable, options: ExpireOptions = {}): Promise<ExpireResult> {
  const o = table.options;
  const now = options.now ?? Date.now();
  const retainMin = checkCount('retainMin', options.retainMin ?? o.snapshotNumRetainedMin, 1);
  const retainMax = checkCount('retainMax', options.retainMax ?? o.snapshotNumRetainedMax, 1);
  if (retainMin > retainMax) throw new PaimonError('INVALID_ARGUMENT', `retainMin (${retainMin}) must not be larger than retainMax (${retainMax})`);
  const maxDeletes = checkCount('maxDeletes', options.maxDeletes ?? Number(o.get('snapshotExpireLimit')), 1);
  const timeRetained = options.timeRetainedMillis ?? o.snapshotTimeRetainedMillis;
  const olderThan = options.olderThanMillis ?? now - timeRetained;
  if (changelogDecoupled(table)) {
    throw new PaimonError(
      'UNSUPPORTED',
      `table ${table.name} keeps changelogs longer than snapshots (changelog.num-retained.* / changelog.time-retained); expiring its snapshots would delete changelog files Paimon keeps, and long-lived changelog files are not written here: expire it with Paimon`,
    );
  }

  // consumer.expiration-time: stale consumers go first (TableCommitImpl.expire) and stop protecting snapshots.
  const consumerOption = o.get('consumerExpirationTime');
  const consumerTtl = options.consumerExpirationMillis !== undefined
    ? options.consumerExpirationMillis
    : consumerOption === null ? null : parseDurationMillis(consumerOption, 'consumer.expiration-time');
  const expiredConsumers: string[] = [];
  let live = await consumers(table);
  if (consumerTtl !== null) {
    for (const c of live) {
      if (c.modificationTime < now - consumerTtl) {
        await table.fileIO.delete(c.path, false);
        expiredConsumers.push(c.id);
      }
    }
    live = live.filter((c) => !expiredConsumers.includes(c.id));
  }

  const result: ExpireResult = { expiredSnapshots: [], deletedFiles: [], expiredConsumers, earliestSnapshot: null, latestSnapshot: null };
  const snapshots = table.snapshots;
  const latest = await snapshots.latestId();
  const earliest = await snapshots.earliestId();
  result.latestSnapshot = latest;
  result.earliestSnapshot = earliest;
  if (latest === null || earliest === null) return result;

  // The range to expire, exactly as ExpireSnapshotsImpl.expire computes it.
  const min = Math.max(latest - retainMax + 1, earliest);
  let maxExclusive = latest - retainMin + 1;
  if (live.length > 0) maxExclusive = Math.min(maxExclusive, Math.min(...live.map((c) => c.nextSnapshot)));
  maxExclusive = Math.min(maxExclusive, earliest + maxDeletes);
  let end = maxExclusive;
  for (let id = min; id < maxExclusive; id++) {
    const s = await readSnapshotIfPresent(table, id);
    if (s && olderThan <= s.timeMillis) {
      end = id;
      break;
    }
  }
  if (end <= earliest) {
    // Nothing to expire; leave an EARLIEST hint so the next reader need not list the folder.
    if (!(await table.fileIO.exists(`${snapshotDir(branchPath(table.path, table.branch))}/EARLIEST`))) await writeHint(table, 'EARLIEST', earliest);
    return result;
  }
  let begin = earliest;
  for (let id = end - 1; id >= earliest; id--) {
    if (!(await snapshots.snapshotExists(id))) {
      begin = id + 1;
      break;
    }
  }

  // Read every reference before deleting anything.
  const refs = new FileReferences(table);
  const expiring: Snapshot[] = [];
  for (let id = begin; id < end; id++) {
    const s = await readSnapshotIfPresent(table, id);
    if (s) expiring.push(s);
  }
  const retained: Snapshot[] = [];
  const stragglers: Snapshot[] = []; // older than a gap in the ids: not expired by this run, so protected too
  for (const id of await snapshots.listIds()) {
    if (id >= begin && id < end) continue;
    const s = await readSnapshotIfPresent(table, id);
    if (s) (id >= end ? retained : stragglers).push(s);
  }
  if (retained.length === 0) return result; // the latest vanished meanwhile (a concurrent rollback): touch nothing
  const keep = await protectedNames(table, refs, retained, { strictSnapshots: true });
  for (const s of stragglers) for (const name of (await refs.of(s, { live: true, strict: false })).keys()) keep.add(name);

  // A file is deleted with the last expiring snapshot that uses it, so each snapshot still present stays whole.
  const toDelete: ReferencedFile[][] = new Array(expiring.length);
  for (let i = expiring.length - 1; i >= 0; i--) {
    const s = expiring[i]!;
    const candidates = await refs.of(s, { live: false, strict: false });
    toDelete[i] = [...candidates.values()].filter((f) => !keep.has(f.name));
    for (const name of (await refs.of(s, { live: true, strict: false })).keys()) keep.add(name);
  }

  // A file several expiring snapshots name goes with the first of them that no longer needs it; later mentions are no-ops.
  const scheduled = new Set<string>();
  for (const [i, files] of toDelete.entries()) {
    toDelete[i] = files.filter((f) => !scheduled.has(f.name));
    for (const f of files) scheduled.add(f.name);
  }

  const root = branchPath(table.path, table.branch);
  for (const [i, s] of expiring.entries()) {
    await deleteInOrder(table, toDelete[i]!, result.deletedFiles);
    await table.fileIO.delete(snapshotPath(root, s.id), false);
    result.expiredSnapshots.push(s.id);
  }
  await writeHint(table, 'EARLIEST', end);
  result.earliestSnapshot = end;
  return result;
}
