/**
 * `paimon-ts demo`: the main job on an embedded warehouse folder. Creates a
 * partitioned primary-key table, writes inserts, then updates and deletes
 * (CDC), and shows the table before and after, its snapshots and files, and
 * a time-travel read of the first snapshot.
 */
import { resolve } from 'node:path';
import { batchToJsonRows, FileSystemCatalog, type FileStoreTable, type JsonValue } from '@paimon-ts/core';
import { renderTable } from '../output/formats.js';
import { files, snapshots } from './info.js';

const CUSTOMERS = ['ada', 'grace', 'linus', 'margaret', 'ken', 'barbara'];

function orders(day: string, from: number, count: number) {
  return Array.from({ length: count }, (_, i) => {
    const id = from + i;
    return {
      order_id: id,
      dt: day,
      customer: CUSTOMERS[id % CUSTOMERS.length],
      amount: ((id * 37) % 500) + 0.99,
      status: 'placed',
      updated_at: `${day} 09:${String(id % 60).padStart(2, '0')}:00`,
    };
  });
}

async function show(table: FileStoreTable, title: string, out: NodeJS.WritableStream, snapshot?: number): Promise<number> {
  const scan = (await table.reload()).newScan();
  if (snapshot !== undefined) scan.atSnapshot(snapshot);
  const plan = await scan.plan();
  const rows: JsonValue[][] = [];
  for await (const batch of scan.read(plan)) {
    for (const r of batchToJsonRows(batch, plan.schema.fields)) rows.push(plan.schema.fields.map((f) => r[f.name]!));
  }
  rows.sort((a, b) => String(a[1]).localeCompare(String(b[1])) || Number(a[0]) - Number(b[0]));
  out.write(`\n${title} (snapshot ${plan.snapshot?.id ?? 'none'}, ${rows.length} rows)\n`);
  out.write(renderTable(plan.schema.fields.map((f) => f.name), rows) + '\n');
  return rows.length;
}

export async function demo(warehouseArg: string, out: NodeJS.WritableStream): Promise<void> {
  const warehouse = resolve(warehouseArg);
  const catalog = new FileSystemCatalog(warehouse);
  await catalog.createDatabase('demo', true);
  await catalog.dropTable('demo.orders', true); // the demo starts over on each run
  await catalog.createTable(
    'demo.orders',
    {
      fields: [
        { name: 'order_id', type: 'BIGINT' },
        { name: 'dt', type: 'STRING' },
        { name: 'customer', type: 'STRING' },
        { name: 'amount', type: 'DECIMAL(10, 2)' },
        { name: 'status', type: 'STRING' },
        { name: 'updated_at', type: 'TIMESTAMP(3)' },
      ],
      primaryKeys: ['dt', 'order_id'],
      partitionKeys: ['dt'],
      options: { bucket: '2' },
    },
    false,
  );
  const table = await catalog.getTable('demo.orders');
  out.write(`Created ${table.name} at ${table.path}\n  primary key (dt, order_id), partitioned by dt, 2 buckets, Parquet files, Avro manifests\n`);

  // 1. a batch of inserts across two days
  let w = table.newBatchWrite();
  await w.write([...orders('2024-06-01', 1, 6), ...orders('2024-06-02', 7, 6)]);
  const first = await w.commit();
  await show(table, '1. After inserting 12 orders', out);

  // 2. CDC: updates (+U) and deletes (-D) by primary key, plus one new order
  w = (await table.reload()).newBatchWrite();
  const changes = [
    { row: { order_id: 2, dt: '2024-06-01', customer: 'grace', amount: '120.00', status: 'shipped', updated_at: '2024-06-01 18:00:00' }, kind: '+U' },
    { row: { order_id: 8, dt: '2024-06-02', customer: 'linus', amount: '15.50', status: 'refunded', updated_at: '2024-06-02 18:30:00' }, kind: '+U' },
    { row: { order_id: 3, dt: '2024-06-01', customer: 'linus', amount: null, status: null, updated_at: null }, kind: '-D' },
    { row: { order_id: 11, dt: '2024-06-02', customer: 'ken', amount: null, status: null, updated_at: null }, kind: '-D' },
    { row: { order_id: 13, dt: '2024-06-02', customer: 'ada', amount: '42.00', status: 'placed', updated_at: '2024-06-02 20:00:00' }, kind: '+I' },
  ];
  await w.write(changes.map((c) => c.row), { kinds: changes.map((c) => c.kind) });
  await w.commit();
  await show(table, '2. After 2 updates, 2 deletes and 1 insert (merged on read by primary key)', out);

  // 3. what is on disk, and time travel
  out.write('\nSnapshots\n');
  await snapshots(table.path, 'table', out);
  out.write('\nLive data files\n');
  await files(table.path, undefined, 'table', out);
  await show(table, `3. Time travel: the table as of snapshot ${first!.id}`, out, first!.id);
  out.write(`\nTry: npx paimon-ts cat ${table.path} --where "dt = '2024-06-02'" --format jsonl\n`);
}
