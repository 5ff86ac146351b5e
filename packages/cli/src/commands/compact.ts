/** `paimon-ts compact`: rewrite each bucket as one sorted run (full compaction) and show what changed. */
import { FileStoreTable } from '@paimon-ts/core';
import { renderTable } from '../output/formats.js';
import { Progress } from '../output/progress.js';

export async function compact(tablePath: string, out: NodeJS.WritableStream): Promise<void> {
  const table = await FileStoreTable.open(tablePath);
  const count = async (t: FileStoreTable) => {
    const plan = await t.newScan().plan();
    return { files: plan.splits.reduce((n, s) => n + s.files.length, 0), rows: plan.splits.reduce((n, s) => n + s.files.reduce((m, f) => m + f.rowCount, 0), 0) };
  };
  const before = await count(table);
  const progress = new Progress('compacting', 1, 'table', true);
  const snapshot = await table.compact({ full: true });
  progress.update(1);
  progress.stop();
  if (!snapshot) {
    out.write(`${table.name}: already compacted, nothing to do\n`);
    return;
  }
  const after = await count(await table.reload());
  out.write(renderTable(['', 'files', 'stored rows'], [['before', before.files, before.rows], ['after', after.files, after.rows]]) + '\n');
  out.write(`${table.name}: full compaction committed as snapshot ${snapshot.id}\n`);
}
