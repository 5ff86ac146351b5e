/**
 * The Thrift client against the in-process metastore: the metastore rules it
 * sees, transports, the pool, reconnects, and every way a call can fail,
 * each a typed error and never a hang.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HiveMetastoreError, MemoryMetastore, MetastoreClient, MetastoreException, paramFilter, parseMetastoreUris, type Table } from '../src/index.js';
import { Codec } from '../src/thrift/codec.js';
import { HMS_IDL } from '../src/thrift/idl.js';
import { ThriftServer } from '../src/thrift/server.js';

const clients: MetastoreClient[] = [];
const stops: (() => Promise<void> | void)[] = [];

function client(uri: string, options: Partial<ConstructorParameters<typeof MetastoreClient>[0]> = {}): MetastoreClient {
  const c = new MetastoreClient({ uri, connectTimeoutMs: 1_000, requestTimeoutMs: 2_000, ...options });
  clients.push(c);
  return c;
}

async function metastore(options: ConstructorParameters<typeof MemoryMetastore>[0] = {}): Promise<MemoryMetastore> {
  const hms = new MemoryMetastore({ warehouse: 'file:/wh', ...options });
  await hms.start();
  stops.push(() => hms.stop());
  return hms;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of stops.splice(0)) await s();
});

async function failure(p: Promise<unknown>): Promise<HiveMetastoreError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(HiveMetastoreError);
  return e as HiveMetastoreError;
}

const table = (db: string, name: string, extra: Partial<Table> = {}): Table => ({
  tableName: name,
  dbName: db,
  sd: { cols: [{ name: 'id', type: 'int' }], inputFormat: 'in', outputFormat: 'out', serdeInfo: { serializationLib: 'serde', parameters: {} } },
  partitionKeys: [],
  parameters: {},
  tableType: 'MANAGED_TABLE',
  ...extra,
});

const lockOn = (c: MetastoreClient, db: string, t: string, type: 'EXCLUSIVE' | 'SHARED_READ' = 'EXCLUSIVE') =>
  c.lock({ component: [{ type, level: 'TABLE', dbname: db, tablename: t }], user: 'tester', hostname: 'localhost' });

describe('metastore rules, through the client', () => {
  let c: MetastoreClient;
  let hms: MemoryMetastore;

  beforeEach(async () => {
    hms = await metastore({ lockTimeoutMs: 300 });
    c = client(hms.uri);
  });

  it('has a default database that cannot be dropped; names are lower-cased and checked', async () => {
    expect(await c.getAllDatabases()).toEqual(['default']);
    expect((await failure(c.dropDatabase('default', true, true))).is('MetaException')).toBe(true);
    await c.createDatabase({ name: 'Sales', parameters: {} });
    expect((await c.getDatabase('SALES')).name).toBe('sales');
    expect((await c.getDatabase('sales')).locationUri).toBe('file:/wh/sales.db');
    expect((await failure(c.createDatabase({ name: 'sales' }))).is('AlreadyExistsException')).toBe(true);
    expect((await failure(c.createDatabase({ name: 'no-dash' }))).is('InvalidObjectException')).toBe(true);
    const missing = await failure(c.getDatabase('nope'));
    expect(missing.code).toBe('HMS_EXCEPTION');
    expect(missing.exceptionType).toBe('NoSuchObjectException');
    expect(missing.method).toBe('get_database');
  });

  it('needs a database for a table, refuses a second create, and lists, filters, alters and drops', async () => {
    expect((await failure(c.createTable(table('nodb', 't')))).is('NoSuchObjectException')).toBe(true);
    await c.createDatabase({ name: 'db' });
    await c.createTable(table('db', 'T1', { parameters: { table_type: 'PAIMON' }, owner: 'ann' }));
    await c.createTable(table('db', 't2', { parameters: { table_type: 'CSV' } }));
    expect((await failure(c.createTable(table('db', 't1')))).is('AlreadyExistsException')).toBe(true);
    expect(await c.getAllTables('db')).toEqual(['t1', 't2']);
    expect((await c.getTable('db', 't1')).sd!.location).toBe('file:/wh/db.db/t1');
    expect((await c.getTableObjectsByName('db', ['t2', 'zz'])).map((t) => t.tableName)).toEqual(['t2']);
    expect(await c.getTableNamesByFilter('db', paramFilter('table_type', 'PAIMON'))).toEqual(['t1']);
    expect(await c.getTableNamesByFilter('db', `${paramFilter('table_type', 'PAIMON')} and hive_filter_field_owner__ like "a.*"`)).toEqual(['t1']);
    expect((await failure(c.getTableNamesByFilter('nodb', paramFilter('a', 'b')))).is('UnknownDBException')).toBe(true);

    const t1 = await c.getTable('db', 't1');
    await c.alterTable('db', 't1', { ...t1, parameters: { ...t1.parameters, extra: 'x' } }, { properties: { CASCADE: 'true' } });
    expect((await c.getTable('db', 't1')).parameters!['extra']).toBe('x');
    expect((await failure(c.alterTable('db', 't1', { ...t1, tableName: 'renamed' }))).is('InvalidOperationException')).toBe(true);
    expect((await failure(c.alterTable('db', 't1', { ...t1, partitionKeys: [{ name: 'dt', type: 'string' }] }))).is('InvalidOperationException')).toBe(true);
    expect((await failure(c.alterTable('db', 'nope', t1))).is('InvalidOperationException')).toBe(true);
    expect((await failure(c.createTable(table('db', 'p', { partitionKeys: [{ name: 'id', type: 'int' }] })))).is('InvalidObjectException')).toBe(true);

    expect((await failure(c.dropDatabase('db', false, false))).is('InvalidOperationException')).toBe(true);
    await c.dropTable('db', 't2', true);
    expect((await failure(c.dropTable('db', 't2', true))).is('NoSuchObjectException')).toBe(true);
    await c.dropDatabase('db', true, true);
    expect(await c.getAllDatabases()).toEqual(['default']);
  });

  it('grants table locks in order: a second exclusive lock waits for unlock; shared locks coexist', async () => {
    const first = await lockOn(c, 'db', 't');
    expect(first.state).toBe('ACQUIRED');
    const second = await lockOn(c, 'db', 't');
    expect(second.state).toBe('WAITING');
    expect((await lockOn(c, 'db', 'other')).state).toBe('ACQUIRED');
    expect((await c.checkLock(second.lockid)).state).toBe('WAITING');
    await c.unlock(first.lockid);
    expect((await c.checkLock(second.lockid)).state).toBe('ACQUIRED');
    await c.unlock(second.lockid);
    const r1 = await lockOn(c, 'db', 's', 'SHARED_READ');
    const r2 = await lockOn(c, 'db', 's', 'SHARED_READ');
    expect([r1.state, r2.state]).toEqual(['ACQUIRED', 'ACQUIRED']);
    expect((await lockOn(c, 'db', 's')).state).toBe('WAITING');
    expect((await failure(c.unlock(999n))).is('NoSuchLockException')).toBe(true);
    expect((await failure(c.lock({ component: [{ type: 'EXCLUSIVE', level: 'TABLE', dbname: 'db', tablename: 'x' }], txnid: 5n, user: 'u', hostname: 'h' }))).is('NoSuchTxnException')).toBe(true);
  });

  it('drops a lock nobody heartbeats after the lock timeout, and keeps one that is heartbeated', async () => {
    const dead = await lockOn(c, 'db', 't');
    const kept = await lockOn(c, 'db', 'u');
    const waiting = await lockOn(c, 'db', 't');
    expect(waiting.state).toBe('WAITING');
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await c.heartbeat(kept.lockid);
      await c.checkLock(waiting.lockid); // check_lock is the waiter's heartbeat
    }
    expect((await c.checkLock(waiting.lockid)).state).toBe('ACQUIRED');
    expect((await failure(c.checkLock(dead.lockid))).is('NoSuchLockException')).toBe(true);
    expect((await c.checkLock(kept.lockid)).state).toBe('ACQUIRED');
    const interval = hms.lockHistory.find((l) => l.lockid === dead.lockid)!;
    expect(interval.endedBy).toBe('timeout');
  });
});

describe('transports, pool and reconnects', () => {
  it('speaks framed transport to a framed metastore', async () => {
    const hms = await metastore({ transport: 'framed' });
    const c = client(hms.uri, { transport: 'framed' });
    await c.createDatabase({ name: 'f' });
    expect(await c.getAllDatabases()).toEqual(['default', 'f']);
  });

  it('fails fast, typed, when the transports do not match', async () => {
    const framed = await metastore({ transport: 'framed' });
    const t0 = Date.now();
    const e1 = await failure(client(framed.uri, { requestTimeoutMs: 5_000 }).getAllDatabases());
    expect(['HMS_CONNECTION_LOST', 'HMS_PROTOCOL']).toContain(e1.code);
    expect(e1.message).toMatch(/framed/);
    const buffered = await metastore();
    const e2 = await failure(client(buffered.uri, { transport: 'framed', requestTimeoutMs: 5_000 }).getAllDatabases());
    expect(['HMS_CONNECTION_LOST', 'HMS_PROTOCOL']).toContain(e2.code);
    expect(Date.now() - t0).toBeLessThan(4_000);
  });

  it('shares a pool of client-pool-size connections among concurrent callers', async () => {
    const hms = await metastore();
    const c = client(hms.uri, { poolSize: 2 });
    await c.createDatabase({ name: 'p' });
    let peak = 0;
    hms.beforeCall = async () => {
      peak = Math.max(peak, hms.connections);
      await new Promise((r) => setTimeout(r, 5));
    };
    const names = await Promise.all(Array.from({ length: 40 }, (_, i) => c.createTable(table('p', `t${i}`)).then(() => `t${i}`)));
    expect(names).toHaveLength(40);
    expect((await c.getAllTables('p')).length).toBe(40);
    expect(peak).toBe(2);
    expect(hms.connections).toBeLessThanOrEqual(2);
  });

  it('reconnects after the metastore dropped its connections or restarted', async () => {
    const hms = await metastore();
    const c = client(hms.uri);
    await c.createDatabase({ name: 'r1' });
    hms.dropConnections();
    await new Promise((r) => setTimeout(r, 20));
    await c.createDatabase({ name: 'r2' }); // not retried: the stale connection is replaced before sending
    const port = Number(hms.uri.split(':').pop());
    await hms.stop();
    expect((await failure(c.getAllDatabases())).code).toBe('HMS_UNAVAILABLE');
    await hms.start(port);
    expect(await c.getAllDatabases()).toEqual(['default', 'r1', 'r2']);
  });

  it('parses metastore URIs and tries them in order', async () => {
    expect(parseMetastoreUris('thrift://a:1, thrift://b')).toEqual([{ host: 'a', port: 1 }, { host: 'b', port: 9083 }]);
    expect(parseMetastoreUris('thrift://[::1]:9000')).toEqual([{ host: '::1', port: 9000 }]);
    for (const bad of ['', 'http://a:1', 'thrift://a:x', 'thrift://a:70000']) {
      expect(() => parseMetastoreUris(bad)).toThrow(HiveMetastoreError);
    }
    const hms = await metastore();
    const dead = await freePort();
    const c = client(`thrift://127.0.0.1:${dead},${hms.uri}`);
    expect(await c.getAllDatabases()).toEqual(['default']);
  });
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A raw TCP server for misbehaving peers. */
async function rawServer(onConnection: (socket: Socket) => void): Promise<string> {
  const server: Server = createServer((s) => {
    s.on('error', () => undefined);
    onConnection(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const sockets = new Set<Socket>();
  server.on('connection', (s) => sockets.add(s));
  stops.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return `thrift://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe('failures are typed errors, never hangs', () => {
  it('metastore down: HMS_UNAVAILABLE', async () => {
    const e = await failure(client(`thrift://127.0.0.1:${await freePort()}`).getAllDatabases());
    expect(e.code).toBe('HMS_UNAVAILABLE');
    expect(e.message).toContain('ECONNREFUSED');
  });

  it('slow past the request timeout: HMS_TIMEOUT, and the next call works on a new connection', async () => {
    const hms = await metastore();
    const c = client(hms.uri, { requestTimeoutMs: 150 });
    hms.beforeCall = (method) => (method === 'get_all_databases' ? new Promise((r) => setTimeout(r, 600)) : undefined);
    const t0 = Date.now();
    const e = await failure(c.getAllDatabases());
    expect(e.code).toBe('HMS_TIMEOUT');
    expect(e.method).toBe('get_all_databases');
    expect(Date.now() - t0).toBeLessThan(500);
    expect((await c.getDatabase('default')).name).toBe('default');
  });

  it('an exception raised by the metastore: HMS_EXCEPTION with its Thrift type; an undeclared one as TApplicationException', async () => {
    const hms = await metastore();
    const c = client(hms.uri);
    hms.beforeCall = (method) => {
      if (method === 'create_database') throw new MetastoreException('MetaException', 'backing database is read-only');
      if (method === 'get_all_tables') throw new Error('NullPointerException');
    };
    const e = await failure(c.createDatabase({ name: 'x' }));
    expect(e.code).toBe('HMS_EXCEPTION');
    expect(e.exceptionType).toBe('MetaException');
    expect(e.message).toContain('backing database is read-only');
    const app = await failure(c.getAllTables('default'));
    expect(app.exceptionType).toBe('TApplicationException');
    expect(app.message).toContain('NullPointerException');
    expect(await c.getAllDatabases()).toEqual(['default']); // the connection survives both
  });

  it('a method the server does not have: TApplicationException', async () => {
    const server = new ThriftServer(new Codec(HMS_IDL), { get_all_databases: () => ['only'] });
    const port = await server.listen();
    stops.push(() => server.close());
    const c = client(`thrift://127.0.0.1:${port}`);
    const e = await failure(c.getAllTables('x'));
    expect(e.exceptionType).toBe('TApplicationException');
    expect(e.message).toContain("Invalid method name: 'get_all_tables'");
    expect(await c.getAllDatabases()).toEqual(['only']);
  });

  it('a SASL-only metastore: HMS_SASL_REQUIRED naming what the server said', async () => {
    // TSaslServerTransport reads a 1-byte status and a 4-byte length; a plain Thrift
    // message starts with 0x80, an invalid status, answered by an ERROR frame and a close.
    const uri = await rawServer((s) => {
      s.once('data', (d: Buffer) => {
        const text = Buffer.from(`Invalid status ${d.readInt8(0)}`);
        const header = Buffer.alloc(5);
        header[0] = 4;
        header.writeUInt32BE(text.length, 1);
        s.end(Buffer.concat([header, text]));
      });
    });
    const t0 = Date.now();
    const e = await failure(client(uri, { requestTimeoutMs: 10_000 }).getAllDatabases());
    expect(e.code).toBe('HMS_SASL_REQUIRED');
    expect(e.message).toContain('Invalid status -128');
    expect(e.message).toContain('SASL');
    expect(Date.now() - t0).toBeLessThan(2_000);
  });

  it('a server that closes without a word: HMS_CONNECTION_LOST hinting at SASL or framing', async () => {
    const uri = await rawServer((s) => s.once('data', () => s.destroy()));
    const e = await failure(client(uri, { requestTimeoutMs: 10_000 }).getAllDatabases());
    expect(e.code).toBe('HMS_CONNECTION_LOST');
    expect(e.message).toMatch(/SASL/);
  });

  it('a server that never answers: HMS_TIMEOUT', async () => {
    const uri = await rawServer(() => undefined);
    const e = await failure(client(uri, { requestTimeoutMs: 200 }).getAllDatabases());
    expect(e.code).toBe('HMS_TIMEOUT');
  });

  it('a server speaking another protocol: HMS_PROTOCOL', async () => {
    const uri = await rawServer((s) => s.once('data', () => s.end('HTTP/1.1 400 Bad Request\r\n\r\n')));
    const e = await failure(client(uri).getAllDatabases());
    expect(e.code).toBe('HMS_PROTOCOL');
    expect(e.message).toContain('48 54 54 50');
  });
});
