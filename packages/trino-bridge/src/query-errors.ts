/**
 * DuckDB failures as Flight statuses. DuckDB prefixes its messages with the
 * error class ("Parser Error: ...", "Catalog Error: Table with name x does
 * not exist!"); the message reaches the client unchanged.
 */
import { PaimonError } from '@paimon-ts/core';
import { FlightError, type FlightStatus } from '@paimon-ts/flight';

const MISSING = /^Catalog Error: (Table|Schema|Catalog|View) with name .* does not exist/;

/** Whether a DuckDB error says a table (or its schema or catalog) is unknown. */
export function isMissingTable(e: unknown): boolean {
  return e instanceof Error && !(e instanceof FlightError) && MISSING.test(e.message);
}

const BY_PREFIX: [RegExp, FlightStatus][] = [
  [MISSING, 'NOT_FOUND'],
  [/^Permission Error:/, 'PERMISSION_DENIED'],
  [/^(Parser|Binder|Catalog|Conversion|Invalid Input|Not implemented|Constraint|Out of Range|Syntax|Invalid type|Invalid Error|Mismatch Type|Type|Dependency|Sequence) Error:/i, 'INVALID_ARGUMENT'],
  [/^Out of Memory Error:/, 'RESOURCE_EXHAUSTED'],
  [/^INTERRUPT Error:/i, 'CANCELLED'],
];

/** A DuckDB (or core) failure of a query as a FlightError with the right status; PaimonErrors and FlightErrors pass unchanged. */
export function queryError(e: unknown): Error {
  if (e instanceof FlightError || e instanceof PaimonError) return e;
  const message = e instanceof Error ? e.message : String(e);
  for (const [re, status] of BY_PREFIX) if (re.test(message)) return new FlightError(status, message, { cause: e });
  return new FlightError('INTERNAL', message, { cause: e });
}
