/** `paimon-ts hms register | sync`, run as the built binary against the in-process metastore. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSystemCatalog } from '@paimon-ts/core';
import { MemoryMetastore } from '@paimon-ts/hive-metastore';
import { cli } from './run-cli.js';

let warehouse: string;
let hms: MemoryMetastore;

beforeEach(async () => {
  warehouse = mkdtempSync(join(tmpdir(), 'paimon-ts-cli-hms-'));
  hms = new MemoryMetastore({ warehouse: `file:${warehouse}` });
  await hms.start();
});

afterEach(async () => {
  await hms.stop();
  rmSync(warehouse, { recursive: true, force: true });
});

describe('paimon-ts hms', () => {
  it('sync registers every table of the warehouse, and a second sync changes nothing', async () => {
    const files = new FileSystemCatalog(warehouse);
    for (const db of ['shop', 'logs']) await files.createDatabase(db, false);
    await files.createTable('shop.orders', { fields: [{ name: 'id', type: 'BIGINT' }, { name: 'total', type: 'DECIMAL(10, 2)' }, { name: 'dt', type: 'STRING' }], partitionKeys: ['dt'] }, false);
    await files.createTable('shop.users', { fields: [{ name: 'id', type: 'INT NOT NULL' }, { name: 'name', type: 'STRING' }], primaryKeys: ['id'], options: { bucket: '2' } }, false);
    await files.createTable('logs.events', { fields: [{ name: 'ts', type: 'TIMESTAMP(3)' }, { name: 'msg', type: 'STRING' }] }, false);

    const first = await cli('hms', 'sync', '--uri', hms.uri, '--warehouse', warehouse);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/│ logs\.events\s+│ created/);
    expect(first.stdout).toMatch(/│ shop\.orders\s+│ created/);
    expect(first.stdout).toContain(`3 tables: 3 created in ${hms.uri}\n`);

    const orders = hms.table('shop', 'orders')!;
    expect(orders.sd!.inputFormat).toBe('org.apache.paimon.hive.mapred.PaimonInputFormat');
    expect(orders.sd!.cols!.map((c) => `${c.name}:${c.type}`)).toEqual(['id:bigint', 'total:decimal(10,2)', 'dt:string']);
    expect(orders.parameters!['partition']).toBe('dt');
    expect(hms.table('shop', 'users')!.parameters!['primary-key']).toBe('id');

    const second = await cli('hms', 'sync', '--uri', hms.uri, '--warehouse', warehouse);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`3 tables: 3 unchanged in ${hms.uri}\n`);
  });

  it('register registers one table, idempotently, with catalog options', async () => {
    const files = new FileSystemCatalog(warehouse);
    await files.createDatabase('lake', false);
    await files.createTable('lake.t', { fields: [{ name: 'id', type: 'INT' }] }, false);
    const r = await cli('hms', 'register', '--uri', hms.uri, '--warehouse', warehouse, '--option', 'table.type=external', 'lake.t');
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`lake.t: created in ${hms.uri}\n`);
    expect(r.stdout).toContain(`file:${join(warehouse, 'lake.db', 't')}`);
    expect(hms.table('lake', 't')!.tableType).toBe('EXTERNAL_TABLE');
    const again = await cli('hms', 'register', '--uri', hms.uri, '--warehouse', warehouse, '--option', 'table.type=external', 'lake.t');
    expect(again.stdout).toContain('lake.t: unchanged');
  });

  it('fails with a clear message when the table or the metastore is missing', async () => {
    const noTable = await cli('hms', 'register', '--uri', hms.uri, '--warehouse', warehouse, 'lake.nothing');
    expect(noTable.code).toBe(1);
    expect(noTable.stderr).toMatch(/lake\.nothing has no schema .*\[TABLE_NOT_FOUND\]/);
    const port = hms.uri.split(':').pop();
    await hms.stop();
    const down = await cli('hms', 'sync', '--uri', `thrift://127.0.0.1:${port}`, '--warehouse', warehouse, '--timeout', '2000');
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('cannot connect to the metastore');
    await hms.start(Number(port));
  });
});
