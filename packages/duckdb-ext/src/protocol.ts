/** Messages between the DuckDB side (main thread) and the planner worker. */
import type { DataField } from '@paimon-ts/core';

/** Which table: a table folder, or a warehouse and `db`, `table` (or `db.table` as `database`). */
export interface TableLocator {
  path?: string | null;
  warehouse?: string | null;
  database?: string | null;
  table?: string | null;
  branch?: string | null;
}

export interface ScanArgs extends TableLocator {
  snapshotId?: number | null;
  tag?: string | null;
  /** Epoch millis, or text: `2024-01-31 12:00:00[.fff][+hh[:mm]]` (local time without an offset). */
  timestamp?: string | number | null;
  /** `batch` (default) or `incremental` (needs `incrementalBetween`). */
  scanMode?: string | null;
  /** `start,end` snapshot ids: the changes of snapshots start+1 .. end. */
  incrementalBetween?: string | null;
  /** Core predicate text (`f1 = 10 AND f2 > 3`): prunes files and filters rows. */
  filter?: string | null;
  /** Core predicate text that only prunes files (the query's own WHERE filters rows). */
  prune?: string | null;
  /**
   * Only these buckets (of every partition, whatever its bucket count): `'0,3'`,
   * a number, or a list of numbers.
   */
  buckets?: string | number | number[] | null;
  /** False: every split is read by core and fed to DuckDB (no DuckDB Parquet reader). */
  fastPath?: boolean | null;
  /** For `files`, `schema`: at this snapshot. */
  schemaId?: number | null;
}

export type SqlOp = 'scan' | 'snapshots' | 'files' | 'schema' | 'schemas' | 'tags';

export interface SlowSource {
  handle: number;
  /** Output columns of the rows core produces (the plan's schema). */
  fields: DataField[];
}

export interface ScanInfo {
  table: string;
  snapshotId: number | null;
  schemaId: number;
  splits: number;
  /** Every data file the scan reads after pruning (fast and slow path). */
  files: string[];
  /** Data files DuckDB's Parquet reader opens. */
  fastFiles: string[];
  /** Of `fastFiles`, those merged by primary key with other files (the rest are read as they are). */
  mergedFiles: string[];
  /** Splits core reads, and why they could not take the fast path. */
  slowSplits: number;
  slowReasons: string[];
  /** True when the plan was reused (same table, snapshot and arguments as a recent query). */
  planCached: boolean;
}

export interface SqlResult {
  sql: string;
  slow: SlowSource | null;
  info: ScanInfo | null;
}

export type Request =
  | { op: 'sql'; kind: SqlOp; args: ScanArgs }
  | { op: 'open'; handle: number }
  | { op: 'next'; cursor: number }
  | { op: 'closeCursor'; cursor: number }
  | { op: 'release'; handle: number }
  | { op: 'tables'; warehouse: string }
  | { op: 'fields'; args: ScanArgs };

export interface NextResult {
  /** Arrow IPC stream of one record batch; null when the cursor is exhausted. */
  ipc: Uint8Array | null;
}

export interface ErrorInfo {
  message: string;
  code?: string;
}

export type Response = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: ErrorInfo };
