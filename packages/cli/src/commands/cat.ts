/** `paimon-ts cat`: the rows of a table, at a snapshot or tag, filtered and projected. */
import { batchToJsonRows, FileStoreTable, parsePredicate, type JsonValue } from '@paimon-ts/core';
import { csvHeader, csvLine, renderTable, type OutputFormat } from '../output/formats.js';
import { Progress } from '../output/progress.js';

export interface CatOptions {
  snapshot?: number;
  tag?: string;
  columns?: string[];
  where?: string;
  limit?: number;
  format: OutputFormat;
}

export async function cat(tablePath: string, opts: CatOptions, out: NodeJS.WritableStream): Promise<void> {
  const table = await FileStoreTable.open(tablePath);
  const scan = table.newScan().select(opts.columns ?? null);
  if (opts.snapshot !== undefined) scan.atSnapshot(opts.snapshot);
  if (opts.tag !== undefined) scan.atTag(opts.tag);
  if (opts.where) scan.filter(parsePredicate(opts.where));
  if (opts.limit !== undefined) scan.limit(opts.limit);
  const plan = await scan.plan();
  const fields = opts.columns ? opts.columns.map((c) => plan.schema.fields.find((f) => f.name === c)!) : plan.schema.fields;
  const names = fields.map((f) => f.name);
  const progress = new Progress('reading', plan.splits.length, 'splits');
  const tableRows: JsonValue[][] = [];
  if (opts.format === 'csv') out.write(csvHeader(names) + '\n');
  for await (const batch of scan.read(plan, plan.splits, (done) => progress.update(done))) {
    const rows = batchToJsonRows(batch, fields);
    if (opts.format === 'jsonl') out.write(rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    else if (opts.format === 'csv') out.write(rows.map((r) => csvLine(names.map((n) => r[n]!))).join('\n') + '\n');
    else for (const r of rows) tableRows.push(names.map((n) => r[n]!));
  }
  progress.stop();
  if (opts.format === 'table') {
    out.write(renderTable(names, tableRows) + '\n');
    out.write(`${tableRows.length} row${tableRows.length === 1 ? '' : 's'} · snapshot ${plan.snapshot?.id ?? 'none'} · ${plan.splits.length} split${plan.splits.length === 1 ? '' : 's'}\n`);
  }
}
