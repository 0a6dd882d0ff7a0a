/**
 * Progress of a long job on stderr: a redrawn bar on a terminal, and a JSON line every few
 * seconds otherwise (logs, CI), so the job is never silent and never floods.
 *
 *   BTCUSDT-aggTrades-2025-11-24.zip [###########.........]  55%  1,204,331 ticks  412k ticks/s  ETA 3s
 *   {"level":"info","msg":"replay progress","file":"...","percent":55,"ticks":1204331,"ticksPerSec":412000}
 */
import { log } from '../log';

export interface ProgressOptions {
  label: string;
  /** Total bytes (or 0 when unknown). */
  total: number;
  /** Where to draw; default process.stderr. */
  stream?: NodeJS.WriteStream;
  /** Redraw interval on a TTY, and JSON line interval otherwise. */
  ttyIntervalMs?: number;
  lineIntervalMs?: number;
}

export class Progress {
  private readonly started = Date.now();
  private lastDraw = 0;
  private readonly tty: boolean;
  private readonly out: NodeJS.WriteStream;

  constructor(private readonly o: ProgressOptions) {
    this.out = o.stream ?? process.stderr;
    this.tty = Boolean(this.out.isTTY);
    this.lastDraw = this.tty ? 0 : this.started;
  }

  /** Reports `done` bytes and `ticks` so far; draws when the interval has passed. */
  update(done: number, ticks: number): void {
    const now = Date.now();
    if (now - this.lastDraw < (this.tty ? (this.o.ttyIntervalMs ?? 100) : (this.o.lineIntervalMs ?? 2_000))) return;
    this.lastDraw = now;
    this.draw(done, ticks, false);
  }

  /** Draws the final state (and ends the TTY line). */
  finish(done: number, ticks: number): void {
    this.draw(done, ticks, true);
  }

  private draw(done: number, ticks: number, final: boolean): void {
    const secs = Math.max(0.001, (Date.now() - this.started) / 1000);
    const frac = this.o.total > 0 ? Math.min(1, done / this.o.total) : final ? 1 : 0;
    const rate = Math.round(ticks / secs);
    const eta = frac > 0 && frac < 1 ? Math.round((secs / frac) * (1 - frac)) : 0;
    if (this.tty) {
      const width = 24;
      const filled = Math.round(frac * width);
      const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
      const line = `${this.o.label} [${bar}] ${String(Math.round(frac * 100)).padStart(3)}%  ${ticks.toLocaleString('en-US')} ticks  ${formatRate(rate)} ticks/s${final ? `  ${secs.toFixed(1)}s` : `  ETA ${eta}s`}`;
      this.out.write(`\r\x1b[2K${line}${final ? '\n' : ''}`);
    } else {
      log.info(final ? 'replay file done' : 'replay progress', {
        file: this.o.label,
        percent: Math.round(frac * 1000) / 10,
        ticks,
        ticksPerSec: rate,
        elapsedSec: Math.round(secs * 10) / 10,
        etaSec: final ? 0 : eta,
      });
    }
  }
}

function formatRate(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${Math.round(n / 1e3)}k` : String(n);
}
