/** `paimon-ts schema | snapshots | files`: what a table is made of. */
import { FileStoreTable, formatTimestamp, toJsonValue, typeToJson, type JsonValue, type DataField } from '@paimon-ts/core';
import { renderTable, csvHeader, csvLine, type OutputFormat } from '../output/formats.js';

function typeText(f: DataField): string {
  const t = typeToJson(f.type);
  return typeof t === 'string' ? t : JSON.stringify(t);
}

function emit(out: NodeJS.WritableStream, format: OutputFormat, columns: string[], rows: JsonValue[][]): void {
  if (format === 'jsonl') {
    for (const r of rows) out.write(JSON.stringify(Object.fromEntries(columns.map((c, i) => [c, r[i]!]))) + '\n');
  } else if (format === 'csv') {
    out.write([csvHeader(columns), ...rows.map((r) => csvLine(r))].join('\n') + '\n');
  } else {
    out.write(renderTable(columns, rows) + '\n');
  }
}

export async function schema(tablePath: string, format: OutputFormat, out: NodeJS.WritableStream): Promise<void> {
  const table = await FileStoreTable.open(tablePath);
  const s = table.schema;
  const rows = s.fields.map((f): JsonValue[] => [
    f.id,
    f.name,
    typeText(f),
    s.partitionKeys.includes(f.name) ? 'partition' : '',
    s.primaryKeys.includes(f.name) ? 'primary key' : '',
    f.description ?? null,
  ]);
  emit(out, format, ['id', 'name', 'type', 'partition', 'key', 'comment'], rows);
  if (format === 'table') {
    out.write(`schema ${s.id} of ${table.name} · ${table.primaryKeys.length ? 'primary-key' : 'append'} table\n`);
    const options = Object.entries(s.options);
    if (options.length) out.write(renderTable(['option', 'value'], options) + '\n');
  }
}

export async function snapshots(tablePath: string, format: OutputFormat, out: NodeJS.WritableStream): Promise<void> {
  const table = await FileStoreTable.open(tablePath);
  const all = await table.snapshots.all();
  const rows = all.map((s): JsonValue[] => [
    s.id,
    s.schemaId,
    s.commitKind,
    formatTimestamp(BigInt(s.timeMillis), 3),
    s.totalRecordCount ?? null,
    s.deltaRecordCount ?? null,
    s.changelogRecordCount ?? null,
    s.commitUser,
    toJsonValue(s.commitIdentifier, { kind: 'BIGINT', nullable: false }),
  ]);
  emit(out, format, ['id', 'schema', 'kind', 'committed (UTC)', 'total rows', 'delta rows', 'changelog rows', 'commit user', 'commit id'], rows);
}

export async function files(tablePath: string, snapshot: number | undefined, format: OutputFormat, out: NodeJS.WritableStream): Promise<void> {
  const table = await FileStoreTable.open(tablePath);
  const scan = table.newScan();
  if (snapshot !== undefined) scan.atSnapshot(snapshot);
  const plan = await scan.plan();
  const partitionFields = plan.schema.partitionKeys.map((k) => plan.schema.fields.find((f) => f.name === k)!);
  const rows: JsonValue[][] = [];
  for (const split of plan.splits) {
    const partition = partitionFields.map((f, i) => `${f.name}=${JSON.stringify(toJsonValue(split.partition[i] ?? null, f.type))}`).join('/');
    split.files.forEach((f, i) => {
      const dv = split.deletionFiles[i];
      rows.push([partition, split.bucket, f.level, f.rowCount, f.fileSize, dv ? (dv.cardinality ?? 'yes') : null, f.fileName]);
    });
  }
  emit(out, format, ['partition', 'bucket', 'level', 'rows', 'size', 'deleted', 'file'], rows);
  if (format === 'table') {
    const total = rows.reduce((n, r) => n + (r[3] as number), 0);
    out.write(`${rows.length} files · ${total} rows · snapshot ${plan.snapshot?.id ?? 'none'}\n`);
  }
}
