// A separate writer process for concurrency and crash tests: commits `commits`
// batches of `rows` rows to the table, each row tagged with this writer's id.
import { FileStoreTable } from '../../dist/index.js';

const [path, writer, commits, rows] = process.argv.slice(2);
for (let c = 0; c < Number(commits); c++) {
  const table = await FileStoreTable.open(path);
  const w = table.newBatchWrite();
  const batch = [];
  for (let r = 0; r < Number(rows); r++) batch.push({ writer: Number(writer), commit: c, n: r });
  await w.write(batch);
  const snapshot = await w.commit();
  process.stdout.write(`${snapshot.id}\n`);
}
