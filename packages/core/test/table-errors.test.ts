import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { FileStoreTable } from '../src/table/table.js';
import { PaimonError, type ErrorCode } from '../src/errors.js';
import { fixturePath } from './fixtures.js';
import { Identifier } from '../src/catalog/catalog.js';

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A scratch copy of a fixture table in a temp dir, to damage or change (the fixture itself stays untouched). */
function scratchCopy(name: string): string {
  const dir = mkdtempSync(`${tmpdir()}/paimon-ts-`);
  made.push(dir);
  cpSync(fixturePath(name), `${dir}/t`, { recursive: true });
  return `${dir}/t`;
}

async function errorOf(p: Promise<unknown>): Promise<PaimonError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(PaimonError);
    return e as PaimonError;
  }
  throw new Error('expected an error');
}

async function rowCount(path: string, snapshot?: number): Promise<number> {
  const scan = (await FileStoreTable.open(path)).newScan();
  if (snapshot !== undefined) scan.atSnapshot(snapshot);
  return (await scan.toArrow()).numRows;
}

describe('snapshot hints', () => {
  it('falls back to listing snapshot/ when LATEST is missing, stale or garbage', async () => {
    const path = scratchCopy('pk_table_scan_and_read_mor-parquet');
    const table = await FileStoreTable.open(path);
    for (const hint of [null, '3', 'not-a-number', '99']) {
      if (hint === null) rmSync(`${path}/snapshot/LATEST`);
      else writeFileSync(`${path}/snapshot/LATEST`, hint);
      expect(await table.snapshots.latestId(), `LATEST=${hint}`).toBe(5);
    }
    rmSync(`${path}/snapshot/EARLIEST`);
    expect(await table.snapshots.earliestId()).toBe(1);
  });

  it('reads a table with no snapshot yet as empty', async () => {
    const path = scratchCopy('append_simple-avro');
    rmSync(`${path}/snapshot`, { recursive: true });
    const table = await FileStoreTable.open(path);
    expect((await table.newScan().plan()).splits).toEqual([]);
    expect((await table.newScan().toArrow()).numRows).toBe(0);
  });
});

describe('typed errors', () => {
  const cases: [string, ErrorCode, () => Promise<unknown>, RegExp][] = [
    ['a missing table', 'TABLE_NOT_FOUND', () => FileStoreTable.open('/nonexistent/db.db/t'), /no Paimon table at \/nonexistent/],
    ['a missing snapshot', 'SNAPSHOT_NOT_FOUND', () => rowCount(fixturePath('pk_table_scan_and_read_mor-parquet'), 42), /has no snapshot 42/],
    ['a missing tag', 'TAG_NOT_FOUND', async () => (await FileStoreTable.open(fixturePath('append_simple-avro'))).newScan().atTag('nope').plan(), /has no tag nope/],
    ['an unknown column', 'INVALID_ARGUMENT', async () => (await FileStoreTable.open(fixturePath('append_simple-avro'))).newScan().select(['zzz']).toArrow(), /has no column zzz/],
  ];
  for (const [what, code, run, message] of cases) {
    it(`reports ${what} as ${code}`, async () => {
      const err = await errorOf(run());
      expect(err.code).toBe(code);
      expect(err.message).toMatch(message);
    });
  }

  it('reports a corrupt snapshot file naming it', async () => {
    const path = scratchCopy('pk_table_scan_and_read_mor-parquet');
    writeFileSync(`${path}/snapshot/snapshot-5`, '{"id": 5, "schemaId"');
    const err = await errorOf(rowCount(path));
    expect(err.code).toBe('CORRUPT_FILE');
    expect(err.message).toContain('snapshot-5');
  });

  it('reports a truncated manifest naming it', async () => {
    const path = scratchCopy('pk_table_scan_and_read_mor-parquet');
    const snap = JSON.parse(readFileSync(`${path}/snapshot/snapshot-5`, 'utf8')) as { deltaManifestList: string };
    const list = `${path}/manifest/${snap.deltaManifestList}`;
    truncateSync(list, 40);
    const err = await errorOf(rowCount(path));
    expect(err.code).toBe('CORRUPT_FILE');
    expect(err.message).toContain(snap.deltaManifestList);
  });

  it('reports a truncated data file naming it', async () => {
    const path = scratchCopy('append_complex_build_in_fieldid-parquet');
    const file = readdirSync(`${path}/bucket-0`).find((f) => f.endsWith('.parquet'))!;
    truncateSync(`${path}/bucket-0/${file}`, 100);
    const err = await errorOf(rowCount(path));
    expect(err.code).toBe('CORRUPT_FILE');
    expect(err.message).toContain(file);
  });

  it('reports a deleted data file as FILE_NOT_FOUND', async () => {
    const path = scratchCopy('append_complex_build_in_fieldid-parquet');
    const file = readdirSync(`${path}/bucket-0`).find((f) => f.endsWith('.parquet'))!;
    rmSync(`${path}/bucket-0/${file}`);
    const err = await errorOf(rowCount(path));
    expect(err.code).toBe('FILE_NOT_FOUND');
    expect(err.message).toContain(file);
  });

  it('reports an unknown type in a schema file as UNKNOWN_TYPE', async () => {
    const path = scratchCopy('append_simple-avro');
    const schema = readFileSync(`${path}/schema/schema-0`, 'utf8').replace(/"type" : "INT"/, '"type" : "INTEGRAL"');
    writeFileSync(`${path}/schema/schema-0`, schema);
    const err = await errorOf(FileStoreTable.open(path));
    expect(err.code).toBe('UNKNOWN_TYPE');
    expect(err.message).toContain('INTEGRAL');
    expect(err.message).toContain('schema-0');
  });
});

describe('branch and system table names cannot leave the table folder', () => {
  it('refuses path separators and dot names in branches, through identifiers and open()', async () => {
    expect(() => Identifier.parse('shop.users$branch_../../../../etc')).toThrow(/branch name "..\/..\/..\/..\/etc" must not contain/);
    expect(() => Identifier.parse('shop.users$branch_..')).toThrow(PaimonError);
    expect(() => Identifier.parse('shop.users$snap/../x')).toThrow(/system table name/);
    await expect(FileStoreTable.open('/tmp/no-such-table', { branch: '../x' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
