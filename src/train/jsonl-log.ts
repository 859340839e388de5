// A run's JSON-lines log (one object a line, each with a step or epoch counter). Resuming from a
// checkpoint first drops the lines written after it — a run killed after its last checkpoint had
// already logged them, and the resumed run logs them again — so a log never holds a step twice.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic, writeAll } from '../io/atomic-write.js';

export class JsonlLog {
  /**
   * @param path the file
   * @param key the counter each line carries ('iter', 'step', 'epoch'): what truncation compares
   */
  constructor(
    readonly path: string,
    readonly key: string,
  ) {}

  /** Starts an empty log (a new run). */
  reset(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileSync(this.path, '');
  }

  /** Keeps only the lines whose counter is at most `last` (a resumed run); creates the file when missing. */
  truncateAfter(last: number): void {
    if (!existsSync(this.path)) {
      this.reset();
      return;
    }
    const kept: string[] = [];
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      let counter: unknown;
      try {
        counter = (JSON.parse(line) as Record<string, unknown>)[this.key];
      } catch {
        continue; // a line cut short by a crash
      }
      if (typeof counter === 'number' && counter <= last) kept.push(line);
    }
    const bytes = new TextEncoder().encode(kept.map((l) => l + '\n').join(''));
    writeFileAtomic(this.path, (fd) => writeAll(fd, bytes));
  }

  append(entry: Record<string, unknown>): void {
    appendFileSync(this.path, JSON.stringify(entry, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)) + '\n');
  }

  /** The parsed lines (for tests and reports). */
  read(): Record<string, unknown>[] {
    if (!existsSync(this.path)) return [];
    return readFileSync(this.path, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}
