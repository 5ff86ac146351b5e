/**
 * `paimon-ts serve`: the warehouse over Arrow Flight, until Ctrl-C. One
 * server, two faces: plain Flight for Spark (PATH [db, table] and JSON scan
 * requests), and Flight SQL for Trino when @paimon-ts/trino-bridge offers it.
 */
import { readFileSync } from 'node:fs';
import { FileSystemCatalog } from '@paimon-ts/core';
import { startFlightServer, type FlightHandler, type FlightServer } from '@paimon-ts/flight';
import { createSparkHandler } from '@paimon-ts/spark-bridge';

export interface ServeOptions {
  warehouse: string;
  host: string;
  port: number;
  /** Accepted bearer tokens; none means no auth. */
  token?: string[];
  tlsCert?: string;
  tlsKey?: string;
  readOnly?: boolean;
  maxStreams?: number;
}

/** Environment variable holding comma-separated tokens (keeps them out of `ps`). */
export const TOKENS_ENV = 'PAIMON_TS_FLIGHT_TOKENS';

/** The Flight SQL face, when the trino-bridge package provides it (it loads DuckDB, so only on use). */
async function flightSqlFace(warehouse: string, log: (line: string) => void): Promise<FlightHandler | null> {
  try {
    const trino = (await import('@paimon-ts/trino-bridge')) as { createFlightSqlHandler?: (o: { warehouse: string }) => FlightHandler };
    if (typeof trino.createFlightSqlHandler === 'function') return trino.createFlightSqlHandler({ warehouse });
    log('Flight SQL face not available: @paimon-ts/trino-bridge has no createFlightSqlHandler');
  } catch (e) {
    log(`Flight SQL face not available: ${(e as Error).message.split('\n')[0]}`);
  }
  return null;
}

export async function startServe(o: ServeOptions, log: (line: string) => void): Promise<{ server: FlightServer; faces: string[]; authenticated: boolean; close: () => Promise<void> }> {
  if (Boolean(o.tlsCert) !== Boolean(o.tlsKey)) throw new Error('--tls-cert and --tls-key go together');
  const tokens = [...(o.token ?? []), ...(process.env[TOKENS_ENV] ?? '').split(',').map((t) => t.trim()).filter(Boolean)];
  const catalog = new FileSystemCatalog(o.warehouse);
  await catalog.listDatabases(); // a missing warehouse fails here, not on the first call
  const handlers: FlightHandler[] = [createSparkHandler(catalog)];
  const sql = await flightSqlFace(catalog.warehouse, log);
  if (sql) handlers.push(sql);
  const server = await startFlightServer({
    handlers,
    host: o.host,
    port: o.port,
    readOnly: o.readOnly ?? false,
    log,
    ...(tokens.length ? { auth: { tokens } } : {}),
    ...(o.tlsCert && o.tlsKey ? { tls: { cert: readFileSync(o.tlsCert), key: readFileSync(o.tlsKey) } } : {}),
    ...(o.maxStreams ? { maxConcurrentStreams: o.maxStreams } : {}),
  });
  const close = async () => {
    await server.close();
    // Faces holding resources (the Flight SQL face's DuckDB) release them.
    for (const h of handlers) await (h as { close?: () => Promise<void> }).close?.();
  };
  return { server, faces: handlers.map((h) => h.name), authenticated: tokens.length > 0, close };
}

export async function serve(o: ServeOptions, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<void> {
  const log = (line: string) => err.write(`${line}\n`);
  const { server, faces, authenticated, close } = await startServe(o, log);
  const auth = authenticated ? 'bearer tokens' : 'no auth';
  out.write(`serving ${o.warehouse} at ${server.url} (faces: ${faces.join(', ')}; ${auth}${o.readOnly ? '; read-only' : ''})\n`);
  if (!o.tlsCert && o.host !== '127.0.0.1' && o.host !== 'localhost' && o.host !== '::1') {
    log('warning: serving without TLS on a non-loopback address; tokens and data travel in clear text');
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await close();
  out.write('stopped\n');
}
