/**
 * The Flight service definition, loaded at run time from proto/Flight.proto
 * (shipped with the package) by @grpc/proto-loader, with FlightData
 * (de)serialization swapped for the hand codec in flight-data.ts. Server and
 * client both use this one definition.
 */
import { fileURLToPath } from 'node:url';
import { loadSync, type MethodDefinition } from '@grpc/proto-loader';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { decodeFlightData, encodeFlightData, type IncomingFlightData, type OutgoingFlightData } from './flight-data.js';

export const PROTO_FILE = fileURLToPath(new URL('../proto/Flight.proto', import.meta.url));
const PACKAGE = 'arrow.flight.protocol';

/** Wire shapes (proto field names, as proto-loader gives them with keepCase). */
export interface WireDescriptor {
  type: 'UNKNOWN' | 'PATH' | 'CMD';
  cmd: Buffer;
  path: string[];
}
export interface WireTicket {
  ticket: Buffer;
}
export interface WireEndpoint {
  ticket: WireTicket | null;
  location: { uri: string }[];
  expiration_time?: { seconds: string; nanos: number } | null;
  app_metadata: Buffer;
}
export interface WireFlightInfo {
  schema: Buffer;
  flight_descriptor: WireDescriptor | null;
  endpoint: WireEndpoint[];
  /** int64 as decimal text. */
  total_records: string | number;
  total_bytes: string | number;
  ordered: boolean;
  app_metadata: Buffer;
}
export interface WireHandshake {
  protocol_version: string | number;
  payload: Buffer;
}
export interface WireAction {
  type: string;
  body: Buffer;
}

const definitions = loadSync(PROTO_FILE, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
const raw = definitions[`${PACKAGE}.FlightService`] as Record<string, MethodDefinition<unknown, unknown>>;

const flightDataCodec = {
  serialize: (value: unknown) => encodeFlightData(value as OutgoingFlightData),
  deserialize: (bytes: Buffer) => decodeFlightData(bytes) as unknown,
};

function withFlightData(name: string, request: boolean, response: boolean): MethodDefinition<unknown, unknown> {
  const m = raw[name]!;
  return {
    ...m,
    ...(request ? { requestSerialize: flightDataCodec.serialize, requestDeserialize: flightDataCodec.deserialize } : {}),
    ...(response ? { responseSerialize: flightDataCodec.serialize, responseDeserialize: flightDataCodec.deserialize } : {}),
  };
}

/** FlightService with the FlightData fast path (DoGet, DoPut, DoExchange). */
export const FLIGHT_SERVICE: ServiceDefinition = {
  ...raw,
  DoGet: withFlightData('DoGet', false, true),
  DoPut: withFlightData('DoPut', true, false),
  DoExchange: withFlightData('DoExchange', true, true),
} as unknown as ServiceDefinition;

/** FlightDescriptor bytes (a DoPut's first FlightData carries one), by way of GetFlightInfo's request codec. */
export function encodeDescriptorMessage(d: WireDescriptor): Buffer {
  return raw.GetFlightInfo!.requestSerialize(d);
}

export function decodeDescriptorMessage(bytes: Uint8Array): WireDescriptor {
  return raw.GetFlightInfo!.requestDeserialize(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) as WireDescriptor;
}

export type { IncomingFlightData, OutgoingFlightData };
