/** `paimon-ts create`, run as the built binary, then read back with `paimon-ts schema` and `cat`. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, jsonLines } from './run-cli.js';

let warehouse: string;

beforeEach(() => {
  warehouse = mkdtempSync(join(tmpdir(), 'paimon-ts-cli-create-'));
});

afterEach(() => {
  rmSync(warehouse, { recursive: true, force: true });
});

const COLUMNS = "id BIGINT, customer STRING COMMENT 'who, really', items ARRAY<ROW<sku STRING, qty INT>>, attrs MAP<STRING, DECIMAL(10, 2)>, total DECIMAL(10, 2) NOT NULL, dt STRING";

describe('paimon-ts create', () => {
  it('creates a partitioned primary-key table with nested types, which `schema` then shows', async () => {
    const created = await cli('create', warehouse, 'shop.orders', '--schema', COLUMNS, '--primary-key', 'dt,id', '--partition', 'dt', '--bucket', '4', '--option', 'changelog-producer=input', '--option', 'my.flag=x=y');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const path = join(warehouse, 'shop.db', 'orders');
    expect(created.stdout).toContain(`created table shop.orders at ${path}\n`);
    expect(created.stdout).toMatch(/│ customer │ STRING\s+│\s+│\s+│ who, really │/);
    expect(created.stdout).toContain('schema 0 of shop.orders · primary-key table');

    const rows = jsonLines((await cli('schema', path, '--format', 'jsonl')).stdout);
    expect(rows.map((r) => [r['id'], r['name'], r['partition'], r['key'], r['comment']])).toEqual([
      [0, 'id', '', 'primary key', null],
      [1, 'customer', '', '', 'who, really'],
      [2, 'items', '', '', null],
      [5, 'attrs', '', '', null],
      [6, 'total', '', '', null],
      [7, 'dt', 'partition', 'primary key', null],
    ]);
    expect(rows.map((r) => r['type'])).toEqual([
      'BIGINT NOT NULL',
      'STRING',
      JSON.stringify({ type: 'ARRAY', element: { type: 'ROW', fields: [{ id: 3, name: 'sku', type: 'STRING' }, { id: 4, name: 'qty', type: 'INT' }] } }),
      JSON.stringify({ type: 'MAP', key: 'STRING', value: 'DECIMAL(10, 2)' }),
      'DECIMAL(10, 2) NOT NULL',
      'STRING NOT NULL',
    ]);

    const file = JSON.parse(readFileSync(join(path, 'schema', 'schema-0'), 'utf8')) as Record<string, unknown>;
    expect(file['highestFieldId']).toBe(7);
    expect(file['options']).toEqual({ bucket: '4', 'changelog-producer': 'input', 'my.flag': 'x=y' });

    const empty = await cli('cat', path, '--format', 'jsonl');
    expect(empty.code).toBe(0);
    expect(empty.stdout).toBe('');
  });

  it('adds a table to an existing database and refuses to create it twice', async () => {
    expect((await cli('create', warehouse, 'shop.a', '--schema', 'id INT')).code).toBe(0);
    expect((await cli('create', warehouse, 'shop.b', '--schema', 'id INT, v STRING', '--bucket', '-1')).code).toBe(0);
    const again = await cli('create', warehouse, 'shop.a', '--schema', 'id INT');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^paimon-ts: error: table shop.a already exists at .* \[TABLE_ALREADY_EXISTS\]\n$/);
  });

  it('fails with one line and exit code 1 on a bad schema or option, leaving nothing behind', async () => {
    const cases: [string[], RegExp][] = [
      [['--schema', 'id INT, name'], /column name has no type .*\[INVALID_SCHEMA\]/],
      [['--schema', 'id INT, price MONEY'], /column price: unknown type "MONEY".*\[UNKNOWN_TYPE\]/],
      [['--schema', 'id INT, m MAP<STRING, INT'], /unbalanced.*\[INVALID_SCHEMA\]/],
      [['--schema', 'id INT', '--primary-key', 'nope'], /primary key column nope is not a column.*\[INVALID_SCHEMA\]/],
      [['--schema', 'id INT', '--bucket', 'abc'], /option bucket="abc" is invalid.*\[INVALID_OPTION\]/],
      [['--schema', 'id INT', '--option', 'merge-engine=foo'], /option merge-engine="foo" is invalid.*\[INVALID_OPTION\]/],
      [['--schema', 'id INT', '--option', 'write-buffer-size=lots'], /write-buffer-size="lots".*\[INVALID_OPTION\]/],
      [['--schema', 'id INT', '--option', 'novalue'], /--option expects key=value, got "novalue".*\[INVALID_OPTION\]/],
      [['--schema', 'id INT', '--bucket', '4'], /bucket=4 on an append table needs option bucket-key.*\[INVALID_OPTION\]/],
    ];
    const results = await Promise.all(cases.map(([args]) => cli('create', warehouse, 'shop.t', ...args)));
    for (const [i, [args, message]] of cases.entries()) {
      const { stdout, stderr, code } = results[i]!;
      expect(code, args.join(' ')).toBe(1);
      expect(stdout, args.join(' ')).toBe('');
      expect(stderr.split('\n').filter(Boolean), args.join(' ')).toHaveLength(1);
      expect(stderr, args.join(' ')).toMatch(message);
      expect(existsSync(join(warehouse, 'shop.db')), `${args.join(' ')} left a database behind`).toBe(false);
    }
    const noDb = await cli('create', warehouse, 'justatable', '--schema', 'id INT');
    expect(noDb.code).toBe(1);
    expect(noDb.stderr).toMatch(/must be <database>.<table> \[INVALID_ARGUMENT\]/);
  });
});
