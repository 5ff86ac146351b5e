/**
 * Reads `schema/schema-<id>` files, caching them (schemas are immutable once
 * written), and writes the next one for a schema change.
 */
import { PaimonError } from '../errors.js';
import type { FileIO } from '../io/file-io.js';
import { parseTableSchema, serializeTableSchema, type TableSchema } from '../spec/table-schema.js';
import { schemaDir, schemaPath } from './paths.js';
import { applySchemaChanges, type SchemaChange } from './schema-change.js';
import { SnapshotManager } from './snapshot-manager.js';

/** How often a schema change is re-applied on top of one that beat it to the next schema id. */
const MAX_SCHEMA_COMMIT_ATTEMPTS = 50;

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

  /**
   * Applies `changes` to the latest schema and writes the result as the next
   * `schema-<id>`, atomically: of concurrent changes each lands as its own
   * schema, the later ones re-applied (and re-checked) on top of the earlier.
   * Returns the new schema; open the table again to write with it.
   */
  async commitChanges(changes: readonly SchemaChange[], where = `table ${this.tableName}`): Promise<TableSchema> {
    if (!Array.isArray(changes) || changes.length === 0) throw new PaimonError('INVALID_ARGUMENT', `${where}: no schema changes given`);
    const hasSnapshots = (await new SnapshotManager(this.fileIO, this.branchRoot, this.tableName).latestId()) !== null;
    for (let attempt = 1; ; attempt++) {
      const latest = await this.latest();
      if (!latest) throw new PaimonError('TABLE_NOT_FOUND', `${where} has no schema to change`);
      const next = applySchemaChanges(latest, changes, { hasSnapshots, where });
      if (await this.fileIO.tryToWriteAtomic(schemaPath(this.branchRoot, next.id), serializeTableSchema(next))) return next;
      if (attempt >= MAX_SCHEMA_COMMIT_ATTEMPTS) {
        throw new PaimonError('COMMIT_CONFLICT', `${where}: gave up changing the schema after ${attempt} attempts; other writers kept taking schema-${next.id}`);
      }
    }
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
