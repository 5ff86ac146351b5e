/**
 * Finding and reading snapshots (spec 3.3): LATEST/EARLIEST hints are
 * advisory; a missing or stale hint falls back to listing `snapshot/`.
 */
import { PaimonError } from '../errors.js';
import type { FileIO } from '../io/file-io.js';
import { parseSnapshot, type Snapshot } from '../spec/snapshot.js';
import { snapshotDir, snapshotPath } from './paths.js';

const SNAPSHOT_FILE = /^snapshot-(\d+)$/;

export class SnapshotManager {
  constructor(
    readonly fileIO: FileIO,
    readonly branchRoot: string,
    private readonly tableName: string,
  ) {}

  private async readHint(name: 'LATEST' | 'EARLIEST'): Promise<number | null> {
    try {
      const text = new TextDecoder().decode(await this.fileIO.readFile(`${snapshotDir(this.branchRoot)}/${name}`)).trim();
      const id = Number(text);
      return Number.isInteger(id) && id > 0 ? id : null;
    } catch {
      return null;
    }
  }

  async listIds(): Promise<number[]> {
    const entries = await this.fileIO.list(snapshotDir(this.branchRoot));
    const ids: number[] = [];
    for (const e of entries) {
      const m = SNAPSHOT_FILE.exec(e.name);
      if (m) ids.push(Number(m[1]));
    }
    return ids.sort((a, b) => a - b);
  }

  async snapshotExists(id: number): Promise<boolean> {
    return this.fileIO.exists(snapshotPath(this.branchRoot, id));
  }

  /** The latest snapshot id, or null for a table with no snapshot yet. */
  async latestId(): Promise<number | null> {
    const hint = await this.readHint('LATEST');
    if (hint !== null && (await this.snapshotExists(hint)) && !(await this.snapshotExists(hint + 1))) return hint;
    const ids = await this.listIds();
    return ids.length ? ids[ids.length - 1]! : null;
  }

  async earliestId(): Promise<number | null> {
    const hint = await this.readHint('EARLIEST');
    if (hint !== null && (await this.snapshotExists(hint))) {
      if (!(await this.snapshotExists(hint - 1))) return hint;
    }
    const ids = await this.listIds();
    return ids.length ? ids[0]! : null;
  }

  async snapshot(id: number): Promise<Snapshot> {
    const path = snapshotPath(this.branchRoot, id);
    let bytes: Uint8Array;
    try {
      bytes = await this.fileIO.readFile(path);
    } catch (e) {
      if (e instanceof PaimonError && e.code === 'FILE_NOT_FOUND') {
        throw new PaimonError('SNAPSHOT_NOT_FOUND', `table ${this.tableName} has no snapshot ${id}`, { cause: e });
      }
      throw e;
    }
    return parseSnapshot(new TextDecoder().decode(bytes), path);
  }

  async latest(): Promise<Snapshot | null> {
    const id = await this.latestId();
    return id === null ? null : this.snapshot(id);
  }

  async all(): Promise<Snapshot[]> {
    const out: Snapshot[] = [];
    for (const id of await this.listIds()) out.push(await this.snapshot(id));
    return out;
  }

  /** The newest snapshot committed at or before `timeMillis` (Paimon's time travel), or null. */
  async earlierOrEqualTime(timeMillis: number): Promise<Snapshot | null> {
    const ids = await this.listIds();
    let lo = 0;
    let hi = ids.length - 1;
    let found: Snapshot | null = null;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = await this.snapshot(ids[mid]!);
      if (s.timeMillis <= timeMillis) {
        found = s;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
}
