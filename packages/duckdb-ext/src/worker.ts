/**
 * The planner worker: runs core's (asynchronous) planning and reading while
 * the main thread waits synchronously inside a DuckDB callback. Requests
 * arrive on two ports: `sync` (the caller blocks on a shared flag until the
 * answer is posted) and `async` (ordinary promises).
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import * as arrow from 'apache-arrow';
import { PaimonError, type DataSplit } from '@paimon-ts/core';
import { listTables, scanFields, scanSql, SLOW_PLACEHOLDER, systemSql, type PlannedScan } from './planner.js';
import type { Request, Response, SqlResult } from './protocol.js';
import { SyncLocalFileIO } from './sync-file-io.js';

interface Init {
  sync: MessagePort;
  async: MessagePort;
  flag: SharedArrayBuffer;
}

const init = workerData as Init;
const flag = new Int32Array(init.flag);
const fileIO = new SyncLocalFileIO();

/** Planned slow-path reads, by handle; each `open` starts a fresh cursor over them. */
const handles = new Map<number, { planned: PlannedScan; splits: DataSplit[] }>();
const cursors = new Map<number, AsyncGenerator<arrow.RecordBatch>>();
const MAX_HANDLES = 256;
let nextHandle = 1;
let nextCursor = 1;

function remember(entry: { planned: PlannedScan; splits: DataSplit[] }): number {
  const handle = nextHandle++;
  handles.set(handle, entry);
  while (handles.size > MAX_HANDLES) handles.delete(handles.keys().next().value!);
  return handle;
}

async function handle(req: Request): Promise<{ result: unknown; transfer?: ArrayBuffer[] }> {
  switch (req.op) {
    case 'sql': {
      if (req.kind !== 'scan') return { result: await systemSql(req.kind, req.args, fileIO) };
      const r = await scanSql(req.args, fileIO);
      let sql = r.sql;
      let slow: SqlResult['slow'] = null;
      if (r.slow) {
        const h = remember(r.slow);
        sql = sql.replace(SLOW_PLACEHOLDER, `__paimon_rows(${h})`);
        slow = { handle: h, fields: r.slow.planned.plan.schema.fields };
      }
      const result: SqlResult = { sql, slow, info: r.info };
      return { result };
    }
    case 'open': {
      const entry = handles.get(req.handle);
      if (!entry) throw new PaimonError('INVALID_ARGUMENT', `paimon read handle ${req.handle} has expired; run the query again`);
      const cursor = nextCursor++;
      cursors.set(cursor, entry.planned.scan.read(entry.planned.plan, entry.splits));
      return { result: cursor };
    }
    case 'next': {
      const it = cursors.get(req.cursor);
      if (!it) return { result: { ipc: null } };
      for (;;) {
        const r = await it.next();
        if (r.done) {
          cursors.delete(req.cursor);
          return { result: { ipc: null } };
        }
        if (r.value.numRows === 0) continue;
        const bytes = arrow.tableToIPC(new arrow.Table(r.value), 'stream');
        const copy = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
        return { result: { ipc: copy }, transfer: [copy.buffer as ArrayBuffer] };
      }
    }
    case 'closeCursor': {
      const it = cursors.get(req.cursor);
      cursors.delete(req.cursor);
      if (it) await it.return(undefined);
      return { result: null };
    }
    case 'release':
      handles.delete(req.handle);
      return { result: null };
    case 'fields':
      return { result: await scanFields(req.args, fileIO) };
    case 'tables':
      return { result: await listTables(req.warehouse, fileIO) };
  }
}

async function answer(port: MessagePort, msg: { id: number; req: Request }, notify: boolean): Promise<void> {
  let response: Response;
  let transfer: ArrayBuffer[] = [];
  try {
    const r = await handle(msg.req);
    response = { id: msg.id, ok: true, result: r.result };
    transfer = r.transfer ?? [];
  } catch (e) {
    const err = e as Error & { code?: string };
    response = { id: msg.id, ok: false, error: { message: err?.message ?? String(e), ...(err instanceof PaimonError || typeof err?.code === 'string' ? { code: err.code } : {}) } };
  }
  port.postMessage(response, transfer);
  if (notify) {
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  }
}

init.sync.on('message', (msg: { id: number; req: Request }) => void answer(init.sync, msg, true));
init.async.on('message', (msg: { id: number; req: Request }) => void answer(init.async, msg, false));
parentPort?.on('message', () => undefined);
