/** `paimon-ts tail`: follow a table's changes as they are committed, like `tail -f` on a topic. */
import { batchToJsonRows, FileStoreTable, ROW_KIND_COLUMN, ROW_KIND_SHORT, type StreamScanOptions } from '@paimon-ts/core';

export interface TailOptions {
  from?: string;
  consumer?: string;
  format: 'jsonl' | 'table';
}

/** `latest`, `earliest`, `snapshot:N` or `timestamp:T` (epoch millis or an ISO date) as stream options. */
export function startOptions(from: string | undefined): StreamScanOptions {
  if (from === undefined || from === 'full') return { mode: 'latest-full' };
  if (from === 'latest') return { mode: 'latest' };
  if (from === 'earliest') return { mode: 'from-snapshot', snapshotId: 1, onExpired: 'earliest' };
  const m = /^(snapshot|timestamp):(.+)$/.exec(from);
  if (m?.[1] === 'snapshot' && /^\d+$/.test(m[2]!)) return { mode: 'from-snapshot', snapshotId: Number(m[2]) };
  if (m?.[1] === 'timestamp') {
    const ms = /^\d+$/.test(m[2]!) ? Number(m[2]) : Date.parse(m[2]!);
    if (!Number.isNaN(ms)) return { mode: 'from-timestamp', timestampMillis: ms };
  }
  throw new Error(`--from ${JSON.stringify(from)}: use latest, earliest, snapshot:N or timestamp:T`);
}

export async function tail(tablePath: string, opts: TailOptions, out: NodeJS.WritableStream): Promise<void> {
  const table = await FileStoreTable.open(tablePath);
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const write = (text: string) => new Promise<void>((resolve, reject) => out.write(text, (e) => (e ? reject(e) : resolve())));
  const fields = table.schema.fields;
  try {
    const scan = table.newStreamScan({ ...startOptions(opts.from), ...(opts.consumer ? { consumerId: opts.consumer } : {}), signal: abort.signal });
    for await (const change of scan.changes()) {
      const kinds = change.batch.getChild(ROW_KIND_COLUMN)!;
      const rows = batchToJsonRows(change.batch, fields);
      const text = rows
        .map((row, i) => {
          const kind = ROW_KIND_SHORT[kinds.get(i) as number];
          return opts.format === 'jsonl'
            ? JSON.stringify({ kind, snapshot: change.snapshotId, row })
            : `${kind}  ${String(change.snapshotId).padStart(6)}  ${JSON.stringify(row)}`;
        })
        .join('\n');
      // Wait until the lines are out before reading on: a consumer's saved position never runs ahead of what was printed.
      if (text) await write(text + '\n');
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
