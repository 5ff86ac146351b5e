/** Reads manifest lists, manifests and index manifests of a table's `manifest/` folder. */
import type { FileIO } from '../io/file-io.js';
import { readRecordFile } from '../io/record-file.js';
import { readIndexManifestEntry, type IndexManifestEntry } from '../spec/index-manifest-entry.js';
import { EntryMerger, FileKind, readManifestEntry, type ManifestEntry } from '../spec/manifest-entry.js';
import type { Snapshot } from '../spec/snapshot.js';
import { readManifestFileMeta, type ManifestFileMeta } from '../spec/manifest-file-meta.js';
import { corruptFile, PaimonError } from '../errors.js';
import { manifestPath } from './paths.js';

export class ManifestFiles {
  constructor(
    private readonly fileIO: FileIO,
    private readonly tablePath: string,
  ) {}

  private async records(name: string, what: string) {
    const path = manifestPath(this.tablePath, name);
    let bytes: Uint8Array;
    try {
      bytes = await this.fileIO.readFile(path);
    } catch (e) {
      if (e instanceof PaimonError && e.code === 'FILE_NOT_FOUND') {
        throw new PaimonError('FILE_NOT_FOUND', `${what} ${path} is missing`, { cause: e });
      }
      throw e;
    }
    return { path, records: await readRecordFile(bytes, path) };
  }

  async manifestList(name: string): Promise<ManifestFileMeta[]> {
    const { path, records } = await this.records(name, 'manifest list');
    try {
      return records.map((r) => readManifestFileMeta(r, path));
    } catch (e) {
      throw corruptFile(path, 'manifest list', e);
    }
  }

  async manifest(name: string): Promise<ManifestEntry[]> {
    const { path, records } = await this.records(name, 'manifest');
    try {
      return records.map((r) => readManifestEntry(r, path));
    } catch (e) {
      throw corruptFile(path, 'manifest', e);
    }
  }

  async indexManifest(name: string): Promise<IndexManifestEntry[]> {
    const { path, records } = await this.records(name, 'index manifest');
    try {
      return records.map((r) => readIndexManifestEntry(r, path));
    } catch (e) {
      throw corruptFile(path, 'index manifest', e);
    }
  }

  /** The live index files of a snapshot (its index manifest lists them all); none without one. */
  async liveIndexFiles(snapshot: Snapshot | null): Promise<IndexManifestEntry[]> {
    if (!snapshot?.indexManifest) return [];
    return (await this.indexManifest(snapshot.indexManifest)).filter((e) => e.kind === FileKind.ADD);
  }

  /** The manifests holding a snapshot's full state: its base list, then its delta list. */
  async dataManifests(snapshot: Snapshot): Promise<ManifestFileMeta[]> {
    return [...(await this.manifestList(snapshot.baseManifestList)), ...(await this.manifestList(snapshot.deltaManifestList))];
  }

  /**
   * The live files of `manifests` (ADD and DELETE merged, spec 4.9). Filters
   * skip whole manifests or entries; an ADD and its DELETE share partition
   * and bucket, so filters on those skip both together.
   */
  async liveEntries(
    manifests: readonly ManifestFileMeta[],
    keep: { manifest?: (m: ManifestFileMeta) => boolean; entry?: (e: ManifestEntry) => boolean } = {},
    where = 'snapshot',
  ): Promise<ManifestEntry[]> {
    const merger = new EntryMerger();
    for (const meta of manifests) {
      if (keep.manifest && !keep.manifest(meta)) continue;
      for (const entry of await this.manifest(meta.fileName)) if (!keep.entry || keep.entry(entry)) merger.add(entry, meta.fileName);
    }
    const entries = merger.result();
    const orphan = entries.find((e) => e.kind === FileKind.DELETE);
    if (orphan) throw new PaimonError('CORRUPT_FILE', `${where} deletes ${orphan.file.fileName}, which no manifest adds`);
    return entries;
  }
}
