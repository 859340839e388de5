// What a training loop saves and restores: any number of named models, optimizers and schedulers
// as one checkpoint. One model named 'model' (with at most one optimizer and one scheduler) keeps
// the single-model layout of saveCheckpoint — model.* tensors, the optimizer's own state — so a
// loop's checkpoint loads where a hand-saved one does (`deepts sample --run`, loadCheckpoint).
// Several are stored side by side: model.<name>.* tensors and {<name>: state} objects.
import type { CheckpointModel, CheckpointStateful } from '../io/checkpoint.js';
import type { Tensor } from '../tensor/tensor.js';

function entriesOf(state: unknown): [string, Tensor][] {
  return state instanceof Map ? [...(state as Map<string, Tensor>).entries()] : Object.entries(state as Record<string, Tensor>);
}

/** The models of a run as one CheckpointModel (null when there are none). */
export function modelsAsOne(models: Record<string, CheckpointModel>): CheckpointModel | null {
  const names = Object.keys(models);
  if (names.length === 0) return null;
  if (names.length === 1 && names[0] === 'model') return models.model!;
  return {
    stateDict(): Record<string, Tensor> {
      const out: Record<string, Tensor> = {};
      for (const name of names) for (const [k, t] of entriesOf(models[name]!.stateDict())) out[`${name}.${k}`] = t;
      return out;
    },
    loadStateDict(state: Record<string, Tensor>, opts?: { strict?: boolean }): void {
      for (const name of names) {
        const prefix = `${name}.`;
        const own: Record<string, Tensor> = {};
        for (const [k, t] of Object.entries(state)) if (k.startsWith(prefix)) own[k.slice(prefix.length)] = t;
        models[name]!.loadStateDict(own, opts);
      }
      if (opts?.strict) {
        const stray = Object.keys(state).filter((k) => !names.some((n) => k.startsWith(`${n}.`)));
        if (stray.length)
          throw new Error(
            `the checkpoint has weights of no model of this run: ${stray.slice(0, 5).join(', ')}${stray.length > 5 ? ', …' : ''} (models: ${names.join(', ')})`,
          );
      }
    },
  };
}

/** Optimizers (or schedulers) of a run as one stateful object (undefined when there are none). */
export function statefulAsOne(parts: Record<string, CheckpointStateful>, singleLayout: boolean): CheckpointStateful | undefined {
  const names = Object.keys(parts);
  if (names.length === 0) return undefined;
  if (names.length === 1 && singleLayout) return parts[names[0]!]!;
  return {
    stateDict: () => Object.fromEntries(names.map((n) => [n, parts[n]!.stateDict()])),
    loadStateDict(state: Record<string, unknown>): void {
      if (typeof state !== 'object' || state === null) throw new Error(`expected the states of ${names.join(', ')}, found ${JSON.stringify(state)}`);
      const missing = names.filter((n) => !(n in state));
      if (missing.length) throw new Error(`the checkpoint has no state for ${missing.join(', ')} (it has ${Object.keys(state).join(', ') || 'none'})`);
      for (const n of names) parts[n]!.loadStateDict(state[n]);
    },
  };
}
