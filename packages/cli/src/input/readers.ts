/**
 * Input files for `paimon-ts write`, read in chunks: CSV (with a header row),
 * JSON lines, or Parquet. Each yields row objects or Arrow batches, and the
 * bytes consumed so far for the progress bar.
 */
import { createReadStream, promises as fs } from 'node:fs';
import * as arrow from 'apache-arrow';
import * as parquet from 'parquet-wasm/node';
import { CsvParser } from './csv.js';

export type InputChunk = { rows: Record<string, unknown>[]; bytesRead: number } | { batch: arrow.RecordBatch; bytesRead: number };

const CHUNK_ROWS = 50_000;

export function inputFormatOf(path: string): 'csv' | 'jsonl' | 'parquet' {
  const lower = path.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson') || lower.endsWith('.json')) return 'jsonl';
  if (lower.endsWith('.parquet')) return 'parquet';
  throw new Error(`cannot tell the format of ${path} (use .csv, .jsonl or .parquet)`);
}

async function* csvChunks(path: string): AsyncGenerator<InputChunk> {
  const parser = new CsvParser();
  let header: string[] | null = null;
  let pending: Record<string, unknown>[] = [];
  let bytesRead = 0;
  const take = (rows: (string | null)[][]) => {
    for (const r of rows) {
      if (!header) {
        header = r.map((h) => (h ?? '').trim());
        continue;
      }
      if (r.length !== header.length) throw new Error(`${path}: line ${parser.line - 1} has ${r.length} fields, the header has ${header.length}`);
      const obj: Record<string, unknown> = {};
      header.forEach((h, i) => (obj[h] = r[i]));
      pending.push(obj);
    }
  };
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    bytesRead += Buffer.byteLength(chunk as string);
    take(parser.push(chunk as string));
    if (pending.length >= CHUNK_ROWS) {
      yield { rows: pending, bytesRead };
      pending = [];
    }
  }
  take(parser.end());
  if (pending.length) yield { rows: pending, bytesRead };
}

async function* jsonlChunks(path: string): AsyncGenerator<InputChunk> {
  let rest = '';
  let line = 0;
  let bytesRead = 0;
  let pending: Record<string, unknown>[] = [];
  const parseLine = (text: string) => {
    line++;
    if (text.trim() === '') return;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      throw new Error(`${path}: line ${line} is not JSON: ${(e as Error).message}`);
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new Error(`${path}: line ${line} is not a JSON object`);
    pending.push(obj as Record<string, unknown>);
  };
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    bytesRead += Buffer.byteLength(chunk as string);
    const lines = (rest + (chunk as string)).split('\n');
    rest = lines.pop()!;
    lines.forEach(parseLine);
    if (pending.length >= CHUNK_ROWS) {
      yield { rows: pending, bytesRead };
      pending = [];
    }
  }
  parseLine(rest);
  if (pending.length) yield { rows: pending, bytesRead };
}

async function* parquetChunks(path: string): AsyncGenerator<InputChunk> {
  const bytes = await fs.readFile(path);
  const file = await parquet.ParquetFile.fromFile(new Blob([bytes]));
  try {
    const groups = file.metadata().numRowGroups();
    for (let g = 0; g < groups; g++) {
      const table = arrow.tableFromIPC((await file.read({ rowGroups: [g], batchSize: CHUNK_ROWS })).intoIPCStream());
      for (const batch of table.batches) yield { batch, bytesRead: Math.round(((g + 1) / groups) * bytes.length) };
    }
  } finally {
    file.free();
  }
}

export function readInput(path: string): AsyncGenerator<InputChunk> {
  const format = inputFormatOf(path);
  return format === 'csv' ? csvChunks(path) : format === 'jsonl' ? jsonlChunks(path) : parquetChunks(path);
}
