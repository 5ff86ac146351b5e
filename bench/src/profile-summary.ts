/**
 * Summarizes V8 CPU profiles (`node --cpu-prof`): top functions by self time,
 * and self time per source (package or file).
 *
 *   node dist/profile-summary.js <file.cpuprofile | directory> [topN]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a function lives, short: a package name, a core source file, node internals, or V8 pseudo-frames. */
export function sourceOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native/V8 builtin)';
  if (url.startsWith('wasm://')) return 'wasm (parquet-wasm)';
  const u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = u.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const core = u.indexOf('/packages/core/dist/');
  if (core >= 0) return `@paimon-ts/core ${u.slice(core + '/packages/core/dist/'.length)}`;
  const bench = u.indexOf('/bench/dist/');
  if (bench >= 0) return `bench ${u.slice(bench + '/bench/dist/'.length)}`;
  if (u.startsWith('node:')) return 'node internals';
  return u;
}

function frameKey(f: CallFrame): string {
  const where = sourceOf(f.url, f.functionName);
  const name = f.functionName.length > 60 ? `${f.functionName.slice(0, 57)}...` : f.functionName;
  return `${name || '(anonymous)'}  [${where}${f.url ? `:${f.lineNumber + 1}` : ''}]`;
}

/** Library frames: where inclusive time is worth listing (paimon-ts core and the libraries it calls). */
function isLibraryFrame(f: CallFrame): boolean {
  const where = sourceOf(f.url, f.functionName);
  return where.startsWith('@paimon-ts/core') || where === 'parquet-wasm' || where === 'apache-arrow' || where === 'hyparquet' || where === 'avsc';
}

export function summarize(profile: CpuProfile, top = 25): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  let idle = 0;
  for (const [id, us] of self) if (byId.get(id)!.callFrame.functionName === '(idle)') idle += us;
  const total = [...self.values()].reduce((a, b) => a + b, 0) - idle;
  const fn = new Map<string, number>();
  const src = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    if (f.functionName === '(idle)') continue;
    const where = sourceOf(f.url, f.functionName);
    fn.set(frameKey(f), (fn.get(frameKey(f)) ?? 0) + us);
    src.set(where, (src.get(where) ?? 0) + us);
    // Inclusive: once per distinct library function on the stack (recursion counted once).
    const onStack = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const cf = byId.get(cur)!.callFrame;
      if (isLibraryFrame(cf)) onStack.add(frameKey(cf));
    }
    for (const k of onStack) inclusive.set(k, (inclusive.get(k) ?? 0) + us);
  }
  const fmt = (us: number) => `${(us / 1e6).toFixed(2).padStart(8)} s ${((100 * us) / total).toFixed(1).padStart(5)}%`;
  const lines = [
    `busy ${(total / 1e6).toFixed(2)} s sampled on the main thread (idle ${(idle / 1e6).toFixed(2)} s excluded)`,
    '',
    `top ${top} functions by self time (wasm-function[n] = parquet-wasm's compiled Rust, names stripped: Parquet encode/decode and zstd):`,
  ];
  for (const [k, us] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`${fmt(us)}  ${k}`);
  lines.push('', 'self time by source:');
  for (const [k, us] of [...src].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`${fmt(us)}  ${k}`);
  lines.push('', `top ${top} library functions by inclusive time (self + callees; async callers are undercounted: a stack ends at the last await):`);
  for (const [k, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`${fmt(us)}  ${k}`);
  return lines.join('\n');
}

function main(): void {
  const [target, topArg] = process.argv.slice(2);
  if (!target) {
    console.error('usage: node dist/profile-summary.js <file.cpuprofile | directory> [topN]');
    process.exit(2);
  }
  const files = statSync(target).isDirectory()
    ? readdirSync(target).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(target, f))
    : [target];
  for (const f of files) {
    console.log(`== ${f}`);
    console.log(summarize(JSON.parse(readFileSync(f, 'utf8')) as CpuProfile, Number(topArg ?? 25)));
    console.log('');
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
