/**
 * `lock.enabled`: commits hold the metastore's table lock. Two writers never
 * publish snapshots at the same time, every row lands, a writer that died
 * holding the lock blocks others only until the lock timeout, and a held lock
 * survives a commit slower than that timeout thanks to heartbeats.
 */
import { LocalFileIO, SchemaChange } from '@paimon-ts/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HiveMetastoreError, HmsTableLock, type LockInterval, MetastoreClient } from '../src/index.js';
import { type Env, readRows, startEnv, writeRows } from './helpers.js';

/** Records when each snapshot file was published. */
class RecordingFileIO extends LocalFileIO {
  readonly snapshotWrites: { path: string; start: number; end: number; won: boolean }[] = [];

  override async tryToWriteAtomic(path: string, data: Uint8Array | string): Promise<boolean> {
    if (!/\/snapshot\/snapshot-\d+$/.test(path)) return super.tryToWriteAtomic(path, data);
    const start = Date.now();
    const won = await super.tryToWriteAtomic(path, data);
    this.snapshotWrites.push({ path, start, end: Date.now(), won });
    return won;
  }
}

const LOCKED = { 'lock.enabled': 'true', 'lock-check-max-sleep': '40 ms', 'lock-acquire-timeout': '10 s' };

let env: Env;

beforeEach(async () => {
  env = await startEnv({ lockTimeoutMs: 600 });
});

afterEach(async () => {
  await env.close();
});

function tableLocks(db: string, table: string): LockInterval[] {
  return env.hms.lockHistory.filter((l) => l.db === db && l.table === table).sort((a, b) => a.acquiredAt - b.acquiredAt);
}

describe('commits under the metastore lock', () => {
  it('two writers committing 12 times each never publish snapshots concurrently, and every row lands', async () => {
    const io1 = new RecordingFileIO();
    const io2 = new RecordingFileIO();
    const w1 = env.catalog({ options: LOCKED, fileIO: io1, lockHeartbeatIntervalMs: 100 });
    const w2 = env.catalog({ options: LOCKED, fileIO: io2, lockHeartbeatIntervalMs: 100 });
    await w1.createDatabase('c', false);
    await w1.createTable('c.t', { fields: [{ name: 'writer', type: 'INT' }, { name: 'n', type: 'INT' }] }, false);

    const COMMITS = 12;
    const run = async (catalog: typeof w1, writer: number): Promise<void> => {
      for (let i = 0; i < COMMITS; i++) {
        await writeRows(await catalog.getTable('c.t'), [{ writer, n: i * 2 }, { writer, n: i * 2 + 1 }]);
      }
    };
    await Promise.all([run(w1, 1), run(w2, 2)]);

    const table = await w1.getTable('c.t');
    const snapshots = await table.snapshots.all();
    expect(snapshots.map((s) => s.id)).toEqual(Array.from({ length: 2 * COMMITS }, (_, i) => i + 1));
    const rows = await readRows(table);
    expect(rows).toHaveLength(4 * COMMITS);
    for (const writer of [1, 2]) {
      expect(rows.filter((r) => r['writer'] === writer).map((r) => r['n']).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 2 * COMMITS }, (_, i) => i));
    }

    // The metastore never had two locks on the table at once...
    const locks = tableLocks('c', 't');
    expect(locks.length).toBeGreaterThanOrEqual(2 * COMMITS);
    for (let i = 1; i < locks.length; i++) expect(locks[i]!.acquiredAt).toBeGreaterThanOrEqual(locks[i - 1]!.releasedAt!);
    expect(locks.every((l) => l.endedBy === 'unlock')).toBe(true);
    // ...and every snapshot file was written inside one of them.
    const writes = [...io1.snapshotWrites, ...io2.snapshotWrites];
    expect(writes.filter((w) => w.won)).toHaveLength(2 * COMMITS);
    for (const w of writes) {
      expect(locks.some((l) => l.acquiredAt <= w.start && w.end <= l.releasedAt!)).toBe(true);
    }
    expect(io1.snapshotWrites.length).toBeGreaterThan(0);
    expect(io2.snapshotWrites.length).toBeGreaterThan(0);
  });

  it('holds the lock for schema writes too: creating and altering a table', async () => {
    const catalog = env.catalog({ options: LOCKED });
    await catalog.createDatabase('s', false);
    await catalog.createTable('s.t', { fields: [{ name: 'id', type: 'INT' }] }, false);
    expect(tableLocks('s', 't')).toHaveLength(1);
    await catalog.alterTable('s.t', [SchemaChange.setOption('snapshot.num-retained.min', '3')]);
    expect(tableLocks('s', 't')).toHaveLength(2);
    expect(tableLocks('s', 't').every((l) => l.endedBy === 'unlock')).toBe(true);
  });

  it('takes no lock when lock.enabled is not set', async () => {
    const catalog = env.catalog();
    await catalog.createDatabase('n', false);
    await catalog.createTable('n.t', { fields: [{ name: 'id', type: 'INT' }] }, false);
    await writeRows(await catalog.getTable('n.t'), [{ id: 1 }]);
    expect(env.hms.calls).not.toContain('lock');
  });

  it('a writer that died holding the lock blocks the next commit only until the lock timeout', async () => {
    const catalog = env.catalog({ options: LOCKED });
    await catalog.createDatabase('d', false);
    await catalog.createTable('d.t', { fields: [{ name: 'id', type: 'INT' }] }, false);

    // The dead writer: takes the table lock, then its process is gone (no unlock, no heartbeat).
    const dead = new MetastoreClient({ uri: env.uri });
    const held = await dead.lock({ component: [{ type: 'EXCLUSIVE', level: 'TABLE', dbname: 'd', tablename: 't' }], user: 'gone', hostname: 'gone' });
    expect(held.state).toBe('ACQUIRED');
    dead.close();

    const t0 = Date.now();
    expect(await writeRows(await catalog.getTable('d.t'), [{ id: 1 }])).toBe(1);
    const waited = Date.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(400);
    expect(waited).toBeLessThan(5_000);
    // Locks of the table: the create's schema write, the dead writer's, the commit's.
    const [createLock, deadLock, commitLock] = tableLocks('d', 't');
    expect(createLock!.endedBy).toBe('unlock');
    expect(deadLock!.lockid).toBe(held.lockid);
    expect(deadLock!.endedBy).toBe('timeout');
    expect(commitLock!.acquiredAt).toBeGreaterThanOrEqual(deadLock!.releasedAt!);
    expect(await readRows(await catalog.getTable('d.t'))).toEqual([{ id: 1 }]);
  });

  it('gives up after lock-acquire-timeout with HMS_LOCK_TIMEOUT, leaving no snapshot and no lock behind', async () => {
    const catalog = env.catalog({ options: { ...LOCKED, 'lock-acquire-timeout': '300 ms' } });
    await catalog.createDatabase('g', false);
    await catalog.createTable('g.t', { fields: [{ name: 'id', type: 'INT' }] }, false);
    const holder = new HmsTableLock(catalog.client, 'g', 't', { checkMaxSleepMs: 50, acquireTimeoutMs: 1_000, heartbeatIntervalMs: 100 });
    let release!: () => void;
    const holding = holder.runWithLock('g.t', () => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setTimeout(r, 50));

    const err = await writeRows(await catalog.getTable('g.t'), [{ id: 1 }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HiveMetastoreError);
    expect((err as HiveMetastoreError).code).toBe('HMS_LOCK_TIMEOUT');
    expect((err as Error).message).toContain('g.t');
    release();
    await holding;
    expect(await (await catalog.getTable('g.t')).snapshots.latest()).toBeNull();
    // The abandoned request was withdrawn: the next lock is granted at once.
    const next = await catalog.client.lock({ component: [{ type: 'EXCLUSIVE', level: 'TABLE', dbname: 'g', tablename: 't' }], user: 'u', hostname: 'h' });
    expect(next.state).toBe('ACQUIRED');
  });

  it('heartbeats a held lock, so a commit longer than the lock timeout keeps it', async () => {
    const catalog = env.catalog();
    const options = { checkMaxSleepMs: 50, acquireTimeoutMs: 5_000, heartbeatIntervalMs: 100 };
    const slow = new HmsTableLock(catalog.client, 'h', 't', options);
    const other = new HmsTableLock(catalog.client, 'h', 't', options);
    const order: string[] = [];
    const first = slow.runWithLock('h.t', async () => {
      order.push('slow start');
      await new Promise((r) => setTimeout(r, 1_500)); // 2.5 x the metastore's lock timeout
      order.push('slow end');
    });
    await new Promise((r) => setTimeout(r, 50));
    const second = other.runWithLock('h.t', async () => void order.push('other'));
    await Promise.all([first, second]);
    expect(order).toEqual(['slow start', 'slow end', 'other']);
    const [a, b] = tableLocks('h', 't');
    expect(a!.endedBy).toBe('unlock');
    expect(b!.acquiredAt).toBeGreaterThanOrEqual(a!.releasedAt!);
    expect(env.hms.calls.filter((c) => c === 'heartbeat').length).toBeGreaterThanOrEqual(5);
  });
});
