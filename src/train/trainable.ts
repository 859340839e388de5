// What fit() needs from a model, an optimizer and a scheduler, stated as shapes rather than
// classes, so any nn.Module, optim.Optimizer or hand-written object with these methods works.
import type { Tensor } from '../tensor/tensor.js';

export type StateDict = Map<string, Tensor> | Record<string, Tensor>;

export interface TrainableModel {
  forward(x: Tensor): Tensor;
  parameters(): Tensor[];
  namedParameters?(): Iterable<[string, Tensor]> | Record<string, Tensor>;
  stateDict?(): StateDict;
  loadStateDict?(state: StateDict, ...rest: never[]): unknown;
  train?(mode?: boolean): unknown;
  eval?(): unknown;
}

export interface TrainableOptimizer {
  step(): unknown;
  zeroGrad(): unknown;
  paramGroups?: { lr: number }[];
}

export interface LrScheduler {
  step(): unknown;
  getLastLr?(): number[];
}

/** The learning rate of the first parameter group (NaN when the optimizer does not expose one). */
export function currentLr(optimizer: TrainableOptimizer): number {
  return optimizer.paramGroups?.[0]?.lr ?? NaN;
}

/** Entries of a state dict, whichever of Map or plain object the model returns. */
export function stateEntries(state: StateDict): [string, Tensor][] {
  return state instanceof Map ? [...state.entries()] : Object.entries(state);
}

/** (name, parameter) pairs: namedParameters() when the model has it, else p0, p1, ... */
export function namedParametersOf(model: TrainableModel): [string, Tensor][] {
  if (model.namedParameters) {
    const named = model.namedParameters();
    return Symbol.iterator in (named as object) ? [...(named as Iterable<[string, Tensor]>)] : Object.entries(named as Record<string, Tensor>);
  }
  return model.parameters().map((p, i) => [`p${i}`, p]);
}
