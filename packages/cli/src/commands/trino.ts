/**
 * `paimon-ts trino catalog`: the CREATE CATALOG statement that points Trino's
 * Paimon connector at a warehouse, printed or run on a coordinator.
 * `paimon-ts trino verify <db.table>`: the same aggregates asked of Trino and
 * of paimon-ts (DuckDB over the warehouse), side by side, with a verdict.
 * Both talk to Trino through trino-client (@paimon-ts/trino-bridge).
 */
import { InvalidArgumentError } from 'commander';
import { formatVerification, runTrinoQuery, trinoCatalogStatement, verifyTable, type TrinoConnection } from '@paimon-ts/trino-bridge';

export interface TrinoCatalogOptions {
  warehouse: string;
  name: string;
  property?: string[];
  url?: string;
  user?: string;
  run?: boolean;
}

export interface TrinoVerifyOptions {
  url: string;
  warehouse: string;
  catalog: string;
  user?: string;
}

/** `key=value` options as a record. */
export function parseProperties(items: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new InvalidArgumentError(`--property ${JSON.stringify(item)}: expected key=value`);
    out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return out;
}

/** The coordinator to talk to; a password (HTTP basic auth) comes from TRINO_PASSWORD, never from the command line. */
function connection(url: string, user: string | undefined): TrinoConnection {
  const password = process.env['TRINO_PASSWORD'];
  return { url, ...(user ? { user } : {}), ...(password !== undefined ? { password } : {}) };
}

export async function trinoCatalog(o: TrinoCatalogOptions, out: NodeJS.WritableStream): Promise<void> {
  const sql = trinoCatalogStatement({ warehouse: o.warehouse, name: o.name, properties: parseProperties(o.property) });
  if (!o.run) {
    out.write(`${sql};\n`);
    return;
  }
  if (!o.url) throw new InvalidArgumentError('--run needs --url <trino coordinator>');
  const answer = await runTrinoQuery(connection(o.url, o.user), sql);
  out.write(`${sql};\n-- ${answer.updateType ?? 'done'} on ${o.url}${answer.queryId ? ` (query ${answer.queryId})` : ''}\n`);
}

/** Prints both answers and the verdict; true when they agree. */
export async function trinoVerify(table: string, o: TrinoVerifyOptions, out: NodeJS.WritableStream): Promise<boolean> {
  const v = await verifyTable({ trino: connection(o.url, o.user), warehouse: o.warehouse, catalog: o.catalog, table });
  out.write(`${formatVerification(v)}\n`);
  return v.match;
}
