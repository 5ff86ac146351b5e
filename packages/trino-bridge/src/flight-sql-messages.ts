/**
 * Flight SQL messages (proto/FlightSql.proto, shipped with the package) and
 * their `google.protobuf.Any` envelope: every Flight SQL command reaches the
 * server as an Any, in a CMD descriptor, inside a DoGet ticket or as an
 * action body. Field names are the proto names (snake_case), as in the spec.
 */
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { FlightError } from '@paimon-ts/flight';

export const FLIGHT_SQL_PROTO = fileURLToPath(new URL('../proto/FlightSql.proto', import.meta.url));
const PACKAGE = 'arrow.flight.protocol.sql';
export const TYPE_URL_PREFIX = `type.googleapis.com/${PACKAGE}.`;

/** The messages this service reads or writes, with their fields as decoded (proto3 `optional` fields absent when unset). */
export interface FlightSqlMessages {
  CommandGetSqlInfo: { info?: number[] };
  CommandGetCatalogs: Record<string, never>;
  CommandGetDbSchemas: { catalog?: string; db_schema_filter_pattern?: string };
  CommandGetTables: {
    catalog?: string;
    db_schema_filter_pattern?: string;
    table_name_filter_pattern?: string;
    table_types?: string[];
    include_schema?: boolean;
  };
  CommandGetTableTypes: Record<string, never>;
  CommandStatementQuery: { query?: string; transaction_id?: Uint8Array };
  TicketStatementQuery: { statement_handle?: Uint8Array };
  CommandPreparedStatementQuery: { prepared_statement_handle?: Uint8Array };
  ActionCreatePreparedStatementRequest: { query?: string; transaction_id?: Uint8Array };
  ActionCreatePreparedStatementResult: { prepared_statement_handle?: Uint8Array; dataset_schema?: Uint8Array; parameter_schema?: Uint8Array };
  ActionClosePreparedStatementRequest: { prepared_statement_handle?: Uint8Array };
}

export type FlightSqlMessageName = keyof FlightSqlMessages;

/** A decoded Any of this package: the message name and its fields. */
export type FlightSqlCommand = { [N in FlightSqlMessageName]: { name: N; message: FlightSqlMessages[N] } }[FlightSqlMessageName];

const root = new protobuf.Root();
root.loadSync([FLIGHT_SQL_PROTO, 'google/protobuf/any.proto'], { keepCase: true });
const Any = root.lookupType('google.protobuf.Any');
const types = new Map<string, protobuf.Type>();

function typeOf(name: string): protobuf.Type | null {
  let t = types.get(name);
  if (!t) {
    const found = root.lookup(`${PACKAGE}.${name}`);
    if (!(found instanceof protobuf.Type)) return null;
    t = found;
    types.set(name, t);
  }
  return t;
}

/** The info ids of the spec's `SqlInfo` enum, by name (only those listed in our proto). */
export const SQL_INFO: Readonly<Record<string, number>> = root.lookupEnum(`${PACKAGE}.SqlInfo`).values;

export function encodeMessage<N extends FlightSqlMessageName>(name: N, message: FlightSqlMessages[N]): Buffer {
  const type = typeOf(name)!;
  return Buffer.from(type.encode(type.fromObject(message)).finish());
}

/** A message wrapped in `google.protobuf.Any`, as Flight SQL sends commands and action results. */
export function packAny<N extends FlightSqlMessageName>(name: N, message: FlightSqlMessages[N]): Buffer {
  return Buffer.from(Any.encode({ type_url: TYPE_URL_PREFIX + name, value: encodeMessage(name, message) }).finish());
}

function decodeAny(bytes: Uint8Array): { type_url: string; value: Uint8Array } | null {
  try {
    const any = Any.toObject(Any.decode(bytes), { defaults: true }) as { type_url: string; value: Uint8Array };
    return any.type_url ? any : null;
  } catch {
    return null;
  }
}

/**
 * The Flight SQL command in `bytes`, or null when they are not an Any of the
 * Flight SQL package (then the command belongs to another face). A Flight
 * SQL command this service does not serve is UNIMPLEMENTED; a malformed one
 * INVALID_ARGUMENT.
 */
export function unpackAny(bytes: Uint8Array): FlightSqlCommand | null {
  const any = decodeAny(bytes);
  if (!any || !any.type_url.startsWith(TYPE_URL_PREFIX)) return null;
  const name = any.type_url.slice(TYPE_URL_PREFIX.length);
  const type = typeOf(name);
  if (!type) throw new FlightError('UNIMPLEMENTED', `Flight SQL ${name} is not supported by this server`);
  try {
    const message = type.toObject(type.decode(any.value), { longs: Number, bytes: Buffer, arrays: true });
    return { name, message } as FlightSqlCommand;
  } catch (e) {
    throw new FlightError('INVALID_ARGUMENT', `malformed Flight SQL ${name}: ${(e as Error).message}`);
  }
}
