/** Reads manifest lists, manifests and index manifests of a table's `manifest/` folder. */
import type { FileIO } from '../io/file-io.js';
import { readRecordFile } from '../io/record-file.js';
import { readIndexManifestEntry, type IndexManifestEntry } from '../spec/index-manifest-entry.js';
import { readManifestEntry, type ManifestEntry } from '../spec/manifest-entry.js';
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
}
