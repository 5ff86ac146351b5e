/**
 * The `CREATE CATALOG` statement that points Trino's Paimon connector
 * (`connector.name=paimon`) at a warehouse. Trino's dynamic catalog syntax:
 * `CREATE CATALOG <name> USING paimon WITH ("<property>" = '<value>', ...)`;
 * every value is a quoted string. The connector's properties used here:
 * `warehouse` (a URI) and `metastore` (`filesystem`: the warehouse folder is
 * the catalog, as for paimon-ts), plus the file system switch for the
 * warehouse's scheme (`fs.local.enabled` for a local or shared mount,
 * `fs.native-s3.enabled` for S3).
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PaimonError } from '@paimon-ts/core';

export interface TrinoCatalogOptions {
  /** The Trino catalog name (default `paimon`). */
  name?: string;
  /** A local folder (made absolute, as `file://`) or a URI (`s3://...`, `hdfs://...`). */
  warehouse: string;
  /** More connector properties (`s3.endpoint`, `hive-conf-dir`, ...); they override the defaults. */
  properties?: Record<string, string>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The warehouse as the URI Trino's nodes resolve: `file:///abs/path` for local folders. */
export function warehouseUri(warehouse: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(warehouse)) return warehouse;
  return pathToFileURL(isAbsolute(warehouse) ? warehouse : resolve(warehouse)).href;
}

/** The connector properties for a warehouse, defaults first, then `extra`. */
export function trinoCatalogProperties(warehouse: string, extra: Record<string, string> = {}): Record<string, string> {
  const uri = warehouseUri(warehouse);
  const scheme = uri.slice(0, uri.indexOf(':')).toLowerCase();
  const props: Record<string, string> = { warehouse: uri, metastore: 'filesystem' };
  if (scheme === 'file') props['fs.local.enabled'] = 'true';
  if (scheme === 's3' || scheme === 's3a') props['fs.native-s3.enabled'] = 'true';
  return { ...props, ...extra };
}

const quoteProperty = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteValue = (value: string) => `'${value.replace(/'/g, "''")}'`;

export function trinoCatalogStatement(options: TrinoCatalogOptions): string {
  const name = options.name ?? 'paimon';
  if (!NAME.test(name)) throw new PaimonError('INVALID_ARGUMENT', `Trino catalog name ${JSON.stringify(name)} must be a plain identifier (letters, digits, _)`);
  const props = trinoCatalogProperties(options.warehouse, options.properties);
  const body = Object.entries(props)
    .map(([k, v]) => `  ${quoteProperty(k)} = ${quoteValue(v)}`)
    .join(',\n');
  return `CREATE CATALOG ${name} USING paimon\nWITH (\n${body}\n)`;
}
