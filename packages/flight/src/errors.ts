/**
 * Errors that cross the wire. A face throws `FlightError` (or a core
 * `PaimonError`, mapped here) and the client sees the same status name back,
 * so tests and callers branch on `code` on both sides.
 */
import { status as GrpcStatus, Metadata, type ServiceError } from '@grpc/grpc-js';
import { PaimonError, type ErrorCode } from '@paimon-ts/core';

/** gRPC status names, as Flight uses them. */
export type FlightStatus = Exclude<keyof typeof GrpcStatus, number>;

export class FlightError extends Error {
  constructor(
    readonly code: FlightStatus,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FlightError';
  }

  /** The numeric gRPC status. */
  get grpcCode(): number {
    return GrpcStatus[this.code];
  }
}

/** Which gRPC status each core error becomes. */
const PAIMON_STATUS: Record<ErrorCode, FlightStatus> = {
  TABLE_NOT_FOUND: 'NOT_FOUND',
  DATABASE_NOT_FOUND: 'NOT_FOUND',
  SNAPSHOT_NOT_FOUND: 'NOT_FOUND',
  TAG_NOT_FOUND: 'NOT_FOUND',
  SCHEMA_NOT_FOUND: 'NOT_FOUND',
  FILE_NOT_FOUND: 'NOT_FOUND',
  CORRUPT_FILE: 'DATA_LOSS',
  UNSUPPORTED_FORMAT: 'UNIMPLEMENTED',
  UNSUPPORTED_VERSION: 'UNIMPLEMENTED',
  UNKNOWN_TYPE: 'INVALID_ARGUMENT',
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  INVALID_PREDICATE: 'INVALID_ARGUMENT',
  UNSUPPORTED: 'UNIMPLEMENTED',
  TABLE_ALREADY_EXISTS: 'ALREADY_EXISTS',
  DATABASE_ALREADY_EXISTS: 'ALREADY_EXISTS',
  DATABASE_NOT_EMPTY: 'FAILED_PRECONDITION',
  INVALID_OPTION: 'INVALID_ARGUMENT',
  INVALID_SCHEMA: 'INVALID_ARGUMENT',
  COMMIT_CONFLICT: 'ABORTED',
  // the snapshot is committed; what failed ran after it (e.g. a metastore update)
  COMMIT_CALLBACK_FAILED: 'INTERNAL',
};

/** Any thrown value as a FlightError (unknown failures are INTERNAL, with their message). */
export function toFlightError(e: unknown): FlightError {
  if (e instanceof FlightError) return e;
  if (e instanceof PaimonError) return new FlightError(PAIMON_STATUS[e.code] ?? 'INTERNAL', `${e.message} [${e.code}]`, { cause: e });
  const message = e instanceof Error ? e.message : String(e);
  return new FlightError('INTERNAL', message, { cause: e });
}

/** What grpc-js sends as the call's status. */
export function toServiceError(e: unknown): Partial<ServiceError> {
  const f = toFlightError(e);
  // grpc-js puts `details` into grpc-message; newlines are not allowed in a header value.
  return { code: f.grpcCode, details: f.message.replace(/[\r\n]+/g, ' '), metadata: new Metadata() };
}

/** A status received by the client, as a FlightError. */
export function fromServiceError(e: unknown): FlightError {
  if (e instanceof FlightError) return e;
  const se = e as Partial<ServiceError>;
  if (typeof se?.code === 'number' && GrpcStatus[se.code] !== undefined) {
    return new FlightError(GrpcStatus[se.code] as FlightStatus, se.details ?? se.message ?? '', { cause: e });
  }
  return toFlightError(e);
}
