/** Runs the built `paimon-ts` binary as a user would; never throws, returns output and exit code. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

export async function cli(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args]);
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}

export const jsonLines = (text: string): Record<string, unknown>[] =>
  text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
