// Ctrl-C for training loops: the first SIGINT or SIGTERM asks the loop to stop at the end of the
// current step (it then writes its checkpoint and says how to resume); a second one while the loop
// is still finishing exits at once, as a user pressing Ctrl-C twice expects. Signals reach a
// JavaScript handler only between event-loop turns, so a step, an evaluation or a checkpoint write
// (all synchronous) always completes: a stop never leaves a half-written file.

export type StopRequest = { readonly signal: string };

export class InterruptHandler {
  private request: StopRequest | null = null;
  private readonly listeners = new Map<NodeJS.Signals, () => void>();

  /** Installs the handlers (Node only; elsewhere nothing is installed). */
  constructor(private readonly onFirst: (signal: string) => void = () => {}) {
    if (typeof process === 'undefined' || typeof process.on !== 'function') return;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const listener = (): void => {
        if (this.request) {
          // second signal: the user means it
          process.exit(signal === 'SIGINT' ? 130 : 143);
        }
        this.request = { signal };
        this.onFirst(signal);
      };
      this.listeners.set(signal, listener);
      process.on(signal, listener);
    }
  }

  /** The signal received, or null. */
  get requested(): StopRequest | null {
    return this.request;
  }

  /** Removes the handlers; later signals get Node's default behaviour again. */
  dispose(): void {
    for (const [signal, listener] of this.listeners) process.off(signal, listener);
    this.listeners.clear();
  }
}

/** The exit code of a process stopped by `signal` (128 + its number), as shells report it. */
export function signalExitCode(signal: string): number {
  return signal === 'SIGTERM' ? 143 : 130;
}
