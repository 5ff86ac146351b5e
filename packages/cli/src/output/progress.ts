/** A progress bar on stderr, only when a person is watching (a TTY) and the work is long enough to show. */
import cliProgress from 'cli-progress';

export class Progress {
  private bar: cliProgress.SingleBar | null = null;

  constructor(label: string, total: number, unit: string, worthShowing = total >= 2) {
    if (!process.stderr.isTTY || !worthShowing) return;
    this.bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {value}/{total} ${unit}`, stream: process.stderr, clearOnComplete: true, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(total, 0);
  }

  update(done: number): void {
    this.bar?.update(done);
  }

  stop(): void {
    this.bar?.stop();
  }
}
