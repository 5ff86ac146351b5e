import { it } from 'vitest';
import { batchToRows } from '../src/read/rows.js';
import { scratchTable } from './write-helpers.js';
it('dbg', async () => {
  const t = await scratchTable([['k', 'INT'], ['v', 'STRING']], { primaryKeys: ['k'], options: { bucket: '1', 'changelog-producer': 'lookup' } });
  const commit = async (rows: any[], kinds?: string[]) => { const w = (await t.reload()).newBatchWrite(); await w.write(rows, kinds ? { kinds } : {}); await w.commit(); };
  const dump = async () => { const tb = await t.reload(); const s = (await tb.snapshots.latest())!; const es = await tb.manifests.liveEntries(await tb.manifests.dataManifests(s)); console.log(s.id, s.commitKind, es.map((e) => `${e.file.fileName.slice(-12)} L${e.file.level} rows=${e.file.rowCount} del=${e.file.deleteRowCount} size=${e.file.fileSize}`));
    const rows = (await tb.newScan().toArrow()).batches.flatMap(batchToRows); console.log('k=1:', rows.filter((r) => r['k'] === 1)); };
  await commit(Array.from({ length: 5000 }, (_, i) => ({ k: i, v: `old-${i}-${'x'.repeat(20)}` })));
  await dump();
  await commit([{ k: 1, v: 'gone' }], ['-D']);
  await dump();
  await commit([{ k: 1, v: 'new' }]);
  await dump();
});
