/**
 * In-process CPU profiling of the paimon-ts sections only (BENCH_PROFILE=1):
 * the V8 profiler is started and stopped around each section through
 * node:inspector, so DuckDB work and setup of other sections stay out of it.
 * Profiles are written as .cpuprofile files (open them in Chrome DevTools)
 * and summarized by self time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { summarize, type CpuProfile } from './profile-summary.js';

export class SectionProfiler {
  private session: Session | null = null;
  readonly summaries: { section: string; file: string; summary: string }[] = [];

  constructor(
    private readonly dir: string,
    private readonly top = 20,
  ) {}

  async start(): Promise<void> {
    if (this.session) throw new Error('profiler already running');
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 500 });
    await session.post('Profiler.start');
    this.session = session;
  }

  async stop(section: string): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.session = null;
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
    session.disconnect();
    mkdirSync(this.dir, { recursive: true });
    const file = join(this.dir, `${section}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    this.summaries.push({ section, file, summary: summarize(profile, this.top) });
  }

  /** Runs `fn` profiled as `section` (no-op wrapper when the profiler is null). */
  static async around<T>(p: SectionProfiler | null, section: string, fn: () => Promise<T>): Promise<T> {
    if (!p) return fn();
    await p.start();
    try {
      return await fn();
    } finally {
      await p.stop(section);
    }
  }
}
