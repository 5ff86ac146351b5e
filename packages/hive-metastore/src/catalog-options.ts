/**
 * The Hive catalog's options: Paimon's names and defaults
 * (paimon-api `options/CatalogOptions`, paimon-hive `HiveCatalogOptions`),
 * given as strings as in a Paimon catalog definition. Unknown keys are
 * ignored, as Paimon does.
 */
import { PaimonError, parseDurationMillis } from '@paimon-ts/core';

interface CatalogOptionSpec {
  key: string;
  default: string;
}

export const HIVE_CATALOG_OPTIONS = {
  /** Take the metastore table lock around commits and schema writes. */
  lockEnabled: { key: 'lock.enabled', default: 'false' },
  lockCheckMaxSleep: { key: 'lock-check-max-sleep', default: '8 s' },
  lockAcquireTimeout: { key: 'lock-acquire-timeout', default: '8 min' },
  clientPoolSize: { key: 'client-pool-size', default: '2' },
  /** Copy every table option into the metastore parameters (else only `hive.`-prefixed ones). */
  syncAllProperties: { key: 'sync-all-properties', default: 'true' },
  /** `managed` or `external`: the metastore table type of new tables. */
  tableType: { key: 'table.type', default: 'managed' },
  /** Keep locations in parameters (`paimon_location`) instead of the storage descriptor. */
  locationInProperties: { key: 'location-in-properties', default: 'false' },
} as const satisfies Record<string, CatalogOptionSpec>;

export interface ParsedCatalogOptions {
  lockEnabled: boolean;
  lockCheckMaxSleepMs: number;
  lockAcquireTimeoutMs: number;
  clientPoolSize: number;
  syncAllProperties: boolean;
  external: boolean;
  locationInProperties: boolean;
}

function invalid(key: string, value: string, expected: string): PaimonError {
  return new PaimonError('INVALID_OPTION', `Hive catalog option ${key}=${JSON.stringify(value)} is invalid: expected ${expected}`);
}

export function parseCatalogOptions(options: Readonly<Record<string, string>> = {}): ParsedCatalogOptions {
  const get = (spec: CatalogOptionSpec): string => options[spec.key] ?? spec.default;
  const bool = (spec: CatalogOptionSpec): boolean => {
    const v = get(spec).trim().toLowerCase();
    if (v !== 'true' && v !== 'false') throw invalid(spec.key, get(spec), 'true or false');
    return v === 'true';
  };
  const duration = (spec: CatalogOptionSpec): number => {
    const ms = parseDurationMillis(get(spec), spec.key);
    if (ms <= 0) throw invalid(spec.key, get(spec), 'a positive duration');
    return ms;
  };
  const poolText = get(HIVE_CATALOG_OPTIONS.clientPoolSize);
  const pool = Number(poolText);
  if (!Number.isInteger(pool) || pool < 1) throw invalid(HIVE_CATALOG_OPTIONS.clientPoolSize.key, poolText, 'a positive integer');
  const tableType = get(HIVE_CATALOG_OPTIONS.tableType).trim().toLowerCase();
  if (tableType !== 'managed' && tableType !== 'external') throw invalid(HIVE_CATALOG_OPTIONS.tableType.key, tableType, 'managed or external');
  return {
    lockEnabled: bool(HIVE_CATALOG_OPTIONS.lockEnabled),
    lockCheckMaxSleepMs: duration(HIVE_CATALOG_OPTIONS.lockCheckMaxSleep),
    lockAcquireTimeoutMs: duration(HIVE_CATALOG_OPTIONS.lockAcquireTimeout),
    clientPoolSize: pool,
    syncAllProperties: bool(HIVE_CATALOG_OPTIONS.syncAllProperties),
    external: tableType === 'external',
    locationInProperties: bool(HIVE_CATALOG_OPTIONS.locationInProperties),
  };
}
