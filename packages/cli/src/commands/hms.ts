/**
 * `paimon-ts hms register | sync`: put tables of a warehouse into a Hive
 * Metastore, the way Paimon's Hive catalog registers them, so Hive, Spark and
 * Trino find them. Both are idempotent: a registration that already matches
 * the latest schema is left alone, an outdated one is updated.
 */
import { HiveCatalog, type RegisterResult, type TransportKind } from '@paimon-ts/hive-metastore';
import { renderTable } from '../output/formats.js';

export interface HmsOptions {
  uri: string;
  warehouse: string;
  /** Hive catalog options, `key=value` (e.g. `table.type=external`, `sync-all-properties=false`). */
  option?: string[];
  framed?: boolean;
  /** Per metastore call, milliseconds. */
  timeout?: number;
}

function catalogOf(o: HmsOptions): HiveCatalog {
  const options: Record<string, string> = {};
  for (const kv of o.option ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new Error(`--option ${JSON.stringify(kv)} must be key=value`);
    options[kv.slice(0, eq).trim()] = kv.slice(eq + 1);
  }
  const transport: TransportKind = o.framed ? 'framed' : 'buffered';
  return new HiveCatalog({ uri: o.uri, warehouse: o.warehouse, options, transport, ...(o.timeout !== undefined ? { requestTimeoutMs: o.timeout } : {}) });
}

/** Metastore partitions the registration added; '-' when the table keeps none there. */
function partitions(r: RegisterResult): string | number {
  return r.partitionsAdded ?? '-';
}

function summary(results: readonly RegisterResult[]): string {
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.action, (counts.get(r.action) ?? 0) + 1);
  const parts = ['created', 'updated', 'unchanged', 'skipped'].filter((a) => counts.has(a)).map((a) => `${counts.get(a)} ${a}`);
  return `${results.length} table${results.length === 1 ? '' : 's'}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

export async function hmsRegister(name: string, o: HmsOptions, out: NodeJS.WritableStream): Promise<void> {
  const catalog = catalogOf(o);
  try {
    const r = await catalog.registerTable(name);
    out.write(renderTable(['table', 'action', 'partitions added', 'location'], [[`${r.database}.${r.table}`, r.action, partitions(r), r.location]]) + '\n');
    out.write(`${r.database}.${r.table}: ${r.action} in ${catalog.client.uri}\n`);
  } finally {
    catalog.close();
  }
}

export async function hmsSync(o: HmsOptions, out: NodeJS.WritableStream): Promise<void> {
  const catalog = catalogOf(o);
  try {
    const results = await catalog.syncWarehouse();
    if (results.length) {
      out.write(renderTable(['table', 'action', 'partitions added', 'note'], results.map((r) => [`${r.database}.${r.table}`, r.action, partitions(r), r.note ?? ''])) + '\n');
    }
    out.write(`${summary(results)} in ${catalog.client.uri}\n`);
  } finally {
    catalog.close();
  }
}
