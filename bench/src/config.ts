/** Benchmark size and knobs, from command-line flags and BENCH_* environment variables. */

export type ScenarioName = 'append' | 'upsert' | 'read' | 'duckdb' | 'lsm';
export const ALL_SCENARIOS: ScenarioName[] = ['append', 'upsert', 'read', 'duckdb', 'lsm'];

export interface BenchConfig {
  quick: boolean;
  /** Rows written by the append and upsert scenarios. */
  rows: number;
  /** Key space of the upsert scenario (ids drawn uniformly from [0, keys)). */
  keys: number;
  /** Rows per generated Arrow batch; also rows per commit in the upsert scenario. */
  batchRows: number;
  /** Runs of each read; the median is reported. */
  readRepeat: number;
  /** DuckDB `threads` setting; null = DuckDB's default (all cores). */
  duckdbThreads: number | null;
  scenarios: ScenarioName[];
  /** Keep the temp dir with tables and Parquet files (for inspection). */
  keepTmp: boolean;
  /** Profile the paimon-ts sections (no result files are written then). */
  profile: boolean;
  /** paimon-ts only, no DuckDB baseline. */
  skipDuckDB: boolean;
  /** Name of this run's result files besides latest.*: quick, or rows-<N>-keys-<K>. */
  label: string;
}

const USAGE = `usage: npm run bench [-- --quick]

  --quick            200k rows / 20k keys / 50k-row batches (or BENCH_QUICK=1)
  BENCH_ROWS         rows to write (default 10000000; underscores allowed)
  BENCH_KEYS         distinct keys of the upsert scenario (default 1000000)
  BENCH_BATCH        rows per Arrow batch and per upsert commit (default 1000000)
  BENCH_READ_REPEAT  runs of each read, median reported (default 3)
  BENCH_DUCKDB_THREADS  DuckDB threads (default: DuckDB's own, all cores)
  BENCH_ONLY         comma list of scenarios: append,upsert,read,duckdb,lsm (read also writes the append table;
                     duckdb = paimon_scan over a 3-run PK table vs read_parquet, keys from BENCH_KEYS)
  BENCH_LSM_ROWS, BENCH_LSM_KEYS, BENCH_LSM_BATCH  the lsm scenario: upserts with inline compaction
                     (default 1000000 rows over 100000 keys, 50000 rows per commit; quick: 100k / 10k / 10k)
  BENCH_KEEP_TMP=1   keep the temp dir with the written tables
  BENCH_PROFILE=1    CPU-profile the paimon-ts sections into bench/results/profiles/ and print a
                     self-time summary (result files are not written in this mode)
  BENCH_SKIP_DUCKDB=1  paimon-ts only
  BENCH_LABEL        name of the result files besides latest.* (default quick or rows-N-keys-K)`;

export function intEnv(name: string): number | null {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return null;
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name}=${raw} is not a positive integer`);
  return n;
}

export function parseConfig(argv: string[]): BenchConfig {
  for (const a of argv) {
    if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    if (a !== '--quick') throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  const quick = argv.includes('--quick') || ['1', 'true', 'yes'].includes((process.env['BENCH_QUICK'] ?? '').toLowerCase());
  const rows = intEnv('BENCH_ROWS') ?? (quick ? 200_000 : 10_000_000);
  const keys = intEnv('BENCH_KEYS') ?? (quick ? 20_000 : 1_000_000);
  const batchRows = intEnv('BENCH_BATCH') ?? (quick ? 50_000 : 1_000_000);
  const readRepeat = intEnv('BENCH_READ_REPEAT') ?? 3;
  const duckdbThreads = intEnv('BENCH_DUCKDB_THREADS');
  const only = (process.env['BENCH_ONLY'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of only) if (!ALL_SCENARIOS.includes(s as ScenarioName)) throw new Error(`BENCH_ONLY: unknown scenario ${s} (${ALL_SCENARIOS.join(', ')})`);
  const scenarios = only.length ? ALL_SCENARIOS.filter((s) => only.includes(s)) : ALL_SCENARIOS;
  const isDefault = !quick && rows === 10_000_000 && keys === 1_000_000;
  const label = process.env['BENCH_LABEL'] || (quick && intEnv('BENCH_ROWS') === null && intEnv('BENCH_KEYS') === null ? 'quick' : isDefault ? 'full' : `rows-${rows}-keys-${keys}`);
  if (!/^[\w.-]+$/.test(label)) throw new Error(`BENCH_LABEL=${label}: use letters, digits, '.', '-', '_'`);
  return {
    quick,
    rows,
    keys,
    batchRows,
    readRepeat,
    duckdbThreads,
    scenarios,
    keepTmp: process.env['BENCH_KEEP_TMP'] === '1',
    profile: process.env['BENCH_PROFILE'] === '1',
    skipDuckDB: process.env['BENCH_SKIP_DUCKDB'] === '1',
    label,
  };
}
