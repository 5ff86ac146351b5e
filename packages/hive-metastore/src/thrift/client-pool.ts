/**
 * A small pool of metastore connections shared by concurrent callers (Paimon's
 * `client-pool-size`, default 2). A connection the server closed while it sat
 * idle is dropped and replaced on the next call; a read-only call that loses
 * its connection is retried once on a fresh one. Calls that change the
 * metastore are never retried: the first attempt may have taken effect.
 */
import { HiveMetastoreError } from '../errors.js';
import type { Codec } from './codec.js';
import { type ConnectionOptions, type Endpoint, endpointName, ThriftConnection } from './connection.js';

export interface PoolOptions extends ConnectionOptions {
  size: number;
}

/** Calls with no effect on the metastore, safe to send twice. */
const READ_ONLY = /^(get_|check_lock$|heartbeat$)/;

export class ClientPool {
  private readonly idle: ThriftConnection[] = [];
  private open = 0;
  private readonly waiters: ((c: ThriftConnection | Error) => void)[] = [];
  private closed = false;

  constructor(
    private readonly codec: Codec,
    readonly endpoints: readonly Endpoint[],
    private readonly options: PoolOptions,
  ) {
    if (endpoints.length === 0) throw new HiveMetastoreError('HMS_INVALID_URI', 'no metastore URI given');
    if (!Number.isInteger(options.size) || options.size < 1) {
      throw new HiveMetastoreError('HMS_INVALID_URI', `client pool size must be a positive integer, got ${options.size}`);
    }
  }

  async call(method: string, args: Record<string, unknown>): Promise<unknown> {
    const { conn, reused } = await this.acquire();
    try {
      const value = await conn.call(method, args);
      this.release(conn);
      return value;
    } catch (e) {
      this.release(conn);
      if (reused && READ_ONLY.test(method) && e instanceof HiveMetastoreError && e.code === 'HMS_CONNECTION_LOST') {
        return this.callOnce(method, args);
      }
      throw e;
    }
  }

  /** One attempt on a new connection (the retry after a stale one). */
  private async callOnce(method: string, args: Record<string, unknown>): Promise<unknown> {
    const conn = await this.connectNew();
    try {
      return await conn.call(method, args);
    } finally {
      this.release(conn);
    }
  }

  close(): void {
    this.closed = true;
    for (const c of this.idle.splice(0)) c.close();
    for (const w of this.waiters.splice(0)) w(new HiveMetastoreError('HMS_CONNECTION_LOST', 'the metastore client was closed'));
  }

  private async acquire(): Promise<{ conn: ThriftConnection; reused: boolean }> {
    if (this.closed) throw new HiveMetastoreError('HMS_CONNECTION_LOST', 'the metastore client was closed');
    while (this.idle.length > 0) {
      const c = this.idle.pop()!;
      c.setIdle(false);
      if (c.usable) return { conn: c, reused: true };
      this.open--; // the server closed it while idle
      c.close();
    }
    if (this.open < this.options.size) return { conn: await this.connectNew(), reused: false };
    const got = await new Promise<ThriftConnection | Error>((resolve) => this.waiters.push(resolve));
    if (got instanceof Error) throw got;
    if (got.usable) return { conn: got, reused: true };
    got.close();
    this.open--;
    return { conn: await this.connectNew(), reused: false };
  }

  /** Opens a connection counted against the pool size, trying each URI in turn. */
  private async connectNew(): Promise<ThriftConnection> {
    this.open++;
    const failures: string[] = [];
    for (const e of this.endpoints) {
      try {
        return await ThriftConnection.connect(this.codec, e, this.options);
      } catch (err) {
        failures.push(err instanceof Error ? err.message : String(err));
        if (this.endpoints.length === 1) {
          this.open--;
          this.wakeOne();
          throw err;
        }
      }
    }
    this.open--;
    this.wakeOne();
    throw new HiveMetastoreError('HMS_UNAVAILABLE', `cannot connect to any metastore (${this.endpoints.map(endpointName).join(', ')}): ${failures.join('; ')}`);
  }

  /** A freed slot lets a waiter open its own connection. */
  private wakeOne(): void {
    const w = this.waiters.shift();
    if (!w) return;
    this.connectNew().then(w, w);
  }

  private release(conn: ThriftConnection): void {
    if (!conn.usable || this.closed) {
      conn.close();
      this.open--;
      this.wakeOne();
      return;
    }
    const w = this.waiters.shift();
    if (w) w(conn);
    else {
      conn.setIdle(true);
      this.idle.push(conn);
    }
  }
}
