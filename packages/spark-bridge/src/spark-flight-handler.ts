/**
 * The Spark face: plain Arrow Flight over a Catalog, the shape Spark's Flight
 * data sources use. GetFlightInfo plans a scan into one endpoint per Paimon
 * split; DoGet reads one split from its ticket (no replanning); DoPut commits
 * uploaded batches; DoAction runs commit-related table operations.
 */
import { posix } from 'node:path';
import type * as arrow from 'apache-arrow';
import {
  Identifier,
  parsePredicate,
  PaimonError,
  splitRowCount,
  type Catalog,
  type DataField,
  type DataSplit,
  type FileStoreTable,
  type ScanPlan,
  type TableSchema,
  toArrowSchema,
} from '@paimon-ts/core';
import {
  FlightError,
  type ActionType,
  type CallContext,
  type DoGetStream,
  type FlightDescriptor,
  type FlightHandler,
  type FlightInfoSpec,
} from '@paimon-ts/flight';
import { ACTIONS, runAction } from './actions.js';
import { parseScanRequest, parseTableName, type ScanRequest } from './scan-request.js';
import { sparkSchema, toSparkBatch } from './spark-arrow.js';
import { decodeSplitTicket, encodeSplitTicket } from './split-ticket.js';
import { uploadTarget, writeUpload } from './upload.js';

export interface SparkHandlerOptions {
  /** The face's name inside tickets (default `spark`). */
  name?: string;
  /**
   * Send the Arrow types Spark's reader accepts (microsecond timestamps, TIME
   * as INT); default true. False sends core's Arrow types unchanged.
   */
  sparkTypes?: boolean;
}

/** The projection's fields, in request order (unknown names are INVALID_ARGUMENT). */
function projectionOf(schema: TableSchema, columns: string[] | null, table: string): DataField[] {
  if (!columns) return schema.fields;
  return columns.map((c) => {
    const f = schema.fields.find((x) => x.name === c);
    if (!f) throw new PaimonError('INVALID_ARGUMENT', `table ${table} has no column ${c} (columns: ${schema.fields.map((x) => x.name).join(', ')})`);
    return f;
  });
}

/**
 * Tickets are signed, so a client cannot point one at a file; this second
 * check keeps a split inside its table even if a signing key leaked.
 */
function checkSplitInside(table: FileStoreTable, split: DataSplit): void {
  const roots = [table.path, ...(table.options.raw['data-file.external-paths'] ?? '').split(',').map((p) => p.trim().replace(/^file:(\/\/)?(?=\/)/, '')).filter(Boolean)];
  const inside = (p: string) => {
    const n = posix.normalize(p);
    return roots.some((r) => n.startsWith(`${r.replace(/\/+$/, '')}/`));
  };
  const bad = (what: string) => new FlightError('PERMISSION_DENIED', `split ticket names ${what} outside table ${table.name}`);
  if (!inside(split.bucketPath)) throw bad(`bucket directory ${split.bucketPath}`);
  for (const f of split.files) {
    if (f.fileName.includes('/') || f.fileName === '..' || f.fileName === '.') throw bad(`file ${f.fileName}`);
    if (f.externalPath !== null && !inside(f.externalPath)) throw bad(`file ${f.externalPath}`);
  }
  for (const d of split.deletionFiles) if (d && !inside(d.path)) throw bad(`deletion file ${d.path}`);
}

export class SparkFlightHandler implements FlightHandler {
  readonly name: string;
  private readonly sparkTypes: boolean;

  constructor(
    readonly catalog: Catalog,
    options: SparkHandlerOptions = {},
  ) {
    this.name = options.name ?? 'spark';
    this.sparkTypes = options.sparkTypes ?? true;
  }

  private arrowSchema(fields: readonly DataField[]): arrow.Schema {
    return this.sparkTypes ? sparkSchema(fields) : toArrowSchema([...fields]);
  }

  /** Every table of every database (criteria: a database name, to list only that one). */
  async *listFlights(criteria: Buffer, ctx: CallContext): AsyncIterable<FlightInfoSpec> {
    const only = criteria.toString('utf8').trim();
    const databases = only ? [only] : await this.catalog.listDatabases();
    for (const db of databases) {
      for (const name of await this.catalog.listTables(db)) {
        if (ctx.signal.aborted) return;
        const table = await this.catalog.getTable(new Identifier(db, name));
        const latest = await table.snapshots.latestId();
        yield {
          schema: this.arrowSchema(table.schema.fields),
          descriptor: { type: 'PATH', path: [db, name] },
          // Planning waits for GetFlightInfo: listing stays cheap however big the tables are.
          endpoints: [],
          totalRecords: -1,
          totalBytes: -1,
          appMetadata: Buffer.from(JSON.stringify({ primaryKeys: table.primaryKeys, partitionKeys: table.partitionKeys, snapshotId: latest })),
        };
      }
    }
  }

  private async open(req: ScanRequest): Promise<FileStoreTable> {
    return this.catalog.getTable(req.table);
  }

  async getFlightInfo(descriptor: FlightDescriptor): Promise<FlightInfoSpec | null> {
    const req = parseScanRequest(descriptor);
    if (!req) return null;
    const table = await this.open(req);
    const scan = table.newScan().select(req.columns).filter(req.predicate);
    if (req.snapshot !== null) scan.atSnapshot(req.snapshot);
    if (req.tag !== null) scan.atTag(req.tag);
    const plan = await scan.plan();
    const fields = projectionOf(plan.schema, req.columns, table.name);
    const base = { table: req.table.fullName, snapshotId: plan.snapshot?.id ?? null, schemaId: plan.schema.id, columns: req.columns, filter: req.filter, sparkTypes: this.sparkTypes };
    // Exact only when every stored row is a result row: no merge, no deletion vectors, no filter.
    const exact = table.primaryKeys.length === 0 && !req.predicate && plan.splits.every((s) => s.deletionFiles.every((d) => d === null));
    return {
      schema: this.arrowSchema(fields),
      descriptor,
      endpoints: plan.splits.map((split) => ({
        ticket: encodeSplitTicket({ ...base, split }),
        appMetadata: Buffer.from(JSON.stringify({ bucket: split.bucket, files: split.files.length, storedRows: splitRowCount(split), deletionVectors: split.deletionFiles.filter(Boolean).length })),
      })),
      totalRecords: exact ? plan.splits.reduce((n, s) => n + splitRowCount(s), 0) : -1,
      totalBytes: -1,
      appMetadata: Buffer.from(JSON.stringify({ snapshotId: plan.snapshot?.id ?? null, schemaId: plan.schema.id, splits: plan.splits.length })),
    };
  }

  async getSchema(descriptor: FlightDescriptor): Promise<arrow.Schema | null> {
    const req = parseScanRequest(descriptor);
    if (!req) return null;
    const table = await this.open(req);
    let schema = table.schema;
    if (req.snapshot !== null || req.tag !== null) {
      const snapshot = req.snapshot !== null ? await table.snapshots.snapshot(req.snapshot) : await table.tags.snapshot(req.tag!);
      schema = await table.schemas.schema(snapshot.schemaId);
    }
    return this.arrowSchema(projectionOf(schema, req.columns, table.name));
  }

  async doGet(payload: Buffer, ctx: CallContext): Promise<DoGetStream> {
    const t = decodeSplitTicket(payload);
    const table = await this.catalog.getTable(parseTableName(t.table));
    checkSplitInside(table, t.split);
    const schema = await table.schemas.schema(t.schemaId);
    const fields = projectionOf(schema, t.columns, table.name);
    const scan = table.newScan().select(t.columns).filter(t.filter ? parsePredicate(t.filter) : null);
    // The plan is the ticket's split at the ticket's schema: nothing is planned again.
    const plan: ScanPlan = { snapshot: null, schema, splits: [t.split] };
    const outSchema = t.sparkTypes ? sparkSchema(fields) : scan.outputSchema(plan);
    const sparkTypes = t.sparkTypes;
    async function* batches(): AsyncGenerator<arrow.RecordBatch> {
      for await (const batch of scan.read(plan)) {
        if (ctx.signal.aborted) return;
        yield sparkTypes ? toSparkBatch(batch, fields, outSchema) : batch;
      }
    }
    return { schema: outSchema, batches: batches() };
  }

  async doPut(descriptor: FlightDescriptor, batches: AsyncIterable<arrow.RecordBatch>, ctx: CallContext): Promise<Buffer | null> {
    const target = uploadTarget(descriptor);
    if (!target) return null;
    const result = await writeUpload(this.catalog, target, batches, ctx.readOnly);
    return Buffer.from(JSON.stringify(result));
  }

  async doAction(type: string, body: Buffer, ctx: CallContext): Promise<AsyncIterable<Buffer> | null> {
    const result = await runAction(this.catalog, type, body, ctx.readOnly);
    if (!result) return null;
    return (async function* () {
      yield Buffer.from(JSON.stringify(result));
    })();
  }

  listActions(): ActionType[] {
    return ACTIONS;
  }
}

/** The Spark face over a catalog (any Catalog: a warehouse folder, a Hive Metastore). */
export function createSparkHandler(catalog: Catalog, options: SparkHandlerOptions = {}): SparkFlightHandler {
  return new SparkFlightHandler(catalog, options);
}
