/**
 * One error type for the whole library. `code` is stable (tests and callers
 * branch on it); the message names what was wrong and where (table, snapshot,
 * file, field).
 */
export type ErrorCode =
  | 'TABLE_NOT_FOUND'
  | 'DATABASE_NOT_FOUND'
  | 'SNAPSHOT_NOT_FOUND'
  | 'TAG_NOT_FOUND'
  | 'SCHEMA_NOT_FOUND'
  | 'FILE_NOT_FOUND'
  | 'CORRUPT_FILE'
  | 'UNSUPPORTED_FORMAT'
  | 'UNSUPPORTED_VERSION'
  | 'UNKNOWN_TYPE'
  | 'INVALID_ARGUMENT'
  | 'INVALID_PREDICATE'
  | 'UNSUPPORTED'
  | 'TABLE_ALREADY_EXISTS'
  | 'DATABASE_ALREADY_EXISTS'
  | 'DATABASE_NOT_EMPTY'
  | 'INVALID_OPTION'
  | 'INVALID_SCHEMA'
  | 'COMMIT_CONFLICT'
  | 'COMMIT_CALLBACK_FAILED';

export class PaimonError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PaimonError';
    this.code = code;
  }
}

/** Wraps any failure while decoding `file` as CORRUPT_FILE, keeping PaimonErrors as they are. */
export function corruptFile(file: string, what: string, cause?: unknown): PaimonError {
  if (cause instanceof PaimonError) return cause;
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return new PaimonError('CORRUPT_FILE', `${what} ${file} is corrupt or truncated${detail}`, { cause });
}
