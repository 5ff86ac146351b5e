/** Tags (`tag/tag-<name>`): a snapshot JSON kept under a name, so its files stay alive. */
import { PaimonError } from '../errors.js';
import type { FileIO } from '../io/file-io.js';
import { parseSnapshot, serializeSnapshot, type Snapshot } from '../spec/snapshot.js';
import { tagDir, tagPath } from './paths.js';

const TAG_PREFIX = 'tag-';

/** A tag with its snapshot and, when it has a TTL, Paimon's `tagCreateTime` / `tagTimeRetained`. */
export interface TagInfo {
  name: string;
  snapshot: Snapshot;
  /** `tagCreateTime` as written (a Java LocalDateTime: local wall clock), `YYYY-MM-DDTHH:MM:SS[.fff]`; null when absent. */
  createTime: string | null;
  /** `tagTimeRetained` in milliseconds; null when the tag never expires. */
  timeRetainedMillis: number | null;
}

export interface CreateTagOptions {
  /** `tagTimeRetained`: the tag's TTL. When set, `tagCreateTime` (now, local time) is written too, as Paimon does. */
  timeRetainedMillis?: number | null;
  /** Do nothing when the tag exists (default: fail with INVALID_ARGUMENT). */
  ignoreIfExists?: boolean;
  /** The creation time to record (epoch millis; default now). */
  now?: number;
}

/** Jackson's JavaTimeModule array form of a LocalDateTime: [y, M, d, H, m] then seconds and nanos when non-zero. */
function localDateTimeJson(millis: number): string {
  const d = new Date(millis);
  const parts = [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes()];
  const secs = d.getSeconds();
  const nanos = d.getMilliseconds() * 1_000_000;
  if (secs > 0 || nanos > 0) parts.push(secs);
  if (nanos > 0) parts.push(nanos);
  return `[ ${parts.join(', ')} ]`;
}

/** Jackson's Duration as decimal seconds with nine fraction digits, e.g. `3600.000000000`. */
function durationJson(millis: number): string {
  const whole = Math.floor(millis / 1000);
  const nanos = Math.round((millis - whole * 1000) * 1_000_000);
  return `${whole}.${String(nanos).padStart(9, '0')}`;
}

function parseCreateTime(v: unknown): string | null {
  if (!Array.isArray(v) || v.length < 5 || !v.every((x) => typeof x === 'number')) return typeof v === 'string' ? v : null;
  const [y, mo, d, h, mi, s = 0, n = 0] = v as number[];
  const p = (x: number, w = 2) => String(x).padStart(w, '0');
  const frac = n > 0 ? `.${p(Math.floor(n / 1_000_000), 3)}` : '';
  return `${p(y!, 4)}-${p(mo!)}-${p(d!)}T${p(h!)}:${p(mi!)}:${p(s)}${frac}`;
}

function parseTimeRetained(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.round(v * 1000);
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Math.round(Number(v) * 1000);
  return null;
}

export class TagManager {
  constructor(
    readonly fileIO: FileIO,
    readonly branchRoot: string,
    private readonly tableName: string,
  ) {}

  async list(): Promise<string[]> {
    const entries = await this.fileIO.list(tagDir(this.branchRoot));
    return entries.filter((e) => !e.isDir && e.name.startsWith(TAG_PREFIX)).map((e) => e.name.slice(TAG_PREFIX.length)).sort();
  }

  path(name: string): string {
    return tagPath(this.branchRoot, name);
  }

  exists(name: string): Promise<boolean> {
    return this.fileIO.exists(this.path(name));
  }

  async snapshot(name: string): Promise<Snapshot> {
    return (await this.info(name)).snapshot;
  }

  /** The tag's snapshot and TTL fields; TAG_NOT_FOUND when there is no such tag. */
  async info(name: string): Promise<TagInfo> {
    const path = this.path(name);
    let bytes: Uint8Array;
    try {
      bytes = await this.fileIO.readFile(path);
    } catch (e) {
      if (e instanceof PaimonError && e.code === 'FILE_NOT_FOUND') {
        throw new PaimonError('TAG_NOT_FOUND', `table ${this.tableName} has no tag ${name}`, { cause: e });
      }
      throw e;
    }
    const snapshot = parseSnapshot(new TextDecoder().decode(bytes), path);
    const extra = snapshot as unknown as Record<string, unknown>;
    const info: TagInfo = {
      name,
      snapshot,
      createTime: parseCreateTime(extra['tagCreateTime']),
      timeRetainedMillis: parseTimeRetained(extra['tagTimeRetained']),
    };
    // The snapshot proper, without the tag's own fields (Tag.trimToSnapshot).
    delete extra['tagCreateTime'];
    delete extra['tagTimeRetained'];
    return info;
  }

  /** Every tag, sorted by snapshot id then name; a tag deleted while listing is skipped. */
  async all(): Promise<TagInfo[]> {
    const out: TagInfo[] = [];
    for (const name of await this.list()) {
      try {
        out.push(await this.info(name));
      } catch (e) {
        if (e instanceof PaimonError && e.code === 'TAG_NOT_FOUND') continue;
        throw e;
      }
    }
    return out.sort((a, b) => a.snapshot.id - b.snapshot.id || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Writes `tag/tag-<name>` with the snapshot's JSON (TagManager.createTag):
   * plain snapshot JSON, or with `tagCreateTime` and `tagTimeRetained` when
   * the tag has a TTL. The file appears atomically and never replaces an
   * existing tag. Returns false when the tag existed and `ignoreIfExists` is set.
   */
  async create(name: string, snapshot: Snapshot, options: CreateTagOptions = {}): Promise<boolean> {
    validateTagName(name);
    const ttl = options.timeRetainedMillis ?? null;
    if (ttl !== null && (!Number.isFinite(ttl) || ttl < 0)) {
      throw new PaimonError('INVALID_ARGUMENT', `tag ${name}: time retained must be a non-negative duration, got ${ttl}`);
    }
    let json: string;
    if (ttl === null) {
      json = serializeSnapshot(snapshot);
    } else {
      // serializeSnapshot writes JSON numbers and arrays its own way; Jackson's LocalDateTime and Duration forms go in verbatim.
      const marker = (k: string) => `\u0000${k}\u0000`;
      json = serializeSnapshot(snapshot, { tagCreateTime: marker('create'), tagTimeRetained: marker('ttl') })
        .replace(JSON.stringify(marker('create')), localDateTimeJson(options.now ?? Date.now()))
        .replace(JSON.stringify(marker('ttl')), durationJson(ttl));
    }
    if (await this.fileIO.tryToWriteAtomic(this.path(name), json)) return true;
    if (options.ignoreIfExists) return false;
    throw new PaimonError('INVALID_ARGUMENT', `table ${this.tableName}: tag ${name} already exists`);
  }

  /** Removes the tag file only (see `deleteTag` in tags.ts for the files only this tag kept alive). */
  async deleteFile(name: string): Promise<void> {
    await this.fileIO.delete(this.path(name), false);
  }
}

/** Tag names become file names: not blank, no path separators, not hidden. */
export function validateTagName(name: string): void {
  if (typeof name !== 'string' || name.trim() === '') throw new PaimonError('INVALID_ARGUMENT', "tag name shouldn't be blank");
  if (/[/\\]/.test(name) || name.startsWith('.') || /[\u0000-\u001f]/.test(name)) {
    throw new PaimonError('INVALID_ARGUMENT', `invalid tag name ${JSON.stringify(name)}: it must not contain '/', '\\' or control characters, nor start with '.'`);
  }
}
