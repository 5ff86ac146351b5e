/**
 * DoPut: the uploaded batches become one commit (one snapshot, or none when
 * the upload is empty or fails part way). A `_ROW_KIND` column (Int8 0..3,
 * or text +I/-U/+U/-D — the column change reads carry) gives each row its
 * kind, so a primary-key table takes upserts and deletes; it is not
 * written. Without it every row is an insert (+I), which upserts by key.
 */
import * as arrow from 'apache-arrow';
import { type Identifier, PaimonError, parseRowKind, ROW_KIND_COLUMN, ROW_KIND_SHORT, selectColumns, type Catalog } from '@paimon-ts/core';
import { FlightError, type FlightDescriptor } from '@paimon-ts/flight';
import { parseTableName, tableOfPath } from './scan-request.js';

export interface UploadTarget {
  table: Identifier;
  overwrite: boolean;
}

/** PATH `[db, table]`, or CMD `{"table": "db.t", "overwrite": true}`; null when not ours. */
export function uploadTarget(d: FlightDescriptor): UploadTarget | null {
  const table = tableOfPath(d);
  if (table) return { table, overwrite: false };
  if (d.type !== 'CMD') return null;
  const text = d.cmd.toString('utf8').trim();
  if (!text.startsWith('{')) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const r = json as Record<string, unknown> | null;
  if (!r || typeof r !== 'object' || typeof r.table !== 'string') return null;
  const unknown = Object.keys(r).filter((k) => k !== 'table' && k !== 'overwrite');
  if (unknown.length) throw new PaimonError('INVALID_ARGUMENT', `upload request has unknown keys ${unknown.join(', ')} (known: table, overwrite)`);
  if (r.overwrite !== undefined && typeof r.overwrite !== 'boolean') throw new PaimonError('INVALID_ARGUMENT', 'upload request overwrite must be true or false');
  return { table: parseTableName(r.table), overwrite: r.overwrite === true };
}

function kindsOf(column: arrow.Vector, firstRow: number): Int8Array {
  const out = new Int8Array(column.length);
  if (arrow.DataType.isInt(column.type) && column.nullCount === 0) {
    let at = 0;
    for (const data of column.data) {
      const values = data.values as ArrayLike<number | bigint>;
      for (let i = 0; i < data.length; i++, at++) {
        const k = Number(values[i]);
        if (!(k >= 0 && k <= 3)) throw new PaimonError('INVALID_ARGUMENT', `row ${firstRow + at}, column ${ROW_KIND_COLUMN}: row kind ${k} is not one of 0 (+I), 1 (-U), 2 (+U), 3 (-D)`);
        out[at] = k;
      }
    }
    return out;
  }
  for (let i = 0; i < column.length; i++) out[i] = parseRowKind(column.get(i), `row ${firstRow + i}, column ${ROW_KIND_COLUMN}`);
  return out;
}

export interface UploadResult {
  table: string;
  snapshotId: number | null;
  rows: number;
  kinds: Record<string, number>;
}

export async function writeUpload(catalog: Catalog, target: UploadTarget, batches: AsyncIterable<arrow.RecordBatch>, readOnly: boolean): Promise<UploadResult> {
  if (readOnly) throw new FlightError('PERMISSION_DENIED', `DoPut to ${target.table.fullName}: this server is read-only`);
  const table = await catalog.getTable(target.table);
  const partitioned = table.partitionKeys.length > 0;
  // INSERT OVERWRITE replaces the partitions the upload touches, or the whole unpartitioned table.
  const write = table.newBatchWrite({ overwrite: target.overwrite ? { mode: partitioned ? 'dynamic' : 'all' } : false });
  const counts = [0, 0, 0, 0];
  let rows = 0;
  try {
    for await (const batch of batches) {
      if (batch.numRows === 0) continue;
      const kindColumn = batch.getChild(ROW_KIND_COLUMN);
      if (kindColumn) {
        const kinds = kindsOf(kindColumn, rows);
        for (const k of kinds) counts[k]!++;
        const data = selectColumns(batch, batch.schema.fields.map((f) => f.name).filter((n) => n !== ROW_KIND_COLUMN));
        await write.write(data, { kinds });
      } else {
        counts[0]! += batch.numRows;
        await write.write(batch);
      }
      rows += batch.numRows;
    }
  } catch (e) {
    // a failed or cancelled upload commits nothing and leaves no files behind
    await write.abort().catch(() => undefined);
    throw e;
  }
  const snapshot = rows > 0 || target.overwrite ? await write.commit() : null;
  return { table: table.name, snapshotId: snapshot?.id ?? null, rows, kinds: Object.fromEntries(ROW_KIND_SHORT.map((k, i) => [k, counts[i]!])) };
}
