/**
 * A small face for driving the server in tests: generated integer tables
 * (PATH [name, rows]), an uploads sink and an echo action, with counters
 * that show what face code ran and how far a DoGet producer got.
 */
import * as arrow from 'apache-arrow';
import { FlightError, type CallContext, type FlightDescriptor, type FlightHandler, type FlightInfoSpec } from '../src/index.js';

export interface FaceCounters {
  /** Calls into any method of the face. */
  calls: number;
  doGets: number;
  /** Batches the current/last DoGet producer has yielded. */
  produced: number;
  /** DoGet producers whose finally block ran (closed early or finished). */
  closed: number;
  uploads: arrow.RecordBatch[];
}

export const SAMPLE_SCHEMA = new arrow.Schema([new arrow.Field('id', new arrow.Int64(), false), new arrow.Field('label', new arrow.Utf8(), true)]);

export function sampleBatch(start: number, rows: number): arrow.RecordBatch {
  const ids = new BigInt64Array(rows);
  const labels: (string | null)[] = new Array(rows);
  for (let i = 0; i < rows; i++) {
    ids[i] = BigInt(start + i);
    labels[i] = (start + i) % 7 === 0 ? null : `row-${start + i}`;
  }
  return new arrow.RecordBatch(SAMPLE_SCHEMA, arrow.makeData({
    type: new arrow.Struct(SAMPLE_SCHEMA.fields),
    length: rows,
    nullCount: 0,
    children: [arrow.makeData({ type: new arrow.Int64(), data: ids, length: rows }), arrow.vectorFromArray(labels, new arrow.Utf8()).data[0]!],
  }));
}

interface Range {
  start: number;
  rows: number;
  batchRows: number;
}

/** PATH ["numbers", "<rows>", "<endpoints>"?, "<batch rows>"?]: rows split over endpoints. */
function rangesOf(d: FlightDescriptor): Range[] | null {
  if (d.type !== 'PATH' || d.path[0] !== 'numbers') return null;
  const rows = Number(d.path[1] ?? 1000);
  const endpoints = Number(d.path[2] ?? 1);
  const batchRows = Number(d.path[3] ?? 1000);
  const per = Math.ceil(rows / endpoints);
  return Array.from({ length: endpoints }, (_, i) => ({ start: i * per, rows: Math.max(0, Math.min(per, rows - i * per)), batchRows }));
}

export function sampleFace(counters: FaceCounters, options: { delayMs?: number } = {}): FlightHandler {
  return {
    name: 'sample',
    async *listFlights(_criteria: Buffer, _ctx: CallContext): AsyncIterable<FlightInfoSpec> {
      counters.calls++;
      for (const rows of [10, 2500]) {
        const descriptor: FlightDescriptor = { type: 'PATH', path: ['numbers', String(rows)] };
        yield { schema: SAMPLE_SCHEMA, descriptor, endpoints: [], totalRecords: rows, totalBytes: -1 };
      }
    },
    async getFlightInfo(d) {
      counters.calls++;
      const ranges = rangesOf(d);
      if (!ranges) return null;
      return {
        schema: SAMPLE_SCHEMA,
        descriptor: d,
        endpoints: ranges.map((r) => ({ ticket: Buffer.from(JSON.stringify(r)) })),
        totalRecords: ranges.reduce((n, r) => n + r.rows, 0),
        totalBytes: -1,
        appMetadata: Buffer.from('sample-info'),
      };
    },
    async getSchema(d) {
      counters.calls++;
      return rangesOf(d) ? SAMPLE_SCHEMA : null;
    },
    async doGet(ticket, ctx) {
      counters.calls++;
      counters.doGets++;
      const r = JSON.parse(ticket.toString('utf8')) as Range;
      counters.produced = 0;
      const delay = options.delayMs ?? 0;
      async function* produce() {
        try {
          for (let at = 0; at < r.rows && !ctx.signal.aborted; at += r.batchRows) {
            if (delay) await new Promise((res) => setTimeout(res, delay));
            counters.produced++;
            yield sampleBatch(r.start + at, Math.min(r.batchRows, r.rows - at));
          }
        } finally {
          counters.closed++;
        }
      }
      return { schema: SAMPLE_SCHEMA, batches: produce() };
    },
    async doPut(d, batches, ctx) {
      counters.calls++;
      if (d.type !== 'PATH' || d.path[0] !== 'uploads') return null;
      if (ctx.readOnly) throw new FlightError('PERMISSION_DENIED', 'the server is read-only');
      let rows = 0;
      for await (const b of batches) {
        counters.uploads.push(b);
        rows += b.numRows;
      }
      return Buffer.from(JSON.stringify({ rows }));
    },
    async doAction(type, body) {
      counters.calls++;
      if (type !== 'echo') return null;
      return (async function* () {
        yield body;
        yield Buffer.from('done');
      })();
    },
    listActions: () => [{ type: 'echo', description: 'answers the body, then "done"' }],
  };
}

export function newCounters(): FaceCounters {
  return { calls: 0, doGets: 0, produced: 0, closed: 0, uploads: [] };
}
