/**
 * Errors inside the ORC decoder. Low-level decoders throw OrcFormatError
 * (garbled or truncated bytes) or PaimonError('UNSUPPORTED_FORMAT'); the
 * public entry points turn everything into a PaimonError naming the file.
 */
import { PaimonError, corruptFile } from '../../errors.js';

export class OrcFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OrcFormatError';
  }
}

export function unsupported(message: string): PaimonError {
  return new PaimonError('UNSUPPORTED_FORMAT', message);
}

/** Any failure while decoding `fileName` as a PaimonError that names the file. */
export function orcError(fileName: string, cause: unknown): PaimonError {
  if (cause instanceof PaimonError) {
    if (cause.message.includes(fileName)) return cause;
    return new PaimonError(cause.code, `ORC file ${fileName}: ${cause.message}`, { cause });
  }
  return corruptFile(fileName, 'ORC file', cause);
}

/** Runs `fn`, rethrowing any failure as a PaimonError naming `fileName`. */
export function guarded<T>(fileName: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw orcError(fileName, e);
  }
}
