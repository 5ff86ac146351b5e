/**
 * Peak memory of a measured section. Peak RSS comes from the kernel's
 * high-water mark (VmHWM in /proc/self/status), reset at the start of the
 * section by writing 5 to /proc/self/clear_refs, so it catches peaks inside
 * long synchronous calls (e.g. a Parquet encode) that a timer cannot see.
 * Where that reset is not allowed, the sampled RSS peak is all we have.
 * `arrayBuffers` and `heapUsed` can only be sampled (timer + explicit calls).
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface MemoryPeaks {
  /** RSS when the section started, bytes. */
  rssAtStart: number;
  /** Peak RSS during the section (kernel high-water mark when available), bytes. */
  peakRss: number;
  peakRssSource: 'VmHWM' | 'sampled';
  /** Peak of process.memoryUsage().arrayBuffers seen by sampling, bytes. */
  peakArrayBuffers: number;
  /** Peak of process.memoryUsage().heapUsed seen by sampling, bytes. */
  peakHeapUsed: number;
  /** RSS after the section, after a full GC: what stays resident (e.g. a grown WebAssembly memory never shrinks). */
  rssAtEnd: number;
  samples: number;
}

function vmHwm(): number | null {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function resetHwm(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

export class MemoryTracker {
  private readonly rssAtStart: number;
  private readonly hwmReset: boolean;
  private peakRss = 0;
  private peakArrayBuffers = 0;
  private peakHeapUsed = 0;
  private samples = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 20) {
    collectGarbage();
    this.rssAtStart = process.memoryUsage.rss();
    this.hwmReset = resetHwm();
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): void {
    const m = process.memoryUsage();
    this.samples++;
    if (m.rss > this.peakRss) this.peakRss = m.rss;
    if (m.arrayBuffers > this.peakArrayBuffers) this.peakArrayBuffers = m.arrayBuffers;
    if (m.heapUsed > this.peakHeapUsed) this.peakHeapUsed = m.heapUsed;
  }

  stop(): MemoryPeaks {
    clearInterval(this.timer);
    this.sample();
    const hwm = this.hwmReset ? vmHwm() : null;
    collectGarbage();
    return {
      rssAtEnd: process.memoryUsage.rss(),
      rssAtStart: this.rssAtStart,
      peakRss: hwm !== null ? Math.max(hwm, this.peakRss) : this.peakRss,
      peakRssSource: hwm !== null ? 'VmHWM' : 'sampled',
      peakArrayBuffers: this.peakArrayBuffers,
      peakHeapUsed: this.peakHeapUsed,
      samples: this.samples,
    };
  }
}
