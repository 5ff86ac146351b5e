/** Parsing values from text (filters, CSV/JSON input): the inverse of value-format.ts. */

/** `[-]digits[.digits]` as an unscaled decimal of `scale`; more fraction digits than the scale is an error unless zeros. */
export function parseDecimalText(text: string, scale: number): bigint {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (!m || (m[2] === '' && !m[3])) throw new Error(`${JSON.stringify(text)} is not a decimal`);
  let int = m[2] || '0';
  let frac = m[3] ?? '';
  const exp = Number(m[4] ?? 0);
  if (exp > 0) {
    frac = frac.padEnd(exp, '0');
    int += frac.slice(0, exp);
    frac = frac.slice(exp);
  } else if (exp < 0) {
    int = int.padStart(-exp + 1, '0');
    frac = int.slice(exp) + frac;
    int = int.slice(0, exp);
  }
  if (frac.length > scale && /[1-9]/.test(frac.slice(scale))) throw new Error(`${text} has more than ${scale} fraction digits`);
  const v = BigInt(int + frac.padEnd(scale, '0').slice(0, scale));
  return m[1] === '-' ? -v : v;
}

/** `YYYY-MM-DD` as days since 1970-01-01. */
export function parseDateText(text: string): number {
  const m = /^\s*(-?\d{1,6})-(\d{1,2})-(\d{1,2})\s*$/.exec(text);
  if (!m) throw new Error(`${JSON.stringify(text)} is not a date (YYYY-MM-DD)`);
  const d = new Date(0);
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (d.getUTCMonth() !== Number(m[2]) - 1) throw new Error(`${JSON.stringify(text)} is not a valid date`);
  return Math.floor(d.getTime() / 86_400_000);
}

/** `YYYY-MM-DD[ HH:MM[:SS[.fraction]]]` (or with `T`) as a timestamp value of `precision` (values.ts). */
export function parseTimestampText(text: string, precision: number): bigint {
  const m = /^\s*(-?\d{1,6})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z)?\s*$/.exec(text);
  if (!m) throw new Error(`${JSON.stringify(text)} is not a timestamp (YYYY-MM-DD HH:MM:SS[.fraction])`);
  const days = parseDateText(`${m[1]}-${m[2]}-${m[3]}`);
  const millis = BigInt(days) * 86_400_000n + BigInt(((Number(m[4] ?? 0) * 60 + Number(m[5] ?? 0)) * 60 + Number(m[6] ?? 0)) * 1000);
  const nanos = BigInt((m[7] ?? '').padEnd(9, '0') || '0');
  if (precision <= 3) return millis + nanos / 1_000_000n;
  if (precision <= 6) return millis * 1000n + nanos / 1000n;
  return millis * 1_000_000n + nanos;
}
