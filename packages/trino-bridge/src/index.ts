/**
 * @paimon-ts/trino-bridge: Paimon tables for Trino. The Flight SQL face of
 * the Flight service (DuckDB-dialect SQL run by DuckDB over the warehouse,
 * catalog commands, prepared statements, one endpoint per partition of a
 * plain single-table SELECT), and trino-client tools: the CREATE CATALOG
 * statement for Trino's Paimon connector and verification queries.
 */
export { createFlightSqlHandler, FlightSqlHandler, type FlightSqlHandlerOptions, type StatementPlan } from './flight-sql-handler.js';
export { packAny, unpackAny, encodeMessage, FLIGHT_SQL_PROTO, TYPE_URL_PREFIX, SQL_INFO, type FlightSqlMessages, type FlightSqlMessageName, type FlightSqlCommand } from './flight-sql-messages.js';
export { likeMatcher, tableArrowSchema, TABLE_TYPE } from './catalog-commands.js';
export { SQL_INFO_SCHEMA, type SqlInfoValue } from './sql-info.js';
export { paimonTypeOf, resultSchema, flightSqlArrowType, type ResultColumn } from './result-types.js';
export { trinoCatalogStatement, trinoCatalogProperties, warehouseUri, type TrinoCatalogOptions } from './trino-catalog.js';
export { runTrinoQuery, TrinoQueryError, type TrinoConnection, type TrinoAnswer } from './trino-query.js';
export {
  verifyTable,
  verificationMetrics,
  verificationSql,
  compareMetrics,
  formatVerification,
  canonical,
  type Metric,
  type MetricResult,
  type Verification,
  type VerifyOptions,
} from './trino-verify.js';
