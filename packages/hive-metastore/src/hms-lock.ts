/**
 * The metastore's table lock as core's CommitLock (Paimon's HiveCatalogLock):
 * an EXCLUSIVE table-level lock without a transaction, polled with
 * `check_lock` (sleeping 50 ms, doubling up to `lock-check-max-sleep`) until
 * granted or `lock-acquire-timeout` passes, then released with `unlock`.
 * While held it is heartbeated, so a commit slower than the metastore's
 * `hive.txn.timeout` keeps it; a holder that dies stops heartbeating and the
 * metastore drops its lock after that timeout.
 */
import { hostname } from 'node:os';
import type { CommitLock } from '@paimon-ts/core';
import { currentUser } from './current-user.js';
import { HiveMetastoreError } from './errors.js';
import type { MetastoreClient } from './metastore-client.js';
import type { LockResponse } from './thrift/hms-types.js';

export interface HmsLockOptions {
  /** `lock-check-max-sleep`, default 8 s. */
  checkMaxSleepMs: number;
  /** `lock-acquire-timeout`, default 8 min. */
  acquireTimeoutMs: number;
  /** How often a held lock is heartbeated; keep it well under the metastore's `hive.txn.timeout` (300 s by default). */
  heartbeatIntervalMs: number;
}

const FIRST_SLEEP_MS = 50;
const AGENT = 'paimon-ts';


const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class HmsTableLock implements CommitLock {
  constructor(
    private readonly client: MetastoreClient,
    readonly database: string,
    readonly table: string,
    private readonly options: HmsLockOptions,
  ) {}

  /** Runs `fn` holding the lock of this lock's table (the name core passes is only for messages). */
  async runWithLock<T>(_table: string, fn: () => Promise<T>): Promise<T> {
    const lockid = await this.acquire();
    const heartbeat = setInterval(() => {
      // A failed heartbeat means the metastore dropped the lock; the commit's atomic snapshot write still protects the table.
      this.client.heartbeat(lockid).catch(() => undefined);
    }, this.options.heartbeatIntervalMs);
    try {
      return await fn();
    } finally {
      clearInterval(heartbeat);
      await this.release(lockid);
    }
  }

  private async acquire(): Promise<bigint> {
    const started = Date.now();
    let response: LockResponse = await this.client.lock({
      component: [{ type: 'EXCLUSIVE', level: 'TABLE', dbname: this.database, tablename: this.table }],
      user: currentUser(),
      hostname: hostname(),
      agentInfo: AGENT,
    });
    const lockid = response.lockid;
    let nextSleep = FIRST_SLEEP_MS;
    try {
      while (response.state === 'WAITING' && Date.now() - started < this.options.acquireTimeoutMs) {
        nextSleep = Math.min(nextSleep * 2, this.options.checkMaxSleepMs);
        await sleep(Math.min(nextSleep, Math.max(1, this.options.acquireTimeoutMs - (Date.now() - started))));
        response = await this.client.checkLock(lockid);
      }
    } catch (e) {
      await this.release(lockid);
      throw e;
    }
    if (response.state === 'ACQUIRED') return lockid;
    await this.release(lockid);
    throw new HiveMetastoreError(
      'HMS_LOCK_TIMEOUT',
      `could not lock table ${this.database}.${this.table} in the metastore within ${this.options.acquireTimeoutMs} ms (lock ${lockid}, state ${response.state}); ` +
        'another writer holds it (see lock-acquire-timeout)',
    );
  }

  /** Like Paimon, an unlock that fails (the lock already expired) is not an error. */
  private async release(lockid: bigint): Promise<void> {
    if (lockid <= 0n) return;
    await this.client.unlock(lockid).catch(() => undefined);
  }
}
