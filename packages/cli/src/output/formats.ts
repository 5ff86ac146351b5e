/** Writing rows as an aligned table, JSON lines or CSV. */
import type { JsonValue } from '@paimon-ts/core';

export type OutputFormat = 'table' | 'jsonl' | 'csv';

export function parseFormat(text: string): OutputFormat {
  if (text === 'table' || text === 'jsonl' || text === 'csv') return text;
  throw new Error(`unknown format ${JSON.stringify(text)} (use table, jsonl or csv)`);
}

/** A cell as people read it: strings bare, NULL spelled out, nested values as JSON. */
export function cellText(v: JsonValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return v;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

const MAX_CELL = 60;

function clip(text: string): string {
  const oneLine = text.replace(/\n/g, '\\n');
  return oneLine.length > MAX_CELL ? oneLine.slice(0, MAX_CELL - 1) + '…' : oneLine;
}

/** Box-drawn table with right-aligned numbers. */
export function renderTable(columns: readonly string[], rows: readonly JsonValue[][]): string {
  const cells = rows.map((r) => r.map((v) => clip(cellText(v))));
  const numeric = columns.map((_, i) => rows.length > 0 && rows.every((r) => r[i] === null || typeof r[i] === 'number'));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (l: string, m: string, r: string) => l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r;
  const fmt = (vals: string[], header: boolean) =>
    '│' + vals.map((v, i) => ' ' + (numeric[i] && !header ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)) + ' ').join('│') + '│';
  return [line('┌', '┬', '┐'), fmt([...columns], true), line('├', '┼', '┤'), ...cells.map((r) => fmt(r, false)), line('└', '┴', '┘')].join('\n');
}

function csvCell(v: JsonValue): string {
  if (v === null) return '';
  const text = cellText(v);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly JsonValue[]): string {
  return values.map(csvCell).join(',');
}

export function csvHeader(columns: readonly string[]): string {
  return columns.map((c) => csvCell(c)).join(',');
}
