/**
 * A second, independent reader: DuckDB's own Parquet reader opens the live
 * data files of every Parquet fixture table, and its row counts must agree
 * with the manifests and with ours.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileStoreTable } from '../src/table/table.js';
import { readDataFile } from '../src/read/data-file-reader.js';
import { filePath } from '../src/scan/split.js';
import { expectedOf, fixtureNames, fixturePath } from './fixtures.js';

const parquetTables = fixtureNames().filter((n) => expectedOf(n).table.options['file.format'] === 'parquet');

let db: DuckDBInstance;
beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'true' });
});
afterAll(() => db?.closeSync());

describe('DuckDB reads the same Parquet files', () => {
  it('has Parquet tables to check', () => expect(parquetTables.length).toBeGreaterThanOrEqual(6));

  for (const name of parquetTables) {
    it(`${name}: DuckDB, the manifests and our reader agree on every live file's row count`, async () => {
      const table = await FileStoreTable.open(fixturePath(name));
      const plan = await table.newScan().plan();
      const connection = await db.connect();
      let files = 0;
      for (const split of plan.splits) {
        for (const file of split.files) {
          const path = filePath(split, file);
          const result = await connection.runAndReadAll(`SELECT count(*) AS n FROM read_parquet('${path.replace(/'/g, "''")}')`);
          const duck = Number(result.getRows()[0]![0]);
          const fileSchema = await table.schemas.schema(file.schemaId);
          const ours = (await readDataFile(table.fileIO, path, fileSchema.fields.slice(0, 1))).reduce((n, b) => n + b.numRows, 0);
          expect({ file: file.fileName, duck, ours }).toEqual({ file: file.fileName, duck: file.rowCount, ours: file.rowCount });
          files++;
        }
      }
      connection.closeSync();
      expect(files).toBeGreaterThan(0);
    });
  }
});
