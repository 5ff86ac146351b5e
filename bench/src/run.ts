/**
 * `npm run bench` (root): runs the scenarios, prints a markdown table and
 * writes results/latest.{json,md} plus results/<label>.{json,md}.
 * Progress goes to stderr; the report to stdout.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, hostname, loadavg, release, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { version as duckdbApiVersion } from '@duckdb/node-api';
import { parseConfig, type BenchConfig } from './config.js';
import { openDuck, queryRow } from './duck.js';
import { collectGarbage } from './memory.js';
import { toMarkdown, type BenchReport, type MachineFacts } from './report.js';
import { SectionProfiler } from './profiler.js';
import { duckdbScan } from './duckdb-scan.js';
import { lsmWrite } from './lsm.js';
import { appendWrite, emptyResult, finish, fullRead, upsertWrite, type BenchContext, type ScenarioResult, type WriteScenario } from './scenarios.js';

const benchDir = dirname(dirname(fileURLToPath(import.meta.url)));
const resultsDir = join(benchDir, 'results');

function packageVersion(specifier: string): string {
  try {
    let dir = dirname(fileURLToPath(import.meta.resolve(specifier)));
    for (;;) {
      const pj = join(dir, 'package.json');
      if (existsSync(pj)) {
        const p = JSON.parse(readFileSync(pj, 'utf8')) as { name?: string; version?: string };
        if (p.name === specifier) return p.version ?? '?';
      }
      const up = dirname(dir);
      if (up === dir) return '?';
      dir = up;
    }
  } catch {
    return '?';
  }
}

async function machineFacts(cfg: BenchConfig): Promise<MachineFacts> {
  const duck = await openDuck(cfg);
  let duckdb = '?';
  let threads = '?';
  try {
    const [v, t] = await queryRow(duck.conn, "SELECT version(), current_setting('threads')");
    duckdb = String(v);
    threads = String(t);
  } finally {
    duck.close();
  }
  let gitCommit: string | null = null;
  try {
    gitCommit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: benchDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    gitCommit = null;
  }
  const cpuList = cpus();
  return {
    date: new Date().toISOString(),
    hostname: hostname(),
    platform: process.platform,
    release: release(),
    arch: process.arch,
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model.trim() ?? '?',
    totalMemoryBytes: totalmem(),
    node: process.version,
    v8: process.versions.v8,
    duckdb,
    duckdbThreads: threads,
    duckdbNodeApi: duckdbApiVersion(),
    apacheArrow: packageVersion('apache-arrow'),
    paimonCore: packageVersion('@paimon-ts/core'),
    gitCommit,
    loadAverageAtStart: loadavg(),
  };
}

async function main(): Promise<void> {
  const cfg = parseConfig(process.argv.slice(2));
  const tmp = mkdtempSync(join(tmpdir(), 'paimon-bench-'));
  const cleanup = () => {
    if (cfg.keepTmp) process.stderr.write(`kept ${tmp}\n`);
    else rmSync(tmp, { recursive: true, force: true });
  };
  const onSignal = (sig: NodeJS.Signals) => {
    cleanup();
    process.stderr.write(`\ninterrupted (${sig}); temp dir removed\n`);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const t0 = performance.now();
  const log = (msg: string) => process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${msg}\n`);
  const profiler = cfg.profile ? new SectionProfiler(join(resultsDir, 'profiles')) : null;
  const ctx: BenchContext = { cfg, tmp, warehouse: join(tmp, 'warehouse'), profiler, skipDuckDB: cfg.skipDuckDB, log };
  log(`rows ${cfg.rows}, keys ${cfg.keys}, batch ${cfg.batchRows}, scenarios ${cfg.scenarios.join(',')}, temp dir ${tmp}`);
  const scenarios: ScenarioResult[] = [];
  try {
    const machine = await machineFacts(cfg);
    const failed = (r: ScenarioResult, phase: string, e: unknown) => {
      const err = e as Error;
      log(`${r.id} (${phase}) failed: ${err.stack ?? err.message}`);
      r.error = `${r.error ? `${r.error}; ` : ''}${phase}: ${err.name}: ${err.message}`;
    };
    const phase = async (s: WriteScenario | null, which: 'ours' | 'duck') => {
      if (!s) return;
      collectGarbage();
      const t = performance.now();
      try {
        await s[which]();
      } catch (e) {
        failed(s.result, which === 'ours' ? 'paimon-ts' : 'DuckDB', e);
      }
      s.result.wallSeconds += (performance.now() - t) / 1000;
    };
    const wants = (s: string) => cfg.scenarios.includes(s as never);
    // Every paimon-ts phase first, then every DuckDB phase: DuckDB's allocator keeps
    // memory resident after its tables are dropped, which would blur our RSS numbers.
    const append = wants('append') || wants('read') ? appendWrite(ctx) : null;
    const upsert = wants('upsert') ? upsertWrite(ctx) : null;
    const duckScan = wants('duckdb') && !cfg.skipDuckDB ? duckdbScan(ctx) : null;
    const lsm = wants('lsm') ? lsmWrite(ctx) : null;
    await phase(append, 'ours');
    await phase(upsert, 'ours');
    await phase(duckScan, 'ours');
    await phase(lsm, 'ours');
    if (!cfg.skipDuckDB) {
      await phase(wants('append') ? append : null, 'duck');
      await phase(upsert, 'duck');
      await phase(lsm, 'duck');
    }
    if (append && wants('append')) scenarios.push(finish(append.result));
    if (upsert) scenarios.push(finish(upsert.result));
    if (lsm) scenarios.push(finish(lsm.result));
    if (wants('read')) {
      collectGarbage();
      try {
        scenarios.push(...(await fullRead(ctx)));
      } catch (e) {
        const r = emptyResult('read', '3. Full-table read', cfg.rows);
        failed(r, 'read', e);
        scenarios.push(r);
      }
    }
    // The DuckDB-integration scenario's queries run last: its write and compaction ran with the
    // other paimon-ts phases, before any DuckDB instance held memory.
    await phase(duckScan?.result.error ? null : duckScan, 'duck');
    if (duckScan) scenarios.push(finish(duckScan.result));

    machine.loadAverageAtEnd = loadavg();
    const report: BenchReport = {
      label: cfg.label,
      config: { quick: cfg.quick, rows: cfg.rows, keys: cfg.keys, batchRows: cfg.batchRows, readRepeat: cfg.readRepeat, duckdbThreads: cfg.duckdbThreads, scenarios: cfg.scenarios, label: cfg.label, profile: cfg.profile, skipDuckDB: cfg.skipDuckDB },
      machine,
      scenarios,
      totalSeconds: (performance.now() - t0) / 1000,
    };
    const md = toMarkdown(report);
    const json = JSON.stringify(report, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n';
    process.stdout.write(md);
    if (profiler) {
      for (const p of profiler.summaries) process.stdout.write(`\n## CPU profile: ${p.section} (${p.file})\n\n\`\`\`\n${p.summary}\n\`\`\`\n`);
      log('profiled run: timings include profiler overhead, so no result files were written');
    } else {
      mkdirSync(resultsDir, { recursive: true });
      for (const name of ['latest', cfg.label]) {
        writeFileSync(join(resultsDir, `${name}.json`), json);
        writeFileSync(join(resultsDir, `${name}.md`), md);
      }
      log(`wrote ${join(resultsDir, 'latest.json')}, latest.md, ${cfg.label}.json, ${cfg.label}.md`);
    }
    if (scenarios.some((s) => s.error)) process.exitCode = 1;
  } finally {
    cleanup();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
