/**
 * Writer time zones of ORC TIMESTAMP columns.
 *
 * ORC stores a TIMESTAMP as seconds since 2015-01-01 00:00:00 *in the writer's
 * time zone* (StripeFooter.writerTimezone) plus nanoseconds. Java ORC writes
 * the epoch instant of the wall-clock value as seen in that zone (Paimon hands
 * it `Timestamp.valueOf(localDateTime)`), and Paimon reads it back as that
 * wall clock. So the wall clock, read with UTC semantics, is
 *   instant = seconds + base(zone);  wallClock = instant + offset(zone, instant)
 * which for UTC and any zone whose offset did not change since 2015-01-01 is
 * simply seconds + 1420070400. TIMESTAMP_INSTANT always uses the UTC base.
 */

/** 2015-01-01 00:00:00 UTC in seconds since the epoch. */
export const ORC_EPOCH_SECONDS = 1420070400;

/** Maps the instant (epoch seconds) of a value to its wall clock as epoch seconds with UTC semantics. */
export interface ZoneConverter {
  /** Epoch second of 2015-01-01 00:00:00 in the zone. */
  readonly base: number;
  /** Offset (seconds) of the zone at an instant. */
  offset(instant: number): number;
}

const FIXED = /^(?:UTC|GMT|Z|Etc\/UTC|Etc\/GMT|Etc\/UCT|UCT|Etc\/Universal|Universal|Etc\/Zulu|Zulu|Greenwich|Etc\/Greenwich)$/i;
const OFFSET = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i;

const cache = new Map<string, ZoneConverter | null>();

/** Null when the zone is UTC or a fixed offset (then the wall clock is seconds + ORC_EPOCH_SECONDS). */
export function zoneConverter(zone: string | undefined): ZoneConverter | null {
  if (!zone || FIXED.test(zone) || OFFSET.test(zone)) return null;
  if (cache.has(zone)) return cache.get(zone)!;
  let converter: ZoneConverter | null = null;
  try {
    converter = new IntlZone(zone);
  } catch {
    // Java falls back to GMT for zone ids it does not know.
    converter = null;
  }
  cache.set(zone, converter);
  return converter;
}

class IntlZone implements ZoneConverter {
  readonly base: number;
  private readonly format: Intl.DateTimeFormat;
  /** Offsets per day and per 15 minutes of instants (NaN: not constant across it). */
  private readonly days = new Map<number, number>();
  private readonly quarters = new Map<number, number>();

  constructor(zone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    let base = ORC_EPOCH_SECONDS - this.exactOffset(ORC_EPOCH_SECONDS);
    base = ORC_EPOCH_SECONDS - this.exactOffset(base);
    this.base = base;
  }

  private exactOffset(instant: number): number {
    const ms = instant * 1000;
    if (!(Math.abs(ms) <= 8.64e15)) return 0;
    let year = 0;
    let month = 1;
    let day = 1;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let bc = false;
    for (const p of this.format.formatToParts(new Date(ms))) {
      switch (p.type) {
        case 'year':
          year = Number(p.value);
          break;
        case 'month':
          month = Number(p.value);
          break;
        case 'day':
          day = Number(p.value);
          break;
        case 'hour':
          hour = Number(p.value);
          break;
        case 'minute':
          minute = Number(p.value);
          break;
        case 'second':
          second = Number(p.value);
          break;
        case 'era':
          bc = p.value.startsWith('B');
          break;
      }
    }
    if (bc) year = 1 - year;
    const d = new Date(0);
    d.setUTCFullYear(year, month - 1, day);
    d.setUTCHours(hour, minute, second, 0);
    return Math.round(d.getTime() / 1000 - Math.floor(instant));
  }

  offset(instant: number): number {
    // Offsets change at most a few times a year: cache per day when the day
    // starts and ends with the same offset, else per 15 minutes, else exactly.
    const day = Math.floor(instant / 86400);
    let off = this.days.get(day);
    if (off === undefined) {
      const a = this.exactOffset(day * 86400);
      const b = this.exactOffset(day * 86400 + 86399);
      off = a === b ? a : NaN;
      if (this.days.size > MAX_CACHED) this.days.clear();
      this.days.set(day, off);
    }
    if (!Number.isNaN(off)) return off;
    const bucket = Math.floor(instant / 900);
    let q = this.quarters.get(bucket);
    if (q === undefined) {
      const a = this.exactOffset(bucket * 900);
      const b = this.exactOffset(bucket * 900 + 899);
      q = a === b ? a : NaN;
      if (this.quarters.size > MAX_CACHED) this.quarters.clear();
      this.quarters.set(bucket, q);
    }
    return Number.isNaN(q) ? this.exactOffset(instant) : q;
  }
}

const MAX_CACHED = 1 << 20;
