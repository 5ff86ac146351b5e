/** Results as JSON and as a readable markdown report. */
import type { BenchConfig } from './config.js';
import type { MemoryPeaks } from './memory.js';
import type { ScenarioResult } from './scenarios.js';

export interface MachineFacts {
  date: string;
  hostname: string;
  platform: string;
  release: string;
  arch: string;
  cpus: number;
  cpuModel: string;
  totalMemoryBytes: number;
  node: string;
  v8: string;
  duckdb: string;
  duckdbThreads: string;
  duckdbNodeApi: string;
  apacheArrow: string;
  paimonCore: string;
  gitCommit: string | null;
  /** 1/5/15-minute load averages when the run started and ended: other work on the machine skews timings. */
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
}

export interface BenchReport {
  label: string;
  config: Omit<BenchConfig, 'keepTmp'>;
  machine: MachineFacts;
  scenarios: ScenarioResult[];
  totalSeconds: number;
}

export const fmtSec = (s: number) => (s < 0.1 ? `${(s * 1000).toFixed(1)} ms` : (s >= 100 ? s.toFixed(0) : s >= 10 ? s.toFixed(1) : s.toFixed(2)) + ' s');
/** Run times: in milliseconds when every run is under 0.1 s. */
const fmtRuns = (xs: number[]) => (xs.every((x) => x < 0.1) ? `runs (ms): ${xs.map((x) => (x * 1000).toFixed(1)).join(', ')}` : `runs (s): ${xs.map((x) => x.toFixed(2)).join(', ')}`);
export const fmtRate = (r: number) => (r >= 1e6 ? `${(r / 1e6).toFixed(2)} M` : `${(r / 1e3).toFixed(0)} k`) + ' rows/s';
export const fmtBytes = (b: number) =>
  b >= 1024 ** 3 ? `${(b / 1024 ** 3).toFixed(2)} GiB` : b >= 1024 ** 2 ? `${(b / 1024 ** 2).toFixed(b >= 10 * 1024 ** 2 ? 0 : 1)} MiB` : `${(b / 1024).toFixed(0)} KiB`;
const fmtInt = (n: number) => n.toLocaleString('en-US');

function fmtMemory(m: MemoryPeaks | null | undefined): string {
  if (!m) return 'n/a';
  return `peak RSS ${fmtBytes(m.peakRss)} (${m.peakRssSource}; ${fmtBytes(m.rssAtStart)} at start, ${fmtBytes(m.rssAtEnd)} after, post-GC), peak arrayBuffers ${fmtBytes(m.peakArrayBuffers)}, peak heapUsed ${fmtBytes(m.peakHeapUsed)} (sampled)`;
}

function fmtValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? fmtInt(v) : v.toPrecision(3);
  return String(v);
}

export function toMarkdown(report: BenchReport): string {
  const { machine: m, config: c } = report;
  const lines: string[] = [];
  lines.push(`# paimon-ts benchmark: ${report.label}`);
  lines.push('');
  lines.push(
    `${m.date} · ${m.cpus} × ${m.cpuModel} · ${fmtBytes(m.totalMemoryBytes)} RAM · ${m.platform} ${m.release} ${m.arch} · Node ${m.node} · ` +
      `DuckDB ${m.duckdb} (${m.duckdbThreads} threads, @duckdb/node-api ${m.duckdbNodeApi}) · apache-arrow ${m.apacheArrow} · @paimon-ts/core ${m.paimonCore}` +
      (m.gitCommit ? ` (commit ${m.gitCommit.slice(0, 10)}, working tree may have local changes)` : ''),
  );
  const la = (xs: number[] | undefined) => (xs ? xs.map((x) => x.toFixed(2)).join('/') : '?');
  lines.push('');
  lines.push(`Load average (1/5/15 min) at start ${la(m.loadAverageAtStart)}, at end ${la(m.loadAverageAtEnd)} (the machine's other work, if any, skews timings; the bench itself adds about 1 to 2).`);
  lines.push('');
  lines.push(`Rows ${fmtInt(c.rows)} · upsert keys ${fmtInt(c.keys)} · batch ${fmtInt(c.batchRows)} rows · reads: median of ${c.readRepeat}${c.quick ? ' · quick mode' : ''}. ` + 'Ratio = paimon-ts time / DuckDB time (2.0× = paimon-ts takes twice as long). Measurements, not assertions.');
  lines.push('');
  lines.push('| Scenario | Rows | paimon-ts | DuckDB | Ratio (time) | Scenario wall |');
  lines.push('|---|---:|---:|---:|---:|---:|');
  for (const s of report.scenarios) {
    const o = s.ours ? `${fmtSec(s.ours.seconds)} · ${fmtRate(s.ours.rowsPerSec)}` : '–';
    const d = s.duckdb ? `${fmtSec(s.duckdb.seconds)} · ${fmtRate(s.duckdb.rowsPerSec)}` : '–';
    const ratio = s.ratio !== null ? `${s.ratio.toFixed(1)}×` : s.error ? 'error' : '–';
    lines.push(`| ${s.title} | ${fmtInt(s.rows)} | ${o} | ${d} | ${ratio} | ${fmtSec(s.wallSeconds)} |`);
  }
  lines.push('');
  lines.push(`Total ${fmtSec(report.totalSeconds)}.`);
  lines.push('');
  lines.push('## Details');
  for (const s of report.scenarios) {
    lines.push('');
    lines.push(`### ${s.title}`);
    lines.push('');
    if (s.error) lines.push(`- **error**: ${s.error}`);
    if (s.ours) {
      lines.push(`- paimon-ts timed: ${s.ours.timed}`);
      const d = s.ours.detail;
      const extra: string[] = [];
      if (typeof d['writeCallsSeconds'] === 'number') extra.push(`write() ${fmtSec(d['writeCallsSeconds'] as number)}, commit() ${fmtSec(d['commitSeconds'] as number)}`);
      if (Array.isArray(d['perCommitSeconds'])) extra.push(`per commit (s): ${(d['perCommitSeconds'] as number[]).join(', ')}`);
      if (typeof d['dataFiles'] === 'number') extra.push(`${d['dataFiles']} data files, ${fmtBytes(d['dataBytes'] as number)}`);
      if (typeof d['readBackSeconds'] === 'number')
        extra.push(`read back (merge-on-read of ${fmtInt(d['storedRows'] as number)} stored rows to ${fmtInt(d['readBackRows'] as number)}) ${fmtSec(d['readBackSeconds'] as number)} · ${fmtRate(d['readBackStoredRowsPerSec'] as number)} of stored rows`);
      if (Array.isArray(d['runsSeconds'])) extra.push(fmtRuns(d['runsSeconds'] as number[]));
      if (Array.isArray(d['writeSecondsPerCommit']))
        extra.push(`setup (untimed): write per commit (s) ${(d['writeSecondsPerCommit'] as number[]).join(', ')}, ${fmtBytes(d['mergedBytes'] as number)}; full compaction of the copy ${fmtSec(d['fullCompactionSeconds'] as number)}, ${fmtBytes(d['compactedBytes'] as number)}`);
      if (extra.length) lines.push(`  - ${extra.join(' · ')}`);
      const mem = (d['memory'] ?? d['memoryFirstRun'] ?? d['writeMemory']) as MemoryPeaks | null | undefined;
      if (mem) lines.push(`  - memory: ${fmtMemory(mem)}`);
    }
    if (s.duckdb) {
      lines.push(`- DuckDB timed: ${s.duckdb.timed}`);
      const d = s.duckdb.detail;
      const extra: string[] = [];
      if (typeof d['loadSecondsUntimed'] === 'number') extra.push(`source table load (Appender, untimed) ${fmtSec(d['loadSecondsUntimed'] as number)}`);
      if (typeof d['dedupeSeconds'] === 'number') extra.push(`dedupe ${fmtSec(d['dedupeSeconds'] as number)}, COPY ${fmtSec(d['copySeconds'] as number)}`);
      if (typeof d['dataBytes'] === 'number') extra.push(`Parquet ${fmtBytes(d['dataBytes'] as number)}`);
      if (Array.isArray(d['runsSeconds'])) extra.push(fmtRuns(d['runsSeconds'] as number[]));
      if (typeof d['unmergedSeconds'] === 'number' && s.ours)
        extra.push(
          `(b) read_parquet over the uncompacted table's live files, no merge: ${fmtSec(d['unmergedSeconds'] as number)} (${fmtRuns(d['unmergedRunsSeconds'] as number[])}); (a)/(b) ${(s.ours.seconds / (d['unmergedSeconds'] as number)).toFixed(2)}×, (b)/(c) ${((d['unmergedSeconds'] as number) / s.duckdb.seconds).toFixed(2)}×`,
        );
      if (typeof d['paimonScanCompactedSeconds'] === 'number')
        extra.push(
          `(d) paimon_scan over the compacted copy: ${fmtSec(d['paimonScanCompactedSeconds'] as number)} (${fmtRuns(d['paimonScanCompactedRunsSeconds'] as number[])}); (d)/(c) ${((d['paimonScanCompactedSeconds'] as number) / s.duckdb.seconds).toFixed(2)}×`,
        );
      if (extra.length) lines.push(`  - ${extra.join(' · ')}`);
      if (d['memory']) lines.push(`  - memory: ${fmtMemory(d['memory'] as MemoryPeaks)}`);
    }
    const checks = Object.entries(s.checks);
    if (checks.length) lines.push(`- checks: ${checks.map(([k, v]) => `${k} ${fmtValue(v)}`).join(' · ')}`);
    for (const n of s.notes) lines.push(`- ${n}`);
  }
  lines.push('');
  return lines.join('\n');
}
