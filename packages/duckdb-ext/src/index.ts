/**
 * @paimon-ts/duckdb: query and write Apache Paimon tables from DuckDB SQL
 * (`@duckdb/node-api`). See README.md for the SQL forms.
 */
export { installPaimon, onPaimonScan, planSql, type InstallOptions } from './install.js';
export { attach, attachedCatalogs, refreshAttachedTable, type AttachOptions, type AttachedCatalog, type AttachedTable } from './attach.js';
export { paimonWrite, type PaimonWriteOptions, type PaimonWriteResult } from './write.js';
export { rewriteQuery, splitStatements, type Rewrite, type RewriteResult } from './rewrite.js';
export { paimonQuery, runScript, runStatement, type StatementResult } from './query.js';
export { PaimonDuckDB, paimonScanSql, DUCKDB_OPTIONS, type OpenOptions } from './session.js';
export { closePlanner } from './bridge.js';
export { jsonRows } from './json.js';
export { duckType, duckTypeSql, toDuckValue, fromDuckValue } from './types.js';
export { quoteIdent, quoteString, literalSql, predicateSql } from './sql.js';
export type { ScanArgs, ScanInfo, SqlResult, TableLocator } from './protocol.js';
