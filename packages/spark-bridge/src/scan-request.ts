/**
 * What a Spark-face descriptor asks for. PATH `[db, table]` is the whole
 * table at its latest snapshot; CMD is a JSON scan request:
 *
 *   {"table": "db.t", "snapshot": 3 | "tag": "t1", "columns": ["a", "b"],
 *    "filter": "a > 1 AND b IN ('x', 'y')"}
 *
 * A CMD that is not a JSON object naming a table belongs to another face
 * (Flight SQL commands are protobuf `Any` messages) and is left alone.
 */
import { Identifier, parsePredicate, PaimonError, type Predicate } from '@paimon-ts/core';
import type { FlightDescriptor } from '@paimon-ts/flight';

export interface ScanRequest {
  table: Identifier;
  snapshot: number | null;
  tag: string | null;
  columns: string[] | null;
  filter: string | null;
  predicate: Predicate | null;
}

const KEYS = new Set(['table', 'snapshot', 'tag', 'columns', 'filter']);

/**
 * Core checks database and table names but not a `$branch_<name>` suffix,
 * which becomes the folder `branch/branch-<name>`: a name with a separator
 * or `..` could leave the table, so the face refuses it.
 */
function checked(id: Identifier): Identifier {
  for (const [what, name] of [['branch', id.branch], ['system table', id.systemTable]] as const) {
    if (name !== null && (/[/\\\0]/.test(name) || name.includes('..'))) {
      throw new PaimonError('INVALID_ARGUMENT', `${what} name ${JSON.stringify(name)} in ${JSON.stringify(id.fullName)} must not contain '/', '\\', NUL or '..'`);
    }
  }
  return id;
}

/** `db.table` as a client wrote it, checked. */
export function parseTableName(name: string): Identifier {
  return checked(Identifier.parse(name));
}

/** The table a PATH descriptor names, or null when it is not `[db, table]`. */
export function tableOfPath(d: FlightDescriptor): Identifier | null {
  if (d.type !== 'PATH' || d.path.length !== 2) return null;
  return checked(new Identifier(d.path[0]!, d.path[1]!));
}

/** Null when the descriptor is not a Spark-face one. */
export function parseScanRequest(d: FlightDescriptor): ScanRequest | null {
  if (d.type === 'PATH') {
    const table = tableOfPath(d);
    return table ? { table, snapshot: null, tag: null, columns: null, filter: null, predicate: null } : null;
  }
  const text = d.cmd.toString('utf8').trim();
  if (!text.startsWith('{')) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  if (!json || typeof json !== 'object' || Array.isArray(json) || typeof (json as { table?: unknown }).table !== 'string') return null;
  const r = json as Record<string, unknown>;
  const unknown = Object.keys(r).filter((k) => !KEYS.has(k));
  if (unknown.length) throw new PaimonError('INVALID_ARGUMENT', `scan request has unknown keys ${unknown.join(', ')} (known: ${[...KEYS].join(', ')})`);
  if (r.snapshot !== undefined && r.tag !== undefined) throw new PaimonError('INVALID_ARGUMENT', 'scan request names both a snapshot and a tag');
  if (r.snapshot !== undefined && (!Number.isSafeInteger(r.snapshot) || (r.snapshot as number) < 1)) {
    throw new PaimonError('INVALID_ARGUMENT', `scan request snapshot must be a positive integer, got ${JSON.stringify(r.snapshot)}`);
  }
  if (r.tag !== undefined && (typeof r.tag !== 'string' || r.tag === '')) throw new PaimonError('INVALID_ARGUMENT', 'scan request tag must be a non-empty string');
  if (r.columns !== undefined && (!Array.isArray(r.columns) || r.columns.some((c) => typeof c !== 'string'))) {
    throw new PaimonError('INVALID_ARGUMENT', 'scan request columns must be an array of column names');
  }
  if (r.filter !== undefined && typeof r.filter !== 'string') throw new PaimonError('INVALID_ARGUMENT', 'scan request filter must be predicate text, e.g. "a > 1 AND b = \'x\'"');
  const filter = (r.filter as string | undefined)?.trim() || null;
  return {
    table: parseTableName(r.table as string),
    snapshot: (r.snapshot as number | undefined) ?? null,
    tag: (r.tag as string | undefined) ?? null,
    columns: (r.columns as string[] | undefined) ?? null,
    filter,
    predicate: filter ? parsePredicate(filter) : null,
  };
}
