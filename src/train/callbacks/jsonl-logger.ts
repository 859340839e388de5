// JsonlLogger: one JSON object per line per epoch, appended as training goes, so a crashed or
// running job can be read with `tail -f` or any JSONL reader.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Callback, TrainState } from './callback.js';
import type { EpochLogs } from '../history.js';

export class JsonlLogger implements Callback {
  /** @param append keep existing lines (a resumed run) instead of starting a new file */
  constructor(
    readonly path: string,
    readonly append = false,
  ) {}

  onTrainBegin(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    if (!this.append) writeFileSync(this.path, '');
  }

  onEpochEnd(logs: EpochLogs, state: TrainState): void {
    appendFileSync(this.path, JSON.stringify({ ...logs, step: state.step }, finite) + '\n');
  }
}

/** JSON has no NaN or Infinity: write them as null rather than produce an unparseable line. */
function finite(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}
