/** Reads `schema/schema-<id>` files, caching them (schemas are immutable once written). */
import { PaimonError } from '../errors.js';
import type { FileIO } from '../io/file-io.js';
import { parseTableSchema, type TableSchema } from '../spec/table-schema.js';
import { schemaDir, schemaPath } from './paths.js';

const SCHEMA_FILE = /^schema-(\d+)$/;

export class SchemaManager {
  private readonly cache = new Map<number, Promise<TableSchema>>();

  constructor(
    readonly fileIO: FileIO,
    readonly branchRoot: string,
    private readonly tableName: string,
  ) {}

  async listIds(): Promise<number[]> {
    const entries = await this.fileIO.list(schemaDir(this.branchRoot));
    return entries
      .map((e) => SCHEMA_FILE.exec(e.name))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
  }

  async latest(): Promise<TableSchema | null> {
    const ids = await this.listIds();
    return ids.length ? this.schema(ids[ids.length - 1]!) : null;
  }

  schema(id: number): Promise<TableSchema> {
    let cached = this.cache.get(id);
    if (!cached) {
      cached = this.load(id);
      this.cache.set(id, cached);
      cached.catch(() => this.cache.delete(id));
    }
    return cached;
  }

  private async load(id: number): Promise<TableSchema> {
    const path = schemaPath(this.branchRoot, id);
    let bytes: Uint8Array;
    try {
      bytes = await this.fileIO.readFile(path);
    } catch (e) {
      if (e instanceof PaimonError && e.code === 'FILE_NOT_FOUND') {
        throw new PaimonError('SCHEMA_NOT_FOUND', `table ${this.tableName} has no schema ${id}`, { cause: e });
      }
      throw e;
    }
    return parseTableSchema(new TextDecoder().decode(bytes), path);
  }
}
