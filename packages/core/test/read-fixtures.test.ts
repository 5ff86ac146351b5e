import { describe, expect, it } from 'vitest';
import { FileStoreTable } from '../src/table/table.js';
import { batchToRows } from '../src/read/rows.js';
import {
  asSortedLines,
  canonicalExpected,
  canonicalOurs,
  expectedOf,
  fixtureNames,
  fixturePath,
  isParquetOrAvroTable,
} from './fixtures.js';

const tables = fixtureNames().filter(isParquetOrAvroTable);

/** Rows of each split of a plain batch read (row kind 0 first, as the fixtures write them). */
async function readSplitRows(name: string, snapshot: number | null): Promise<unknown[][][]> {
  const table = await FileStoreTable.open(fixturePath(name));
  const scan = table.newScan();
  if (snapshot !== null) scan.atSnapshot(snapshot);
  const plan = await scan.plan();
  const out: unknown[][][] = [];
  for (const split of plan.splits) {
    const rows: unknown[][] = [];
    for await (const batch of scan.read(plan, [split])) {
      for (const row of batchToRows(batch)) {
        rows.push([0, ...plan.schema.fields.map((f) => canonicalOurs(row[f.name] ?? null, f.type))]);
      }
    }
    out.push(rows);
  }
  return out;
}

describe('Paimon-Java fixture tables (Parquet and Avro)', () => {
  it('finds the fixture tables', () => {
    expect(tables.length).toBeGreaterThanOrEqual(12);
  });

  for (const name of tables) {
    const expected = expectedOf(name);

    it(`${name} opens at its latest snapshot and reads without error`, async () => {
      const table = await FileStoreTable.open(fixturePath(name));
      expect(await table.snapshots.latestId()).toBe(Number(expected.table.snapshot_LATEST));
      const data = await table.newScan().toArrow();
      expect(data.numCols).toBe(table.schema.fields.length);
    });

    for (const a of expected.assertions_from_source_tests) {
      // Plain batch reads, and "projection" tests that read every column; others changed the table or the result.
      const plain = a.conditions.length === 1 && (a.conditions[0] === 'plain batch read' || a.conditions[0] === 'projection');
      if (!plain || !a.expected_row_blocks) continue;
      const width = expected.table.fields_latest_schema.length + 1;
      const blocks = a.expected_row_blocks;
      if (blocks.flat().some((r) => r.length !== width)) continue;
      // Several blocks in a plain read are the reads of snapshot 1, 2, ... in turn.
      const reads: [number | null, unknown[][]][] =
        blocks.length === 1
          ? [[a.scan_snapshot_id ? Number(a.scan_snapshot_id[0]) : null, blocks[0]!]]
          : blocks.length === expected.table.snapshot_ids.length && !a.scan_snapshot_id
            ? blocks.map((b, i) => [expected.table.snapshot_ids[i]!, b])
            : [];
      for (const [snapshot, rows] of reads) {
        it(`${name} reads the rows Paimon reads at snapshot ${snapshot ?? 'latest'} (${a.test.split('::')[1]})`, async () => {
          const table = await FileStoreTable.open(fixturePath(name));
          const schema = snapshot === null ? table.schema : await table.schemas.schema((await table.snapshots.snapshot(snapshot)).schemaId);
          const splits = await readSplitRows(name, snapshot);
          const theirs = asSortedLines(rows.map((r) => [r[0], ...schema.fields.map((f, i) => canonicalExpected(r[i + 1] ?? null, f.type))]));
          const whole = asSortedLines(splits.flat());
          // "projection" tests may have read one hand-picked split instead of the whole table.
          const single = a.conditions[0] === 'projection' ? splits.map(asSortedLines).find((s) => JSON.stringify(s) === JSON.stringify(theirs)) : undefined;
          expect(single ?? whole).toEqual(theirs);
        });
      }
    }
  }
});
