/**
 * Failures talking to a Hive Metastore. Catalog-level outcomes that the
 * `Catalog` interface names (a missing table, a table that already exists)
 * are PaimonErrors with core's codes; everything about the metastore itself
 * (unreachable, slow, speaking another protocol, raising an exception) is a
 * HiveMetastoreError with one of these stable codes.
 */
export type HiveMetastoreErrorCode =
  /** Could not connect (refused, unknown host, connect timeout). */
  | 'HMS_UNAVAILABLE'
  /** Connected, but no reply within the request timeout. */
  | 'HMS_TIMEOUT'
  /** The connection dropped while a call was in flight. */
  | 'HMS_CONNECTION_LOST'
  /** The metastore answered with a SASL frame: it requires Kerberos/SASL, which this client does not speak. */
  | 'HMS_SASL_REQUIRED'
  /** The reply was not a Thrift binary message for this call (wrong transport, not a metastore, corrupt bytes). */
  | 'HMS_PROTOCOL'
  /** The metastore raised an exception (MetaException, NoSuchObjectException, ...; see `exceptionType`). */
  | 'HMS_EXCEPTION'
  /** A table lock was not granted within `lock-acquire-timeout`. */
  | 'HMS_LOCK_TIMEOUT'
  /** A `thrift://host:port` URI that cannot be used. */
  | 'HMS_INVALID_URI';

export class HiveMetastoreError extends Error {
  readonly code: HiveMetastoreErrorCode;
  /** For HMS_EXCEPTION: the Thrift exception's name, e.g. `MetaException` or `TApplicationException`. */
  readonly exceptionType: string | undefined;
  /** The metastore call that failed, e.g. `create_table`. */
  readonly method: string | undefined;

  constructor(
    code: HiveMetastoreErrorCode,
    message: string,
    options: { cause?: unknown; exceptionType?: string; method?: string } = {},
  ) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'HiveMetastoreError';
    this.code = code;
    this.exceptionType = options.exceptionType;
    this.method = options.method;
  }

  /** True for a metastore exception of the given Thrift type. */
  is(exceptionType: string): boolean {
    return this.code === 'HMS_EXCEPTION' && this.exceptionType === exceptionType;
  }
}

/**
 * A declared exception to raise from a metastore handler (the test server's
 * side of HMS_EXCEPTION): `type` names an exception in the IDL.
 */
export class MetastoreException extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}
