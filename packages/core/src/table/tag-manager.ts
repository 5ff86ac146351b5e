/** Tags (`tag/tag-<name>`): a snapshot JSON kept under a name, so its files stay alive. */
import { PaimonError } from '../errors.js';
import type { FileIO } from '../io/file-io.js';
import { parseSnapshot, type Snapshot } from '../spec/snapshot.js';
import { tagDir, tagPath } from './paths.js';

export class TagManager {
  constructor(
    readonly fileIO: FileIO,
    readonly branchRoot: string,
    private readonly tableName: string,
  ) {}

  async list(): Promise<string[]> {
    const entries = await this.fileIO.list(tagDir(this.branchRoot));
    return entries.filter((e) => e.name.startsWith('tag-')).map((e) => e.name.slice(4)).sort();
  }

  async snapshot(name: string): Promise<Snapshot> {
    const path = tagPath(this.branchRoot, name);
    let bytes: Uint8Array;
    try {
      bytes = await this.fileIO.readFile(path);
    } catch (e) {
      if (e instanceof PaimonError && e.code === 'FILE_NOT_FOUND') {
        throw new PaimonError('TAG_NOT_FOUND', `table ${this.tableName} has no tag ${name}`, { cause: e });
      }
      throw e;
    }
    return parseSnapshot(new TextDecoder().decode(bytes), path);
  }
}
