/**
 * The seam between the Flight server (transport, auth, tickets, framing) and
 * the faces it serves: plain Arrow Flight for Spark, Flight SQL for Trino.
 * A face never sees gRPC, only descriptors, verified ticket payloads and
 * Arrow batches; the server never interprets a face's commands.
 *
 * The server asks the handlers in order; a handler answers `null` for a
 * descriptor, command or action that is not its own.
 */
import type { RecordBatch, Schema } from 'apache-arrow';

/** `FlightDescriptor` (Flight.proto): a path or an opaque command. */
export type FlightDescriptor =
  | { type: 'PATH'; path: string[] }
  | { type: 'CMD'; cmd: Buffer };

export interface EndpointSpec {
  /**
   * The face's own ticket payload. The server signs it (and names the face)
   * before it reaches a client, and verifies both before `doGet` sees it,
   * so a payload may name files: a client cannot forge or alter one.
   */
  ticket: Buffer;
  /** Extra locations; empty means "this server". */
  locations?: string[];
  appMetadata?: Buffer;
}

export interface FlightInfoSpec {
  schema: Schema;
  descriptor: FlightDescriptor;
  endpoints: EndpointSpec[];
  /** -1 when unknown. */
  totalRecords: number;
  /** -1 when unknown. */
  totalBytes: number;
  ordered?: boolean;
  appMetadata?: Buffer;
}

/** What the server knows about the caller of one RPC. */
export interface CallContext {
  /** The verified bearer token, or null when the server has no auth. */
  token: string | null;
  peer: string;
  /** Aborted when the client cancels or disconnects. */
  signal: AbortSignal;
  /** Set when the server runs read-only: writes and mutating actions must be refused. */
  readOnly: boolean;
}

/** A DoGet answer with its schema. */
export interface DoGetStream {
  schema: Schema;
  batches: AsyncIterable<RecordBatch>;
}

export interface ActionType {
  type: string;
  description: string;
}

export interface FlightHandler {
  /** Names the face inside signed tickets; unique per server. */
  readonly name: string;
  listFlights?(criteria: Buffer, ctx: CallContext): AsyncIterable<FlightInfoSpec>;
  getFlightInfo?(descriptor: FlightDescriptor, ctx: CallContext): Promise<FlightInfoSpec | null>;
  getSchema?(descriptor: FlightDescriptor, ctx: CallContext): Promise<Schema | null>;
  /**
   * Streams one endpoint's batches; pulled lazily, so a slow client slows the
   * producer. Return a `DoGetStream` when the schema is known up front (an
   * endpoint with no rows still sends its schema); a plain iterable's schema
   * is taken from its first batch.
   */
  doGet?(ticket: Buffer, ctx: CallContext): Promise<AsyncIterable<RecordBatch> | DoGetStream | null>;
  /** Consumes the uploaded batches; the answer is the `PutResult.app_metadata`. */
  doPut?(descriptor: FlightDescriptor, batches: AsyncIterable<RecordBatch>, ctx: CallContext): Promise<Buffer | null>;
  /** Each yielded buffer becomes one `Result.body`. */
  doAction?(type: string, body: Buffer, ctx: CallContext): Promise<AsyncIterable<Buffer> | null>;
  listActions?(): ActionType[];
}
