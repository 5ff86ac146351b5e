/**
 * Prepared statements: an opaque random handle per `CreatePreparedStatement`,
 * holding the query text; dropped by `ClosePreparedStatement` or after an
 * idle timeout (each use resets it, as the Flight SQL spec asks).
 */
import { randomBytes } from 'node:crypto';
import { FlightError } from '@paimon-ts/flight';

interface Entry {
  sql: string;
  lastUsed: number;
}

export class PreparedStatements {
  private readonly entries = new Map<string, Entry>();
  private readonly timer: NodeJS.Timeout;

  constructor(readonly idleTimeoutMs: number) {
    this.timer = setInterval(() => this.expire(), Math.max(1000, Math.min(idleTimeoutMs, 60_000)));
    this.timer.unref();
  }

  create(sql: string): Buffer {
    const handle = randomBytes(16);
    this.entries.set(handle.toString('hex'), { sql, lastUsed: Date.now() });
    return handle;
  }

  /** The query of a handle (and marks it used); NOT_FOUND when closed, expired or never made here. */
  sql(handle: Uint8Array): string {
    const entry = this.entries.get(Buffer.from(handle).toString('hex'));
    if (!entry) throw new FlightError('NOT_FOUND', 'unknown prepared statement handle (closed, expired, or created by another server)');
    entry.lastUsed = Date.now();
    return entry.sql;
  }

  close(handle: Uint8Array): void {
    if (!this.entries.delete(Buffer.from(handle).toString('hex'))) {
      throw new FlightError('NOT_FOUND', 'unknown prepared statement handle (already closed or expired)');
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private expire(): void {
    const cutoff = Date.now() - this.idleTimeoutMs;
    for (const [k, e] of this.entries) if (e.lastUsed < cutoff) this.entries.delete(k);
  }

  dispose(): void {
    clearInterval(this.timer);
    this.entries.clear();
  }
}
