/**
 * The Spark face's commit-related actions (DoAction). Bodies and results are
 * JSON; each action runs one core operation on one table and answers what
 * it committed. All of them change the table, so a read-only server
 * refuses them.
 */
import { createTag, expireSnapshots, parseDurationMillis, PaimonError, type Catalog, type ExpireOptions } from '@paimon-ts/core';
import { FlightError, type ActionType } from '@paimon-ts/flight';
import { parseTableName } from './scan-request.js';

export const ACTIONS: ActionType[] = [
  { type: 'compact', description: 'full compaction of a table as one COMPACT snapshot. Body {"table": "db.t"}; result {"snapshotId": n | null}' },
  {
    type: 'expire',
    description:
      'expire old snapshots and delete the files only they used. Body {"table": "db.t", "retainMin"?, "retainMax"?, "olderThan"?: "1h", "maxDeletes"?}; ' +
      'result {"expiredSnapshots": [...], "deletedFiles": n, "earliestSnapshot", "latestSnapshot"}',
  },
  { type: 'create-tag', description: 'tag a snapshot. Body {"table": "db.t", "tag": "name", "snapshot"?: n, "timeRetained"?: "7d"}; result {"tag", "snapshotId"}' },
];

type Body = Record<string, unknown>;

function parseBody(type: string, body: Buffer): Body {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8') || '{}');
  } catch (e) {
    throw new PaimonError('INVALID_ARGUMENT', `action ${type}: body is not JSON: ${(e as Error).message}`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new PaimonError('INVALID_ARGUMENT', `action ${type}: body must be a JSON object`);
  const b = json as Body;
  if (typeof b.table !== 'string') throw new PaimonError('INVALID_ARGUMENT', `action ${type}: body needs "table": "db.table"`);
  return b;
}

function optInt(b: Body, key: string, type: string): number | undefined {
  const v = b[key];
  if (v === undefined) return undefined;
  if (!Number.isSafeInteger(v) || (v as number) < 0) throw new PaimonError('INVALID_ARGUMENT', `action ${type}: ${key} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return v as number;
}

function optDuration(b: Body, key: string, type: string): number | undefined {
  const v = b[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new PaimonError('INVALID_ARGUMENT', `action ${type}: ${key} must be a duration such as "1h" or "7d"`);
  return parseDurationMillis(v, key);
}

/** Runs a Spark-face action; null for a type that is not one of ours. */
export async function runAction(catalog: Catalog, type: string, body: Buffer, readOnly: boolean): Promise<Body | null> {
  if (!ACTIONS.some((a) => a.type === type)) return null;
  if (readOnly) throw new FlightError('PERMISSION_DENIED', `action ${type} changes the table; this server is read-only`);
  const b = parseBody(type, body);
  const table = await catalog.getTable(parseTableName(b.table as string));
  switch (type) {
    case 'compact': {
      const snapshot = await table.compact({ full: true });
      return { table: table.name, snapshotId: snapshot?.id ?? null };
    }
    case 'expire': {
      const options: ExpireOptions = {};
      const retainMin = optInt(b, 'retainMin', type);
      const retainMax = optInt(b, 'retainMax', type);
      const maxDeletes = optInt(b, 'maxDeletes', type);
      const olderThan = optDuration(b, 'olderThan', type);
      if (retainMin !== undefined) options.retainMin = retainMin;
      if (retainMax !== undefined) options.retainMax = retainMax;
      if (maxDeletes !== undefined) options.maxDeletes = maxDeletes;
      if (olderThan !== undefined) options.timeRetainedMillis = olderThan;
      const r = await expireSnapshots(table, options);
      return { table: table.name, expiredSnapshots: r.expiredSnapshots, deletedFiles: r.deletedFiles.length, earliestSnapshot: r.earliestSnapshot, latestSnapshot: r.latestSnapshot };
    }
    case 'create-tag': {
      if (typeof b.tag !== 'string' || b.tag === '') throw new PaimonError('INVALID_ARGUMENT', 'action create-tag: body needs "tag": "name"');
      const snapshotId = optInt(b, 'snapshot', type);
      const ttl = optDuration(b, 'timeRetained', type);
      const tag = await createTag(table, b.tag, { ...(snapshotId !== undefined ? { snapshotId } : {}), ...(ttl !== undefined ? { timeRetainedMillis: ttl } : {}) });
      return { table: table.name, tag: tag.name, snapshotId: tag.snapshot.id };
    }
  }
  return null;
}
