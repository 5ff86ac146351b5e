/**
 * The Hive catalog when the metastore misbehaves: down, slow past the
 * timeout, raising an exception, or dropping the connection mid-call. Each is
 * a typed error, and a table whose registration failed leaves no files.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PaimonError, SchemaChange } from '@paimon-ts/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HiveCatalog, HiveMetastoreError, MetastoreException } from '../src/index.js';
import { type Env, readRows, startEnv, tempWarehouse, writeRows } from './helpers.js';

let env: Env;

beforeEach(async () => {
  env = await startEnv();
});

afterEach(async () => {
  await env.close();
});

async function error(p: Promise<unknown>): Promise<Error> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(Error);
  return e as Error;
}

const SPEC = { fields: [{ name: 'id', type: 'INT' }] };

describe('a misbehaving metastore', () => {
  it('down: every call is HMS_UNAVAILABLE and nothing is written', async () => {
    const wh = tempWarehouse();
    const port = Number(env.uri.split(':').pop());
    await env.hms.stop();
    const catalog = new HiveCatalog({ uri: `thrift://127.0.0.1:${port}`, warehouse: wh.path, connectTimeoutMs: 500 });
    try {
      for (const call of [catalog.listDatabases(), catalog.createDatabase('x', false), catalog.createTable('x.t', SPEC, false), catalog.getTable('x.t')]) {
        const e = await error(call);
        expect(e).toBeInstanceOf(HiveMetastoreError);
        expect((e as HiveMetastoreError).code).toBe('HMS_UNAVAILABLE');
      }
      expect(readdirSync(wh.path)).toEqual([]);
    } finally {
      catalog.close();
      wh.remove();
      await env.hms.start(port);
    }
  });

  it('slow past the request timeout: HMS_TIMEOUT', async () => {
    const catalog = env.catalog({ requestTimeoutMs: 200 });
    await catalog.createDatabase('s', false);
    env.hms.beforeCall = (method) => (method === 'get_all_tables' ? new Promise((r) => setTimeout(r, 800)) : undefined);
    const e = await error(catalog.listTables('s'));
    expect((e as HiveMetastoreError).code).toBe('HMS_TIMEOUT');
    env.hms.beforeCall = undefined;
    expect(await catalog.listTables('s')).toEqual([]);
  });

  it('a MetaException while registering a table: typed error, the table folder is removed, a retry succeeds', async () => {
    const catalog = env.catalog();
    await catalog.createDatabase('m', false);
    env.hms.beforeCall = (method) => {
      if (method === 'create_table') throw new MetastoreException('MetaException', 'javax.jdo.JDODataStoreException: deadlock');
    };
    const e = await error(catalog.createTable('m.t', SPEC, false));
    expect(e).toBeInstanceOf(HiveMetastoreError);
    expect((e as HiveMetastoreError).code).toBe('HMS_EXCEPTION');
    expect((e as HiveMetastoreError).exceptionType).toBe('MetaException');
    expect(e.message).toContain('m.t');
    expect(e.message).toContain('deadlock');
    expect(existsSync(join(env.warehouse, 'm.db', 't'))).toBe(false);
    expect(existsSync(join(env.warehouse, 'm.db'))).toBe(true);

    env.hms.beforeCall = undefined;
    await catalog.createTable('m.t', SPEC, false);
    await writeRows(await catalog.getTable('m.t'), [{ id: 1 }]);
    expect(await readRows(await catalog.getTable('m.t'))).toEqual([{ id: 1 }]);
  });

  it('the connection dropping during the registration: HMS_CONNECTION_LOST, and no table files remain', async () => {
    const catalog = env.catalog();
    await catalog.createDatabase('l', false);
    env.hms.beforeCall = (method) => {
      if (method === 'create_table') {
        env.hms.dropConnections();
        return new Promise((r) => setTimeout(r, 50));
      }
    };
    const e = await error(catalog.createTable('l.t', SPEC, false));
    expect((e as HiveMetastoreError).code).toBe('HMS_CONNECTION_LOST');
    expect(existsSync(join(env.warehouse, 'l.db', 't'))).toBe(false);
    env.hms.beforeCall = undefined;
    expect(await catalog.listTables('l')).toEqual([]);
  });

  it('a failing create_database leaves no database folder', async () => {
    const catalog = env.catalog();
    env.hms.beforeCall = (method) => {
      if (method === 'create_database') throw new MetastoreException('MetaException', 'quota exceeded');
    };
    const e = await error(catalog.createDatabase('q', false));
    expect((e as HiveMetastoreError).exceptionType).toBe('MetaException');
    expect(existsSync(join(env.warehouse, 'q.db'))).toBe(false);
  });

  it('a registration without files: getTable says so', async () => {
    const catalog = env.catalog();
    await catalog.createDatabase('r', false);
    await catalog.createTable('r.t', SPEC, false);
    await catalog.files.dropTable('r.t', false); // the files vanish behind the metastore's back
    const e = await error(catalog.getTable('r.t'));
    expect((e as PaimonError).code).toBe('TABLE_NOT_FOUND');
    expect(e.message).toContain('registered in the metastore');
  });

  it('a metastore failing after a schema change: typed error naming the written schema; register catches up', async () => {
    const catalog = env.catalog();
    await catalog.createDatabase('a', false);
    await catalog.createTable('a.t', SPEC, false);
    env.hms.beforeCall = (method) => {
      if (method === 'alter_table_with_environment_context') throw new MetastoreException('InvalidOperationException', 'alter is not allowed now');
    };
    const e = await error(catalog.alterTable('a.t', [SchemaChange.addColumn('v', 'STRING')]));
    expect((e as HiveMetastoreError).exceptionType).toBe('InvalidOperationException');
    expect(e.message).toContain('schema 1 was written but the metastore was not updated');
    expect((await catalog.getTable('a.t')).schema.fields.map((f) => f.name)).toEqual(['id', 'v']);
    env.hms.beforeCall = undefined;
    expect((await catalog.registerTable('a.t')).action).toBe('updated');
    expect(env.hms.table('a', 't')!.sd!.cols!.map((c) => c.name)).toEqual(['id', 'v']);
  });

  it('an invalid catalog option: INVALID_OPTION naming it', async () => {
    const e = await error(Promise.resolve().then(() => env.catalog({ options: { 'lock-acquire-timeout': 'soon' } })));
    expect((e as PaimonError).code).toBe('INVALID_OPTION');
    expect(e.message).toContain('lock-acquire-timeout');
  });
});
