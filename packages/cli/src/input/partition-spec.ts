/** `--partition col=value` flags as a partition spec (values stay text; core types them by column). */
import { PaimonError } from '@paimon-ts/core';

export function partitionSpec(pairs: readonly string[]): Record<string, string> | undefined {
  if (pairs.length === 0) return undefined;
  const spec: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? '' : pair.slice(0, eq).trim();
    if (key === '') throw new PaimonError('INVALID_ARGUMENT', `--partition expects column=value, got ${JSON.stringify(pair)}`);
    if (key in spec) throw new PaimonError('INVALID_ARGUMENT', `--partition names ${key} twice`);
    spec[key] = pair.slice(eq + 1);
  }
  return spec;
}
