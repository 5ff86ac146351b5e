/**
 * Bearer-token auth. Every call carries `authorization: Bearer <token>`;
 * Handshake also accepts the token as its payload, or as the password of
 * `authorization: Basic base64(user:token)` (what Flight's Java and C++
 * clients send), and answers with the bearer header to use from then on.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { Metadata } from '@grpc/grpc-js';
import { FlightError } from './errors.js';

export interface AuthOptions {
  /** Accepted tokens. */
  tokens?: string[];
  /** Decides any token the list does not hold. */
  verify?: (token: string) => boolean | Promise<boolean>;
}

/** Compares digests so neither the length nor the content leaks through timing. */
function sameToken(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}

export class Authenticator {
  private readonly tokens: string[];

  constructor(private readonly options: AuthOptions | undefined) {
    this.tokens = options?.tokens ?? [];
    if (options && this.tokens.length === 0 && !options.verify) {
      throw new FlightError('INVALID_ARGUMENT', 'auth needs at least one token or a verify hook');
    }
    if (this.tokens.some((t) => t.length === 0)) throw new FlightError('INVALID_ARGUMENT', 'auth tokens must not be empty');
  }

  get enabled(): boolean {
    return this.options !== undefined;
  }

  async accepts(token: string): Promise<boolean> {
    if (token === '') return false;
    let found = false;
    for (const t of this.tokens) found = sameToken(t, token) || found;
    if (found) return true;
    return this.options?.verify ? Boolean(await this.options.verify(token)) : false;
  }

  /** The verified token of a call, or null when auth is off; UNAUTHENTICATED otherwise. */
  async check(metadata: Metadata): Promise<string | null> {
    if (!this.enabled) return null;
    const token = bearerOf(metadata);
    if (token === null) throw new FlightError('UNAUTHENTICATED', 'missing "authorization: Bearer <token>" header');
    if (!(await this.accepts(token))) throw new FlightError('UNAUTHENTICATED', 'the bearer token is not accepted');
    return token;
  }

  /** Handshake: a bearer header, a Basic header's password, or the payload bytes. */
  async handshake(metadata: Metadata, payload: Buffer): Promise<string | null> {
    if (!this.enabled) return null;
    const candidates = [bearerOf(metadata), basicPasswordOf(metadata), payload.byteLength ? payload.toString('utf8') : null].filter((t): t is string => t !== null);
    if (candidates.length === 0) throw new FlightError('UNAUTHENTICATED', 'handshake carries no token (bearer header, basic header or payload)');
    for (const t of candidates) if (await this.accepts(t)) return t;
    throw new FlightError('UNAUTHENTICATED', 'the handshake token is not accepted');
  }
}

function headerOf(metadata: Metadata): string | null {
  const v = metadata.get('authorization')[0];
  return v === undefined ? null : Buffer.isBuffer(v) ? v.toString('utf8') : v;
}

export function bearerOf(metadata: Metadata): string | null {
  const m = /^Bearer\s+(.+)$/i.exec(headerOf(metadata) ?? '');
  return m ? m[1]!.trim() : null;
}

function basicPasswordOf(metadata: Metadata): string | null {
  const m = /^Basic\s+(.+)$/i.exec(headerOf(metadata) ?? '');
  if (!m) return null;
  const text = Buffer.from(m[1]!.trim(), 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? null : text.slice(colon + 1);
}
