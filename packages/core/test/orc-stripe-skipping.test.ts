import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeOrc } from '../src/io/orc/index.js';
import { LocalFileIO } from '../src/io/file-io.js';
import { readDataFile } from '../src/read/data-file-reader.js';
import { mayMatch, type ColumnStats } from '../src/scan/predicate.js';
import { parsePredicate } from '../src/scan/predicate-parser.js';
import { bindPredicate } from '../src/scan/predicate.js';
import { parseTypeString } from '../src/types/type-json.js';
import type { DataField } from '../src/types/data-type.js';
import { buildData } from '../src/types/arrow-values.js';
import { toArrowSchema } from '../src/types/arrow-type.js';

const dir = mkdtempSync(`${tmpdir()}/paimon-ts-orc-skip-`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fields: DataField[] = [
  { id: 0, name: 'id', type: parseTypeString('INT') },
  { id: 1, name: 'name', type: parseTypeString('STRING') },
  { id: 2, name: 'price', type: parseTypeString('DECIMAL(10, 2)') },
];

/** 1,000 rows in stripes of 100: ids 0..999, names n000..n999, prices id/10. */
function writeFile(): string {
  const n = 1000;
  const schema = toArrowSchema(fields);
  const ids = Array.from({ length: n }, (_, i) => i);
  const children = [
    buildData(schema.fields[0]!.type, ids),
    buildData(schema.fields[1]!.type, ids.map((i) => `n${String(i).padStart(3, '0')}`)),
    buildData(schema.fields[2]!.type, ids.map((i) => BigInt(i) * 10n)),
  ];
  const batch = new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: n, nullCount: 0, children }));
  const path = `${dir}/data-0.orc`;
  writeFileSync(path, encodeOrc(fields, [batch], { stripeRows: 100 }));
  return path;
}

const rowsFor = async (path: string, where: string) => {
  const filter = bindPredicate(parsePredicate(where), fields, 't');
  const batches = await readDataFile(new LocalFileIO(), path, fields, (stats) =>
    mayMatch(filter, (name) => {
      const s = stats(name);
      return s ? ({ ...s, orderable: true } satisfies ColumnStats) : null;
    }),
  );
  return batches.reduce((n, b) => n + b.numRows, 0);
};

describe('ORC stripe skipping by statistics', () => {
  const path = writeFile();
  it('skips stripes whose int, string or decimal ranges cannot match', async () => {
    expect(await rowsFor(path, 'id >= 250')).toBe(800); // stripes 0 and 1 skipped, 2 partly matching
    expect(await rowsFor(path, "name < 'n150'")).toBe(200);
    expect(await rowsFor(path, 'price = 55.5')).toBe(100); // 555/10 -> stripe 5
    expect(await rowsFor(path, 'id > 5000')).toBe(0);
  });

  it('reads everything when the filter cannot prune (unknown column stats, OR)', async () => {
    expect(await rowsFor(path, 'id >= 0 OR name IS NULL')).toBe(1000);
    expect(await (await readDataFile(new LocalFileIO(), path, fields)).reduce((n, b) => n + b.numRows, 0)).toBe(1000);
  });
});
