// Training progress. On a terminal: one line redrawn in place (bar, epoch, it/s, ETA, loss) at most
// ten times a second. Elsewhere (CI, pipes, files): plain lines at a sane rate, about twenty per
// run plus a heartbeat every 30 s, so logs stay readable.
import type { Callback, BatchLogs, TrainState } from './callbacks/callback.js';
import type { EpochLogs } from './history.js';
import { checkOptions } from '../util/options.js';

export type ProgressOptions = {
  /** Where to write (default process.stderr, so stdout keeps only results). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Force the in-place bar (true) or plain lines (false); default: the stream's isTTY. */
  tty?: boolean;
  /** Plain mode: print about this many epoch lines per run (default 20); every epoch when epochs <= lines. */
  lines?: number;
  /** Plain mode: also print a line when this many seconds pass without one (default 30). */
  heartbeatSeconds?: number;
  /** Clock in ms, for tests. */
  now?: () => number;
};

/** 75 -> '1:15', 3725 -> '1:02:05'. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600),
    m = Math.floor((s % 3600) / 60),
    r = s % 60;
  const mm = h ? String(m).padStart(2, '0') : String(m);
  return `${h ? h + ':' : ''}${mm}:${String(r).padStart(2, '0')}`;
}

function fmt(v: number | undefined): string {
  if (v === undefined) return '-';
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4);
}

/** The epoch's numbers as 'loss 0.1234 accuracy 0.9800 val_loss ...' style text (camelCase keys). */
export function formatEpochLogs(logs: EpochLogs): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(logs)) {
    if (k === 'epoch' || k === 'seconds' || typeof v !== 'number') continue;
    parts.push(k === 'lr' ? `lr ${v.toPrecision(3)}` : `${k} ${fmt(v)}`);
  }
  return parts.join('  ');
}

export class ProgressBar implements Callback {
  private readonly stream: NonNullable<ProgressOptions['stream']>;
  private readonly tty: boolean;
  private readonly lines: number;
  private readonly heartbeatMs: number;
  private readonly now: () => number;
  private start = 0;
  private lastDraw = 0;
  private lastLine = 0;
  private printedFraction = 0;
  private totalSteps = 1;
  private stepsDone = 0;
  private lossSum = 0;
  private lossCount = 0;
  private drawn = false;

  constructor(opts: ProgressOptions = {}) {
    checkOptions('ProgressBar', opts, ['stream', 'tty', 'lines', 'heartbeatSeconds', 'now']);
    this.stream = opts.stream ?? process.stderr;
    this.tty = opts.tty ?? Boolean(this.stream.isTTY);
    this.lines = opts.lines ?? 20;
    this.heartbeatMs = (opts.heartbeatSeconds ?? 30) * 1000;
    this.now = opts.now ?? (() => performance.now());
  }

  onTrainBegin(state: TrainState): void {
    this.start = this.lastLine = this.now();
    this.lastDraw = -Infinity;
    this.totalSteps = Math.max(1, state.epochs * state.batchesPerEpoch);
    this.stepsDone = 0;
    this.printedFraction = 0;
  }

  onEpochBegin(): void {
    this.lossSum = 0;
    this.lossCount = 0;
  }

  onBatchEnd(logs: BatchLogs, state: TrainState): void {
    this.stepsDone++;
    this.lossSum += logs.loss * logs.size;
    this.lossCount += logs.size;
    const t = this.now();
    if (this.tty) {
      if (t - this.lastDraw >= 100) {
        this.lastDraw = t;
        this.draw(state, `loss ${fmt(this.lossSum / this.lossCount)}`);
      }
    } else if (t - this.lastLine >= this.heartbeatMs) {
      this.lastLine = t;
      this.stream.write(
        `epoch ${state.epoch}/${state.epochs}  batch ${logs.batch}/${state.batchesPerEpoch}  loss ${fmt(this.lossSum / this.lossCount)}  ${this.rateText()}\n`,
      );
    }
  }

  onEpochEnd(logs: EpochLogs, state: TrainState): void {
    const t = this.now();
    if (this.tty) {
      this.lastDraw = t;
      this.draw(state, formatEpochLogs(logs));
      return;
    }
    const fraction = logs.epoch / state.epochs;
    const due = state.epochs <= this.lines || fraction >= this.printedFraction + 1 / this.lines - 1e-9 || logs.epoch === 1 || state.stopTraining;
    if (due) {
      this.printedFraction = fraction;
      this.lastLine = t;
      this.stream.write(`epoch ${logs.epoch}/${state.epochs}  ${formatEpochLogs(logs)}  ${this.rateText()}\n`);
    }
  }

  onTrainEnd(state: TrainState): void {
    const last = state.history.last();
    if (this.tty && this.drawn) {
      this.stream.write('\n');
    } else if (!this.tty && last && this.printedFraction < last.epoch / state.epochs) {
      this.stream.write(`epoch ${last.epoch}/${state.epochs}  ${formatEpochLogs(last)}  ${this.rateText()}\n`);
    }
    if (state.stopReason) this.stream.write(`${state.stopReason}\n`);
  }

  private rateText(): string {
    const elapsed = (this.now() - this.start) / 1000;
    const rate = this.stepsDone / Math.max(elapsed, 1e-9);
    const eta = (this.totalSteps - this.stepsDone) / rate;
    return `${rate.toFixed(rate < 10 ? 1 : 0)} it/s  elapsed ${formatDuration(elapsed)}  ETA ${formatDuration(eta)}`;
  }

  private draw(state: TrainState, tail: string): void {
    const width = 24;
    const frac = Math.min(1, this.stepsDone / this.totalSteps);
    const filled = Math.round(frac * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    let line = `epoch ${state.epoch}/${state.epochs} ${bar} ${(frac * 100).toFixed(0).padStart(3)}%  ${this.rateText()}  ${tail}`;
    const columns = this.stream.columns ?? 120;
    if (line.length > columns - 1) line = line.slice(0, columns - 1);
    // \r back to column 0, \x1b[K clears what a longer previous line left behind
    this.stream.write(`\r${line}\x1b[K`);
    this.drawn = true;
  }
}
