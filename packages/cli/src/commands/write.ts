/** `paimon-ts write`: load a CSV, JSON-lines or Parquet file into a table as one commit. */
import { statSync } from 'node:fs';
import { FileStoreTable, parseRowKind, RowKind, selectColumns } from '@paimon-ts/core';
import { readInput } from '../input/readers.js';
import { Progress } from '../output/progress.js';

export interface WriteCommandOptions {
  from: string;
  overwrite?: boolean;
  /** What --overwrite replaces: the partitions in the data, or everything. */
  overwriteMode?: 'dynamic' | 'all';
  kindColumn?: string;
}

export interface WriteSummary {
  rows: number;
  snapshot: number | null;
  kinds: Record<string, number>;
}

/** Splits the kind column off row objects (or an Arrow batch), returning the kinds. */
function takeKinds(rows: Record<string, unknown>[], column: string, firstRow: number): RowKind[] {
  return rows.map((r, i) => {
    const k = parseRowKind(r[column], `row ${firstRow + i}, column ${column}`);
    delete r[column];
    return k;
  });
}

export async function writeFile(table: FileStoreTable, opts: WriteCommandOptions, log: (line: string) => void = () => {}): Promise<WriteSummary> {
  const size = statSync(opts.from).size;
  const progress = new Progress(`writing ${table.name}`, size, 'bytes', size > 4 << 20);
  const write = table.newBatchWrite({ overwrite: opts.overwrite ? { mode: opts.overwriteMode ?? 'all' } : false });
  let rows = 0;
  const counts = [0, 0, 0, 0];
  try {
    for await (const chunk of readInput(opts.from)) {
      if ('rows' in chunk) {
        const kinds = opts.kindColumn ? takeKinds(chunk.rows, opts.kindColumn, rows) : undefined;
        await write.write(chunk.rows, kinds ? { kinds } : {});
        if (kinds) for (const k of kinds) counts[k]!++;
        else counts[0]! += chunk.rows.length;
        rows += chunk.rows.length;
      } else {
        let batch = chunk.batch;
        let kinds: RowKind[] | undefined;
        if (opts.kindColumn) {
          const col = batch.getChild(opts.kindColumn);
          if (!col) throw new Error(`${opts.from} has no column ${opts.kindColumn}`);
          kinds = [...col].map((v, i) => parseRowKind(v, `row ${rows + i}, column ${opts.kindColumn}`));
          batch = selectColumns(batch, batch.schema.fields.map((f) => f.name).filter((n) => n !== opts.kindColumn));
          for (const k of kinds) counts[k]!++;
        } else counts[0]! += batch.numRows;
        await write.write(batch, kinds ? { kinds } : {});
        rows += batch.numRows;
      }
      progress.update(chunk.bytesRead);
    }
  } catch (e) {
    // bad input part-way: nothing is committed and the files written so far are removed
    progress.stop();
    await write.abort().catch(() => undefined);
    throw e;
  }
  progress.stop();
  log(`committing ${rows} rows`);
  const snapshot = await write.commit();
  return { rows, snapshot: snapshot?.id ?? null, kinds: { '+I': counts[0]!, '-U': counts[1]!, '+U': counts[2]!, '-D': counts[3]! } };
}
