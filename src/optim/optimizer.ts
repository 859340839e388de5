// Optimizer: the base class of SGD, RMSprop, Adam and AdamW, as torch.optim.Optimizer. It holds
// parameter groups (each with its own hyperparameters, which schedulers change) and per-parameter
// state. The update math runs in the backend's fused kernels over the parameters' storage.
import { Tensor } from '../tensor/tensor.js';
import { isFloat } from '../tensor/dtype.js';
import { sameShape, shapeStr } from '../tensor/shape.js';
import { allocate } from '../tensor/dtype.js';
import type { TypedArray } from '../tensor/dtype.js';
import { checkOptions, describe, positionalOptions } from '../util/options.js';

/** The hyperparameters every optimizer has. */
export type BaseOptions = { lr: number };

/** A parameter group: the parameters and their hyperparameters. `initialLr` is set by schedulers. */
export type ParamGroup<O extends BaseOptions = BaseOptions> = O & { params: Tensor[]; initialLr?: number };

/** What a constructor accepts: parameters, or groups of parameters with per-group overrides. */
export type ParamGroupSpec<O extends BaseOptions = BaseOptions> = Partial<O> & { params: Iterable<Tensor> };
export type ParamsArg<O extends BaseOptions = BaseOptions> = Iterable<Tensor> | readonly ParamGroupSpec<O>[];

/** Per-parameter state: step counts as numbers, moving averages as tensors. */
export type ParamState = Record<string, number | Tensor>;

/**
 * A snapshot of an optimizer, JSON-able apart from the tensors (which a checkpoint writer saves):
 * state is keyed by the parameter's position across all groups, as in PyTorch. `kind` names the
 * optimizer that saved it ('Adam', 'SGD', ...), so it cannot be loaded into another kind; state
 * dicts saved before it existed lack it.
 */
export type OptimizerStateDict = {
  state: Record<string, ParamState>;
  paramGroups: (Record<string, unknown> & { params: number[] })[];
  kind?: string;
};

/** The type of each built-in optimizer's number and boolean hyperparameters (validate() checks betas). */
const OPTION_TYPES: Record<string, 'number' | 'boolean'> = {
  lr: 'number',
  initialLr: 'number',
  eps: 'number',
  weightDecay: 'number',
  momentum: 'number',
  dampening: 'number',
  alpha: 'number',
  amsgrad: 'boolean',
  nesterov: 'boolean',
  centered: 'boolean',
};

/**
 * A built-in optimizer's options: an object, or PyTorch's positional hyperparameters after the
 * parameters (new SGD(params, 0.1, 0.9) is {lr: 0.1, momentum: 0.9}); known keys, right types.
 */
export function optimizerOptions<O>(op: string, opts: unknown, rest: readonly unknown[], allowed: readonly string[]): Partial<O> {
  const o = positionalOptions<Partial<O>>(op, opts, rest, allowed, allowed);
  checkOptimizerOptions(op, o as object, allowed);
  return o;
}

/** An optimizer's options (or a parameter group): known keys, and hyperparameters of the right type. */
export function checkOptimizerOptions(op: string, opts: object, allowed: readonly string[]): void {
  checkOptions(op, opts, allowed);
  for (const [k, v] of Object.entries(opts)) {
    const want = OPTION_TYPES[k];
    if (v === undefined || want === undefined) continue;
    if (typeof v !== want) throw new TypeError(`${op}: ${k} must be a ${want}, got ${describe(v)}`);
  }
}

function copyTensor(t: Tensor, like?: Tensor): Tensor {
  const out = Tensor.empty(t.shape, like?.dtype ?? t.dtype);
  out.storage.set(t.toTypedArray());
  return out;
}

export abstract class Optimizer<O extends BaseOptions = BaseOptions> {
  readonly defaults: O;
  readonly paramGroups: ParamGroup<O>[] = [];
  /** State per parameter (e.g. Adam's step, expAvg, expAvgSq). */
  readonly state = new Map<Tensor, ParamState>();

  constructor(params: ParamsArg<O>, defaults: O) {
    this.defaults = defaults;
    const list = [...(params as Iterable<Tensor | ParamGroupSpec<O>>)];
    if (list.length === 0) throw new RangeError(`${this.name}: got an empty parameter list`);
    if (list.every((p) => p instanceof Tensor)) this.addParamGroup({ params: list as Tensor[] } as unknown as ParamGroupSpec<O>);
    else if (list.every((g) => !(g instanceof Tensor) && typeof g === 'object' && g !== null && 'params' in g)) {
      for (const g of list as ParamGroupSpec<O>[]) this.addParamGroup(g);
    } else {
      throw new TypeError(`${this.name}: params must be an iterable of Tensors or an array of {params, ...options} groups`);
    }
  }

  protected get name(): string {
    return this.constructor.name;
  }

  /** Checks a group's hyperparameters; each optimizer throws naming itself and the bad value. */
  protected abstract validate(group: O): void;

  /** Adds a group of parameters, with defaults for the options it does not set. */
  addParamGroup(spec: ParamGroupSpec<O>): void {
    if (spec === null || typeof spec !== 'object' || !('params' in spec)) throw new TypeError(`${this.name}.addParamGroup: expected {params, ...options}`);
    checkOptimizerOptions(`${this.name}: parameter group ${this.paramGroups.length}`, spec, ['params', 'initialLr', ...Object.keys(this.defaults)]);
    const params = spec.params instanceof Tensor ? [spec.params] : [...spec.params];
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    params.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new TypeError(`${this.name}: parameter ${i} of group ${this.paramGroups.length} is not a Tensor`);
      if (!p.isLeaf)
        throw new Error(
          `${this.name}: can't optimize a non-leaf tensor (parameter ${i}, shape ${shapeStr(p.shape)}); use a Parameter or detach().requiresGrad_()`,
        );
      if (!isFloat(p.dtype)) throw new TypeError(`${this.name}: parameter ${i} has dtype ${p.dtype}, expected float32 or float64`);
      if (!p.isContiguous() || p.offset !== 0 || p.storage.length !== p.numel()) {
        throw new Error(
          `${this.name}: parameter ${i} (shape ${shapeStr(p.shape)}) is a view; optimizers update a parameter's own contiguous storage, wrap it in nn.Parameter`,
        );
      }
      if (seen.has(p)) throw new Error(`${this.name}: parameter ${i} (shape ${shapeStr(p.shape)}) appears in more than one parameter group`);
      seen.add(p);
    });
    const group = { ...this.defaults, ...spec, params } as ParamGroup<O>;
    this.validate(group);
    this.paramGroups.push(group);
  }

  /** One optimization step over every parameter that has a gradient. `closure` re-evaluates the loss if given. */
  step(closure?: () => number | Tensor): number | Tensor | undefined {
    if (closure !== undefined && typeof closure !== 'function') throw new TypeError(`${this.name}.step: closure must be a function, got ${describe(closure)}`);
    const loss = closure?.();
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (!p.grad) continue;
        if (!sameShape(p.grad.shape, p.shape)) {
          throw new RangeError(`${this.name}.step: gradient of shape ${shapeStr(p.grad.shape)} does not match its parameter ${shapeStr(p.shape)}`);
        }
        const g = p.grad.dtype === p.dtype ? p.grad : p.grad.to(p.dtype);
        let state = this.state.get(p);
        if (!state) this.state.set(p, (state = {}));
        this.update(p, g.toTypedArray(), state, group);
      }
    }
    return loss;
  }

  /** Updates one parameter in place from its gradient (contiguous values) and its state. */
  protected abstract update(p: Tensor, grad: TypedArray, state: ParamState, group: ParamGroup<O>): void;

  /** A zero-filled state tensor shaped like p (e.g. a moving average). */
  protected zerosLike(p: Tensor): Tensor {
    return new Tensor(allocate(p.dtype, p.numel()), p.dtype, p.shape);
  }

  /** Clears the gradients of all parameters (to null by default, as PyTorch 2). */
  zeroGrad(setToNone = true): void {
    for (const g of this.paramGroups) for (const p of g.params) p.grad = setToNone || !p.grad ? null : Tensor.empty(p.shape, p.dtype);
  }

  /** A snapshot of the hyperparameters and state (state tensors are copies). */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...options } = g;
      return {
        ...structuredClone(options),
        params: params.map((p) => {
          index.set(p, index.size);
          return index.size - 1;
        }),
      };
    });
    const state: Record<string, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      state[String(i)] = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v instanceof Tensor ? copyTensor(v) : v]));
    }
    return { state, paramGroups, kind: this.name };
  }

  /** Restores hyperparameters and state saved by stateDict(); the groups must have the same sizes. */
  loadStateDict(sd: OptimizerStateDict): void {
    if (!sd || !Array.isArray(sd.paramGroups) || typeof sd.state !== 'object') {
      throw new TypeError(`${this.name}.loadStateDict: expected {state, paramGroups}`);
    }
    this.checkKind(sd);
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new RangeError(
        `${this.name}.loadStateDict: the state dict has ${sd.paramGroups.length} parameter groups, the optimizer has ${this.paramGroups.length}`,
      );
    }
    const params = this.paramGroups.flatMap((g) => g.params);
    sd.paramGroups.forEach((saved, i) => {
      const n = this.paramGroups[i]!.params.length;
      if (!Array.isArray(saved.params) || saved.params.length !== n) {
        throw new RangeError(
          `${this.name}.loadStateDict: parameter group ${i} has ${saved.params?.length} parameters in the state dict, ${n} in the optimizer`,
        );
      }
    });
    const state = new Map<Tensor, ParamState>();
    for (const [key, s] of Object.entries(sd.state)) {
      const p = params[Number(key)];
      if (!p) throw new RangeError(`${this.name}.loadStateDict: state for parameter ${key}, but the optimizer has ${params.length} parameters`);
      const restored: ParamState = {};
      for (const [name, v] of Object.entries(s)) {
        if (v instanceof Tensor) {
          if (!sameShape(v.shape, p.shape)) {
            throw new RangeError(
              `${this.name}.loadStateDict: state '${name}' of parameter ${key} has shape ${shapeStr(v.shape)}, the parameter has ${shapeStr(p.shape)}`,
            );
          }
          restored[name] = copyTensor(v, p);
        } else restored[name] = v;
      }
      state.set(p, restored);
    }
    sd.paramGroups.forEach((saved, i) => {
      const { params: _ignored, ...options } = saved;
      Object.assign(this.paramGroups[i]!, structuredClone(options));
    });
    this.state.clear();
    for (const [p, s] of state) this.state.set(p, s);
  }

  /**
   * Throws when sd was saved by another kind of optimizer: its `kind`, or for a state dict without
   * one (saved before it existed), hyperparameters this optimizer does not have (an Adam's betas
   * in an SGD). Adam and AdamW share their hyperparameters, so only `kind` tells them apart.
   */
  private checkKind(sd: OptimizerStateDict): void {
    const mismatch = (kind: string) =>
      `${this.name}.loadStateDict: the state dict is ${kind}'s; an optimizer's state loads only into an optimizer of the same kind (create a ${kind}, or start this ${this.name} afresh)`;
    if (sd.kind !== undefined) {
      if (sd.kind !== this.name) throw new TypeError(mismatch(String(sd.kind)));
      return;
    }
    const own = new Set(['params', 'initialLr', ...this.paramGroups.flatMap((g) => Object.keys(g))]);
    for (const [i, saved] of sd.paramGroups.entries()) {
      const foreign = Object.keys(saved ?? {}).filter((k) => !own.has(k));
      if (foreign.length) {
        throw new TypeError(
          `${this.name}.loadStateDict: parameter group ${i} of the state dict has hyperparameters ${foreign.join(', ')}, which ${this.name} does not have: it is another optimizer's state; an optimizer's state loads only into an optimizer of the same kind`,
        );
      }
    }
  }
}
