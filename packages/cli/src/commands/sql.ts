/**
 * `paimon-ts sql "<query>" [--warehouse W]`: DuckDB SQL over Paimon tables.
 * The warehouse's tables are attached as `<name>.<db>.<table>` (and the
 * catalog is the default, so `<db>.<table>` works); `paimon_scan(...)`,
 * `paimon_files(...)`, `paimon_snapshots(...)`, `paimon_schema(...)` work on
 * any table folder. `INSERT INTO | INSERT OVERWRITE <db>.<table> SELECT ...`
 * writes through paimon-ts. Without a query: an interactive shell.
 */
import { createInterface } from 'node:readline';
import { jsonRows, onPaimonScan, PaimonDuckDB, runStatement, splitStatements, type ScanInfo, type StatementResult } from '@paimon-ts/duckdb';
import { csvHeader, csvLine, renderTable, type OutputFormat } from '../output/formats.js';

export interface SqlOptions {
  warehouse?: string;
  name?: string;
  format: OutputFormat;
  /** Print the rewritten SQL and what each Paimon scan reads (to stderr). */
  explain?: boolean;
}

function describeScan(info: ScanInfo): string {
  const byCore = info.slowSplits > 0 ? `, ${info.slowSplits} split${info.slowSplits === 1 ? '' : 's'} read by paimon-ts (${info.slowReasons.join('; ')})` : '';
  const merged = info.mergedFiles.length > 0 ? ` (${info.mergedFiles.length} merged by primary key)` : '';
  const cached = info.planCached ? '; plan reused' : '';
  return `-- paimon scan ${info.table} @ snapshot ${info.snapshotId ?? 'none'}: ${info.files.length} file${info.files.length === 1 ? '' : 's'} after pruning, ${info.fastFiles.length} by DuckDB's Parquet reader${merged}${byCore}${cached}`;
}

function print(result: StatementResult, format: OutputFormat, out: NodeJS.WritableStream): void {
  if (result.kind === 'write') {
    const w = result.write;
    out.write(`wrote ${w.rows} row${w.rows === 1 ? '' : 's'} to ${w.table}: snapshot ${w.snapshotId ?? 'unchanged'}\n`);
    return;
  }
  const { columns, rows } = jsonRows(result.reader);
  if (columns.length === 0) return;
  if (format === 'jsonl') {
    for (const r of rows) out.write(JSON.stringify(Object.fromEntries(columns.map((c, i) => [c, r[i] ?? null]))) + '\n');
  } else if (format === 'csv') {
    out.write([csvHeader(columns), ...rows.map((r) => csvLine(r))].join('\n') + '\n');
  } else {
    out.write(renderTable(columns, rows) + '\n');
    out.write(`${rows.length} row${rows.length === 1 ? '' : 's'}\n`);
  }
}

async function runAll(db: PaimonDuckDB, script: string, opts: SqlOptions, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<void> {
  for (const statement of splitStatements(script)) {
    const scans: ScanInfo[] = [];
    const stop = opts.explain ? onPaimonScan((info) => scans.push(info)) : () => undefined;
    try {
      const result = await runStatement(db.connection, statement);
      if (opts.explain) {
        if (result.kind === 'rows' && result.rewritten !== result.sql) err.write(`-- rewritten: ${result.rewritten.replace(/\s+/g, ' ')}\n`);
        for (const s of scans) err.write(describeScan(s) + '\n');
      }
      print(result, opts.format, out);
    } finally {
      stop();
    }
  }
}

async function shell(db: PaimonDuckDB, opts: SqlOptions, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<void> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY === true });
  const tty = process.stdin.isTTY === true;
  const prompt = (more: boolean) => {
    if (!tty) return;
    rl.setPrompt(more ? '    ...> ' : 'paimon> ');
    rl.prompt();
  };
  if (tty) {
    const attached = db.catalog ? ` · ${db.catalog.tables.length} tables of ${db.catalog.warehouse} as ${db.catalog.name}.<db>.<table>` : '';
    out.write(`paimon-ts sql (DuckDB)${attached}\nEnd statements with ';'. .tables lists tables, .exit quits.\n`);
  }
  let buffer = '';
  prompt(false);
  for await (const line of rl) {
    const trimmed = line.trim();
    if (buffer === '' && trimmed.startsWith('.')) {
      if (trimmed === '.exit' || trimmed === '.quit') break;
      if (trimmed === '.tables') {
        const rows = (db.catalog?.tables ?? []).map((t) => [`${db.catalog!.name}.${t.database}.${t.table}`, t.path]);
        out.write(renderTable(['table', 'path'], rows) + '\n');
      } else {
        out.write('.tables  list the attached Paimon tables\n.exit    quit\n');
      }
      prompt(false);
      continue;
    }
    buffer += line + '\n';
    if (!/;\s*$/.test(trimmed)) {
      prompt(buffer.trim() !== '');
      continue;
    }
    const script = buffer;
    buffer = '';
    try {
      await runAll(db, script, opts, out, err);
    } catch (e) {
      err.write(`error: ${((e as Error).message ?? String(e)).split('\n')[0]}\n`);
    }
    prompt(false);
  }
  if (buffer.trim() !== '') {
    try {
      await runAll(db, buffer, opts, out, err);
    } catch (e) {
      err.write(`error: ${((e as Error).message ?? String(e)).split('\n')[0]}\n`);
      process.exitCode = 1;
    }
  }
  rl.close();
}

export async function sql(query: string | undefined, opts: SqlOptions, out: NodeJS.WritableStream, err: NodeJS.WritableStream = process.stderr): Promise<void> {
  const db = await PaimonDuckDB.open({ ...(opts.warehouse ? { warehouse: opts.warehouse } : {}), ...(opts.name ? { name: opts.name } : {}) });
  try {
    if (db.catalog && db.catalog.skipped.length > 0) {
      for (const s of db.catalog.skipped) err.write(`warning: ${s.database}.${s.table} not attached: ${s.error}\n`);
    }
    if (query !== undefined) await runAll(db, query, opts, out, err);
    else await shell(db, opts, out, err);
  } finally {
    db.close();
  }
}
