/**
 * The IDL and the bytes: the IDL subset holds Hive's field ids and enum
 * values, the codec writes the Thrift binary protocol byte for byte, skips
 * fields it does not know, and, where Apache Thrift's compiler and Python
 * library are installed, both directions are checked against that
 * independent implementation generated from the same IDL file.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HiveMetastoreError, HMS_IDL, HMS_IDL_PATH, MemoryMetastore, MetastoreClient, parseIdl } from '../src/index.js';
import { Codec, CodecError, MessageType } from '../src/thrift/codec.js';
import { encodeMessage, MessageReader, type TransportKind } from '../src/thrift/wire.js';

const codec = new Codec(HMS_IDL);

describe('the IDL subset', () => {
  it('carries the metastore field ids, enum values and method signatures', () => {
    const fields = (struct: string): string[] => HMS_IDL.structs.get(struct)!.fields.map((f) => `${f.id}:${f.name}`);
    expect(fields('Table')).toEqual([
      '1:tableName', '2:dbName', '3:owner', '4:createTime', '5:lastAccessTime', '6:retention', '7:sd', '8:partitionKeys',
      '9:parameters', '10:viewOriginalText', '11:viewExpandedText', '12:tableType', '14:temporary', '17:catName', '18:ownerType',
    ]);
    expect(fields('StorageDescriptor').slice(0, 7)).toEqual(['1:cols', '2:location', '3:inputFormat', '4:outputFormat', '5:compressed', '6:numBuckets', '7:serdeInfo']);
    expect(fields('LockRequest')).toEqual(['1:component', '2:txnid', '3:user', '4:hostname', '5:agentInfo']);
    expect(fields('Partition')).toEqual(['1:values', '2:dbName', '3:tableName', '4:createTime', '5:lastAccessTime', '6:sd', '7:parameters', '9:catName']);
    expect(fields('AddPartitionsRequest')).toEqual(['1:dbName', '2:tblName', '3:parts', '4:ifNotExists', '5:needResult', '6:catName']);
    expect(HMS_IDL.methods.get('add_partitions_req')!.throws.map((t) => `${t.id}:${t.type.kind === 'named' ? t.type.name : ''}`)).toEqual(['1:InvalidObjectException', '2:AlreadyExistsException', '3:MetaException']);
    expect(Object.fromEntries(HMS_IDL.enums.get('LockState')!)).toEqual({ ACQUIRED: 1, WAITING: 2, ABORT: 3, NOT_ACQUIRED: 4 });
    expect(Object.fromEntries(HMS_IDL.enums.get('LockType')!)).toEqual({ SHARED_READ: 1, SHARED_WRITE: 2, EXCLUSIVE: 3, EXCL_WRITE: 4 });
    const getTable = HMS_IDL.methods.get('get_table')!;
    expect(getTable.args.map((a) => `${a.id}:${a.name}`)).toEqual(['1:dbname', '2:tbl_name']);
    expect(getTable.throws.map((t) => `${t.id}:${t.type.kind === 'named' ? t.type.name : ''}`)).toEqual(['1:MetaException', '2:NoSuchObjectException']);
    expect(HMS_IDL.methods.get('create_table')!.throws.map((t) => t.id)).toEqual([1, 2, 3, 4]);
    expect(HMS_IDL.service).toBe('ThriftHiveMetastore');
  });

  it('refuses IDL text with unknown types, reused field ids or non-exception throws', () => {
    expect(() => parseIdl('struct A { 1: Missing m }')).toThrow(/unknown type Missing/);
    expect(() => parseIdl('struct A { 1: i32 a, 1: i32 b }')).toThrow(/field id 1 used twice/);
    expect(() => parseIdl('struct A { 1: i32 a }\nservice S { void f() throws (1: A e) }')).toThrow(/not an exception/);
    expect(() => parseIdl('struct A { 1: i32 a')).toThrow(/line 1/);
    expect(() => parseIdl('service S { oneway void f() }')).toThrow(/oneway/);
  });
});

function roundTrip(transport: TransportKind, def: ReturnType<Codec['struct']>, value: Record<string, unknown>, reader: Codec = codec): Record<string, unknown> {
  const bytes = encodeMessage(codec, transport, { name: 'get_table', type: MessageType.REPLY, seqid: 9 }, def, value);
  const out: Record<string, unknown>[] = [];
  const r = new MessageReader(transport, (_h, p) => reader.readStruct(p, reader.struct(def.name)), (v) => out.push(v));
  // Byte by byte: a message split anywhere still decodes once, whole.
  for (let i = 0; i < bytes.length; i++) r.push(bytes.subarray(i, i + 1));
  expect(out).toHaveLength(1);
  return out[0]!;
}

const FULL_TABLE = {
  tableName: 'orders',
  dbName: 'shop',
  owner: 'ann',
  createTime: 1_700_000_000,
  lastAccessTime: 0,
  retention: 2147483647,
  sd: {
    cols: [{ name: 'id', type: 'bigint', comment: 'key' }, { name: 'v', type: 'map<string,array<int>>' }],
    location: 'file:/wh/shop.db/orders',
    inputFormat: 'in',
    outputFormat: 'out',
    compressed: false,
    numBuckets: -1,
    serdeInfo: { name: 'orders', serializationLib: 'serde', parameters: { 'serialization.format': '1' } },
    bucketCols: ['id'],
    sortCols: [{ col: 'id', order: 1 }],
    parameters: {},
    storedAsSubDirectories: true,
  },
  partitionKeys: [{ name: 'dt', type: 'string' }],
  parameters: { table_type: 'PAIMON', 'ünïcode': '✓' },
  viewOriginalText: 'select 1',
  viewExpandedText: 'select 1',
  tableType: 'MANAGED_TABLE',
  temporary: false,
  catName: 'hive',
  ownerType: 'USER',
};

describe('the codec', () => {
  it('writes a call exactly as the binary protocol spells it', () => {
    const bytes = encodeMessage(codec, 'buffered', { name: 'get_database', type: MessageType.CALL, seqid: 1 }, codec.argsStruct(codec.method('get_database')), { name: 'x' });
    // version|CALL, name length, "get_database", seqid, field (string, id 1) "x", stop
    expect(bytes.toString('hex')).toBe('80010001' + '0000000c' + Buffer.from('get_database').toString('hex') + '00000001' + '0b0001' + '00000001' + '78' + '00');
    const framed = encodeMessage(codec, 'framed', { name: 'get_database', type: MessageType.CALL, seqid: 1 }, codec.argsStruct(codec.method('get_database')), { name: 'x' });
    expect(framed.readInt32BE(0)).toBe(bytes.length);
    expect(framed.subarray(4).equals(bytes)).toBe(true);
  });

  it.each(['buffered', 'framed'] as const)('round-trips every field of a table and a lock request (%s)', (transport) => {
    expect(roundTrip(transport, codec.struct('Table'), FULL_TABLE)).toEqual(FULL_TABLE);
    const lock = { component: [{ type: 'EXCLUSIVE', level: 'TABLE', dbname: 'd', tablename: 't', operationType: 'NO_TXN', isTransactional: false }], txnid: -(2n ** 63n), user: 'u', hostname: 'h', agentInfo: 'a' };
    expect(roundTrip(transport, codec.struct('LockRequest'), lock)).toEqual(lock);
  });

  it('skips fields it does not know, as Thrift readers do', () => {
    const newer = new Codec(parseIdl(readFileSync(HMS_IDL_PATH, 'utf8').replace('18: optional PrincipalType ownerType = PrincipalType.USER,', '18: optional PrincipalType ownerType,\n  25: optional i64 id,\n  30: optional list<map<string, list<string>>> fromTheFuture,')));
    const bytes = encodeMessage(newer, 'buffered', { name: 'x', type: MessageType.REPLY, seqid: 1 }, newer.struct('Table'), { ...FULL_TABLE, id: 42n, fromTheFuture: [{ a: ['b'] }] });
    const out: Record<string, unknown>[] = [];
    new MessageReader('buffered', (_h, p) => codec.readStruct(p, codec.struct('Table')), (v) => out.push(v)).push(bytes);
    expect(out[0]).toEqual(FULL_TABLE);
  });

  it('refuses a value of the wrong type and a missing required field', () => {
    expect(() => roundTrip('buffered', codec.struct('Table'), { ...FULL_TABLE, createTime: 'yesterday' })).toThrow(/get_table.createTime: expected an integer, got yesterday/);
    expect(() => roundTrip('buffered', codec.struct('LockRequest'), { component: [], hostname: 'h' })).toThrow(CodecError);
    expect(() => roundTrip('buffered', codec.struct('LockComponent'), { type: 'FOREVER', level: 'TABLE', dbname: 'd' })).toThrow(/one of LockType/);
  });
});

// ------------------------------------------------------------------ Apache Thrift (Python) cross-check

/** A Python with Apache Thrift's library (Debian's python3-thrift lives in the system Python, not in a pyenv one). */
const PYTHON = ['python3', '/usr/bin/python3'].find((py) => spawnSync(py, ['-c', 'import thrift.protocol.TBinaryProtocol']).status === 0);
const hasApacheThrift = spawnSync('thrift', ['--version']).status === 0 && PYTHON !== undefined;

const PY_CLIENT = `
import json, sys
sys.path.insert(0, sys.argv[1])
from thrift.transport import TSocket, TTransport
from thrift.protocol import TBinaryProtocol
from hive_metastore import ThriftHiveMetastore
from hive_metastore.ttypes import *
sock = TSocket.TSocket('127.0.0.1', int(sys.argv[2]))
sock.setTimeout(5000)
trans = TTransport.TFramedTransport(sock) if sys.argv[3] == 'framed' else TTransport.TBufferedTransport(sock)
c = ThriftHiveMetastore.Client(TBinaryProtocol.TBinaryProtocol(trans))
trans.open()
out = {}
c.create_database(Database(name='Py', description='from python', parameters={'k': 'v'}))
db = c.get_database('py')
out['db'] = [db.name, db.description, db.locationUri, db.parameters]
sd = StorageDescriptor(cols=[FieldSchema('a', 'int', 'c')], inputFormat='i', outputFormat='o', compressed=False, numBuckets=-1,
                       serdeInfo=SerDeInfo(serializationLib='s', parameters={}), bucketCols=[], sortCols=[], parameters={})
t = Table(tableName='T', dbName='py', owner='me', createTime=1, lastAccessTime=1, retention=0, sd=sd,
          partitionKeys=[FieldSchema('dt', 'string', None)], parameters={'x': 'y'}, tableType='MANAGED_TABLE')
c.create_table(t)
got = c.get_table('py', 't')
out['table'] = [got.tableName, got.sd.cols[0].name, got.sd.cols[0].type, got.sd.cols[0].comment, got.partitionKeys[0].name, got.parameters['x'], got.sd.location, got.sd.numBuckets]
try:
    c.create_table(t)
    out['dup'] = None
except AlreadyExistsException as e:
    out['dup'] = 'AlreadyExistsException'
try:
    c.get_table('py', 'nope')
except NoSuchObjectException as e:
    out['missing'] = e.message
part = Partition(values=['2024-06-01'], dbName='py', tableName='t', createTime=1, lastAccessTime=1, sd=sd, parameters={'a': 'b'})
added = c.add_partitions_req(AddPartitionsRequest(dbName='py', tblName='t', parts=[part], ifNotExists=False))
again = c.add_partitions_req(AddPartitionsRequest(dbName='py', tblName='t', parts=[part], ifNotExists=True))
try:
    c.add_partitions_req(AddPartitionsRequest(dbName='py', tblName='t', parts=[part], ifNotExists=False))
except AlreadyExistsException as e:
    out['dupPartition'] = 'AlreadyExistsException'
out['partitions'] = [len(added.partitions), len(again.partitions)] + [[p.values, p.sd.location, p.parameters['a'], p.sd.cols[0].name] for p in c.get_partitions('py', 't', -1)]
req = LockRequest(component=[LockComponent(type=LockType.EXCLUSIVE, level=LockLevel.TABLE, dbname='py', tablename='t')], user='u', hostname='h')
l1 = c.lock(req)
l2 = c.lock(req)
c.unlock(UnlockRequest(lockid=l1.lockid))
out['locks'] = [l1.state, l2.state, c.check_lock(CheckLockRequest(lockid=l2.lockid)).state]
out['filtered'] = c.get_table_names_by_filter('py', 'hive_filter_field_params__x = "y"', -1)
print(json.dumps(out))
`;

const PY_SERVER = `
import sys
sys.path.insert(0, sys.argv[1])
from thrift.transport import TSocket, TTransport
from thrift.protocol import TBinaryProtocol
from thrift.server import TServer
from hive_metastore import ThriftHiveMetastore
from hive_metastore.ttypes import *
class Handler:
    def get_all_databases(self):
        return ['a', 'b']
    def get_database(self, name):
        raise MetaException(message='metastore is read-only')
    def get_table(self, dbname, tbl_name):
        if tbl_name == 'missing':
            raise NoSuchObjectException(message='no table ' + tbl_name)
        sd = StorageDescriptor(cols=[FieldSchema('id', 'bigint', 'the key')], location='hdfs://nn/wh/' + tbl_name, inputFormat='i', outputFormat='o',
                               compressed=True, numBuckets=4, serdeInfo=SerDeInfo(serializationLib='s', parameters={'p': 'q'}))
        return Table(tableName=tbl_name, dbName=dbname, owner='py', createTime=7, sd=sd, partitionKeys=[], parameters={'k': 'v'},
                     tableType='EXTERNAL_TABLE', fromTheFuture=[{'a': ['b']}])
    def lock(self, rqst):
        c = rqst.component[0]
        return LockResponse(lockid=2**40 + 5, state=LockState.WAITING if c.type == LockType.EXCLUSIVE and c.tablename == 't' else LockState.ABORT)
    def check_lock(self, rqst):
        return LockResponse(lockid=rqst.lockid, state=LockState.ACQUIRED)
    def add_partitions_req(self, request):
        p = request.parts[0]
        if not request.ifNotExists:
            raise AlreadyExistsException(message='Partition already exists: ' + '/'.join(p.values))
        echo = [request.dbName, request.tblName, str(request.needResult), p.dbName, p.tableName, p.sd.location, p.sd.serdeInfo.serializationLib, p.parameters['k'], str(p.createTime)]
        return AddPartitionsResult(partitions=[Partition(values=p.values + echo, dbName=p.dbName, tableName=p.tableName)])
sock = TSocket.TServerSocket(host='127.0.0.1', port=0)
tf = TTransport.TFramedTransportFactory() if sys.argv[2] == 'framed' else TTransport.TBufferedTransportFactory()
server = TServer.TThreadedServer(ThriftHiveMetastore.Processor(Handler()), sock, tf, TBinaryProtocol.TBinaryProtocolFactory(), daemon=True)
sock.listen()
sock.listen = lambda: None  # serve() would open a new socket on another free port
print(sock.handle.getsockname()[1], flush=True)
server.serve()
`;

describe.skipIf(!hasApacheThrift)('against Apache Thrift (compiler + Python library, from the same IDL file)', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'paimon-ts-thrift-py-'));
    for (const d of ['plain', 'newer', 'newer-idl']) mkdirSync(join(dir, d));
    execFileSync('thrift', ['--gen', 'py', '-out', join(dir, 'plain'), fileURLToPath(HMS_IDL_PATH)]);
    // The server's IDL has a Table field this package's IDL lacks.
    const newer = readFileSync(HMS_IDL_PATH, 'utf8').replace('18: optional PrincipalType ownerType = PrincipalType.USER,', '18: optional PrincipalType ownerType = PrincipalType.USER,\n  30: optional list<map<string, list<string>>> fromTheFuture,');
    writeFileSync(join(dir, 'newer-idl', 'hive_metastore.thrift'), newer); // the file name is the Python module name
    execFileSync('thrift', ['--gen', 'py', '-out', join(dir, 'newer'), join(dir, 'newer-idl', 'hive_metastore.thrift')]);
    writeFileSync(join(dir, 'client.py'), PY_CLIENT);
    writeFileSync(join(dir, 'server.py'), PY_SERVER);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['buffered', 'framed'] as const)('a Python client talks to the in-process metastore (%s)', async (transport) => {
    const hms = new MemoryMetastore({ warehouse: 'file:/wh', transport });
    await hms.start();
    try {
      const port = hms.uri.split(':').pop()!;
      const stdout = await new Promise<string>((resolve, reject) => {
        const p = spawn(PYTHON!, [join(dir, 'client.py'), join(dir, 'plain'), port, transport], { timeout: 20_000 });
        let out = '';
        let err = '';
        p.stdout.on('data', (d) => (out += d));
        p.stderr.on('data', (d) => (err += d));
        p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`python client exited ${code}: ${err}`))));
      });
      expect(JSON.parse(stdout)).toEqual({
        db: ['py', 'from python', 'file:/wh/py.db', { k: 'v' }],
        table: ['t', 'a', 'int', 'c', 'dt', 'y', 'file:/wh/py.db/t', -1],
        dup: 'AlreadyExistsException',
        missing: 'py.nope table not found',
        dupPartition: 'AlreadyExistsException',
        partitions: [1, 0, [['2024-06-01'], 'file:/wh/py.db/t/dt=2024-06-01', 'b', 'a']],
        locks: [1, 2, 1],
        filtered: ['t'],
      });
    } finally {
      await hms.stop();
    }
  });

  it.each(['buffered', 'framed'] as const)('this client talks to a Python server with a newer IDL (%s)', async (transport) => {
    const server = spawn(PYTHON!, [join(dir, 'server.py'), join(dir, 'newer'), transport]);
    try {
      const port = await new Promise<string>((resolve, reject) => {
        let err = '';
        server.stderr.on('data', (d) => (err += d));
        server.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
        server.once('exit', (code) => reject(new Error(`python server exited ${code}: ${err}`)));
      });
      const c = new MetastoreClient({ uri: `thrift://127.0.0.1:${port}`, transport, requestTimeoutMs: 5_000 });
      try {
        expect(await c.getAllDatabases()).toEqual(['a', 'b']);
        const t = await c.getTable('d', 'orders');
        expect(t).toEqual({
          tableName: 'orders',
          dbName: 'd',
          owner: 'py',
          createTime: 7,
          sd: { cols: [{ name: 'id', type: 'bigint', comment: 'the key' }], location: 'hdfs://nn/wh/orders', inputFormat: 'i', outputFormat: 'o', compressed: true, numBuckets: 4, serdeInfo: { serializationLib: 's', parameters: { p: 'q' } } },
          partitionKeys: [],
          parameters: { k: 'v' },
          tableType: 'EXTERNAL_TABLE',
          temporary: false,
          ownerType: 'USER',
        });
        const missing = await c.getTable('d', 'missing').catch((e: unknown) => e);
        expect((missing as HiveMetastoreError).exceptionType).toBe('NoSuchObjectException');
        expect((missing as Error).message).toContain('no table missing');
        const meta = await c.getDatabase('x').catch((e: unknown) => e);
        expect((meta as HiveMetastoreError).exceptionType).toBe('MetaException');
        const lock = await c.lock({ component: [{ type: 'EXCLUSIVE', level: 'TABLE', dbname: 'd', tablename: 't' }], user: 'u', hostname: 'h' });
        expect(lock).toEqual({ lockid: 2n ** 40n + 5n, state: 'WAITING' });
        expect((await c.checkLock(lock.lockid)).state).toBe('ACQUIRED');
        const part = { values: ['x', '1'], dbName: 'd', tableName: 't', createTime: 9, sd: { location: 'file:/wh/t/k=x/h=1/', serdeInfo: { serializationLib: 's', parameters: {} } }, parameters: { k: 'v' } };
        const added = await c.addPartitions({ dbName: 'd', tblName: 't', parts: [part], ifNotExists: true, needResult: false });
        expect(added.partitions!.map((p) => p.values)).toEqual([['x', '1', 'd', 't', 'False', 'd', 't', 'file:/wh/t/k=x/h=1/', 's', 'v', '9']]);
        const exists = await c.addPartitions({ dbName: 'd', tblName: 't', parts: [part], ifNotExists: false }).catch((e: unknown) => e);
        expect((exists as HiveMetastoreError).exceptionType).toBe('AlreadyExistsException');
      } finally {
        c.close();
      }
    } finally {
      server.kill();
    }
  });
});
