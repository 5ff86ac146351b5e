/**
 * The main thread's link to the planner worker. DuckDB runs JS callbacks
 * synchronously on the JS thread, while core plans and reads asynchronously;
 * `callSync` posts a request and blocks (Atomics.wait) until the worker has
 * answered, then takes the answer with `receiveMessageOnPort`. `call` is
 * the ordinary asynchronous form.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { PaimonError, type ErrorCode } from '@paimon-ts/core';
import type { ErrorInfo, Request, Response } from './protocol.js';

/** The compiled worker: next to this module in dist, or dist/ when this module runs from src (tests). */
function workerUrl(): URL {
  const here = new URL(import.meta.url);
  if (here.pathname.endsWith('.ts')) return new URL('../dist/worker.js', here);
  return new URL('./worker.js', here);
}

function toError(e: ErrorInfo): Error {
  return e.code ? new PaimonError(e.code as ErrorCode, e.message) : new Error(e.message);
}

const SYNC_TIMEOUT_MS = 10 * 60_000;

export class PlannerBridge {
  private readonly worker: Worker;
  private readonly syncPort: MessagePort;
  private readonly asyncPort: MessagePort;
  private readonly flag: Int32Array;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private closed = false;

  constructor() {
    const sync = new MessageChannel();
    const async = new MessageChannel();
    const shared = new SharedArrayBuffer(4);
    this.flag = new Int32Array(shared);
    this.worker = new Worker(workerUrl(), {
      workerData: { sync: sync.port2, async: async.port2, flag: shared },
      transferList: [sync.port2, async.port2],
    });
    this.worker.unref();
    this.worker.on('error', (e) => {
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    });
    this.syncPort = sync.port1;
    this.syncPort.unref();
    this.asyncPort = async.port1;
    this.asyncPort.on('message', (res: Response) => {
      const p = this.pending.get(res.id);
      if (!p) return;
      this.pending.delete(res.id);
      if (this.pending.size === 0) this.asyncPort.unref();
      if (res.ok) p.resolve(res.result);
      else p.reject(toError(res.error));
    });
    this.asyncPort.unref();
  }

  /** Blocks the calling (JS) thread until the worker answers. */
  callSync<T>(req: Request): T {
    if (this.closed) throw new Error('the Paimon planner has been closed');
    const id = this.nextId++;
    Atomics.store(this.flag, 0, 0);
    this.syncPort.postMessage({ id, req });
    const waited = Atomics.wait(this.flag, 0, 0, SYNC_TIMEOUT_MS);
    if (waited === 'timed-out') throw new Error(`the Paimon planner did not answer within ${SYNC_TIMEOUT_MS / 1000} s`);
    const msg = receiveMessageOnPort(this.syncPort);
    if (!msg) throw new Error('the Paimon planner answered nothing');
    const res = msg.message as Response;
    if (res.id !== id) throw new Error(`the Paimon planner answered request ${res.id} instead of ${id}`);
    if (!res.ok) throw toError(res.error);
    return res.result as T;
  }

  call<T>(req: Request): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the Paimon planner has been closed'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.asyncPort.ref();
      this.asyncPort.postMessage({ id, req });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.syncPort.close();
    this.asyncPort.close();
    await this.worker.terminate();
  }
}

let shared: PlannerBridge | null = null;

/** The process-wide planner (one worker serves every connection). */
export function planner(): PlannerBridge {
  shared ??= new PlannerBridge();
  return shared;
}

/** Stops the shared planner worker (it does not keep the process alive anyway). */
export async function closePlanner(): Promise<void> {
  const p = shared;
  shared = null;
  await p?.close();
}
