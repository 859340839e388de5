// Module: the base class of layers and models, as torch.nn.Module. Parameters and submodules are
// discovered from the module's own properties in assignment order, so user code reads like
// PyTorch's:
//
//   class MLP extends nn.Module {
//     fc1 = new nn.Linear(4, 16);
//     fc2 = new nn.Linear(16, 3);
//     forward(x: Tensor): Tensor { return this.fc2.forward(this.fc1.forward(x).tanh()); }
//   }
//
// A property holding a Parameter is a parameter, one holding a Module is a submodule; tensors that
// are state but not trained (running statistics, masks) are registered with registerBuffer().
import { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { isFloat } from '../tensor/dtype.js';
import { sameShape, shapeStr } from '../tensor/shape.js';
import { noGrad } from '../autograd/grad-mode.js';
import { copy_ } from '../ops/inplace.js';
import { Parameter } from './parameter.js';
import { checkDtype, checkOptions } from '../util/options.js';

export type StateDict = Record<string, Tensor>;
export type LoadStateDictResult = { missingKeys: string[]; unexpectedKeys: string[] };

type Slots = Record<string, unknown>;

function checkName(op: string, owner: Module, name: string): void {
  if (typeof name !== 'string' || name === '' || name.includes('.')) {
    throw new TypeError(`${op}: name must be a non-empty string without '.', got ${JSON.stringify(name)} on ${owner.constructor.name}`);
  }
}

function indent(text: string): string {
  return text.split('\n').join('\n  ');
}

export abstract class Module {
  /** Training mode (Dropout drops, ...); switch with train() / eval(). */
  training = true;
  /** Registered buffer names -> persistent (persistent buffers are part of the state dict). */
  #buffers = new Map<string, boolean>();

  /** The computation. Users call `model.forward(x)`. */
  abstract forward(...args: any[]): any;

  // ---- registration ----

  /** Own parameters, in assignment order. */
  #ownParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    for (const [name, value] of Object.entries(this)) {
      if (value instanceof Parameter) out.push([name, value]);
      else if (Array.isArray(value) && value.some((v) => v instanceof Module || v instanceof Parameter)) {
        throw new TypeError(
          `${this.constructor.name}: property '${name}' is a plain array of Modules/Parameters, so they would not be registered; ` +
            'use nn.ModuleList (or nn.Sequential) instead',
        );
      }
    }
    return out;
  }

  /** Own buffers (null ones skipped), in registration order. */
  #ownBuffers(persistentOnly = false): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, persistent] of this.#buffers) {
      const value = (this as unknown as Slots)[name];
      if (value instanceof Tensor && (persistent || !persistentOnly)) out.push([name, value]);
    }
    return out;
  }

  /** Sets a parameter by name (the same as assigning the property); null means "no parameter". */
  registerParameter(name: string, param: Parameter | null): void {
    checkName('registerParameter', this, name);
    const value: unknown = param;
    if (value !== null && !(value instanceof Parameter)) {
      throw new TypeError(
        `registerParameter: '${name}' must be an nn.Parameter or null, got ${value instanceof Tensor ? 'a plain Tensor (wrap it in new nn.Parameter(t))' : typeof value}`,
      );
    }
    (this as unknown as Slots)[name] = param;
  }

  /** Sets a submodule by name (the same as assigning the property). */
  registerModule(name: string, module: Module | null): void {
    checkName('registerModule', this, name);
    if (module !== null && !(module instanceof Module)) throw new TypeError(`registerModule: '${name}' must be an nn.Module or null, got ${typeof module}`);
    (this as unknown as Slots)[name] = module;
  }

  /**
   * Registers a tensor that is module state but not a parameter, and sets it as a property.
   * Persistent buffers are saved in stateDict(); non-persistent ones only move with the module.
   */
  registerBuffer<T extends Tensor | null>(name: string, tensor: T, persistent = true): T {
    checkName('registerBuffer', this, name);
    if (tensor !== null && !(tensor instanceof Tensor)) throw new TypeError(`registerBuffer: '${name}' must be a Tensor or null, got ${typeof tensor}`);
    if (tensor instanceof Parameter) throw new TypeError(`registerBuffer: '${name}' is an nn.Parameter; assign it as a property to make it a parameter`);
    this.#buffers.set(name, persistent);
    (this as unknown as Slots)[name] = tensor;
    return tensor;
  }

  // ---- traversal ----

  /** Direct submodules with their property names, in assignment order. */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [name, value] of Object.entries(this)) if (value instanceof Module) out.push([name, value]);
    return out;
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every submodule, depth first, with dotted names ('' for this one). Shared modules appear once. */
  namedModules(prefix = '', seen = new Set<Module>()): [string, Module][] {
    if (seen.has(this)) return [];
    seen.add(this);
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.namedChildren()) out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name, seen));
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** All parameters with dotted names ('0.weight', 'layers.1.bias'); a shared parameter appears once. */
  namedParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<Parameter>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, p] of m.#ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([prefix ? `${prefix}.${name}` : name, p]);
      }
    }
    return out;
  }

  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, b] of m.#ownBuffers()) out.push([prefix ? `${prefix}.${name}` : name, b]);
    }
    return out;
  }

  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  /** Calls fn on every submodule (children first) and then on this module, as PyTorch's apply (e.g. custom init). */
  apply(fn: (m: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  // ---- modes and gradients ----

  /** Sets training mode on this module and all submodules. */
  train(on = true): this {
    for (const m of this.modules()) m.training = on;
    return this;
  }

  /** Evaluation mode: train(false). */
  eval(): this {
    return this.train(false);
  }

  /** Clears the gradients of all parameters (to null by default, as PyTorch 2; else to zeros). */
  zeroGrad(setToNone = true): void {
    for (const p of this.parameters()) p.grad = setToNone || !p.grad ? null : Tensor.empty(p.shape, p.dtype);
  }

  /** Turns gradient tracking of every parameter on or off (freezing a model). */
  requiresGrad_(on = true): this {
    for (const p of this.parameters()) p.requiresGrad = on;
    return this;
  }

  /** The number of parameter elements (shared parameters counted once). */
  numParameters(opts: { trainableOnly?: boolean } = {}): number {
    checkOptions('numParameters', opts, ['trainableOnly']);
    let n = 0;
    for (const p of this.parameters()) if (!opts.trainableOnly || p.requiresGrad) n += p.numel();
    return n;
  }

  /** Casts floating point parameters and buffers to `dtype` (replacing them; build optimizers afterwards). */
  to(dtype: DType): this {
    checkDtype('Module.to', dtype);
    if (!isFloat(dtype)) throw new TypeError(`Module.to: modules can only be cast to a floating point dtype, got ${dtype}`);
    for (const m of this.modules()) {
      const slots = m as unknown as Slots;
      for (const [name, p] of m.#ownParameters()) {
        if (p.dtype !== dtype)
          slots[name] = new Parameter(
            noGrad(() => p.to(dtype)),
            p.requiresGrad,
          );
      }
      for (const [name, b] of m.#ownBuffers()) if (isFloat(b.dtype) && b.dtype !== dtype) slots[name] = b.to(dtype);
    }
    return this;
  }

  // ---- state dict ----

  /** name -> the live parameter or buffer, in PyTorch's order (own parameters, own buffers, then children). */
  #stateEntries(prefix: string, out: Map<string, Tensor>, seen: Set<Module>): Map<string, Tensor> {
    if (seen.has(this)) return out;
    seen.add(this);
    for (const [name, p] of this.#ownParameters()) out.set(prefix + name, p);
    for (const [name, b] of this.#ownBuffers(true)) out.set(prefix + name, b);
    for (const [name, child] of this.namedChildren()) child.#stateEntries(`${prefix}${name}.`, out, seen);
    return out;
  }

  /** Parameters and persistent buffers by dotted name, detached views sharing their storage (as PyTorch). */
  stateDict(): StateDict {
    const sd: StateDict = {};
    for (const [name, t] of this.#stateEntries('', new Map(), new Set())) sd[name] = t.detach();
    return sd;
  }

  /**
   * Copies tensors from `stateDict` into this module's parameters and buffers (in place, so
   * optimizers holding them stay valid). Shape mismatches always throw; missing or unexpected
   * keys throw when strict (the default), else they are returned.
   */
  loadStateDict(stateDict: StateDict, opts: { strict?: boolean } = {}): LoadStateDictResult {
    checkOptions('loadStateDict', opts, ['strict']);
    const strict = opts.strict ?? true;
    if (stateDict === null || typeof stateDict !== 'object') throw new TypeError(`loadStateDict: expected an object of name -> Tensor, got ${stateDict}`);
    const own = this.#stateEntries('', new Map(), new Set());
    const missingKeys: string[] = [];
    const unexpectedKeys = Object.keys(stateDict).filter((k) => !own.has(k));
    const errors: string[] = [];
    for (const [name, target] of own) {
      if (!(name in stateDict)) {
        missingKeys.push(name);
        continue;
      }
      const src = stateDict[name];
      if (!(src instanceof Tensor)) {
        errors.push(`value for "${name}" is not a Tensor (got ${typeof src})`);
        continue;
      }
      if (!sameShape(src.shape, target.shape)) {
        errors.push(
          `size mismatch for "${name}": copying a tensor of shape ${shapeStr(src.shape)} from the state dict, the shape in the current model is ${shapeStr(target.shape)}`,
        );
      }
    }
    if (strict) {
      if (unexpectedKeys.length) errors.unshift(`Unexpected key(s) in state dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}.`);
      if (missingKeys.length) errors.unshift(`Missing key(s) in state dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}.`);
    }
    if (errors.length) throw new Error(`loadStateDict: error(s) loading the state dict into ${this.constructor.name}:\n  ${errors.join('\n  ')}`);
    noGrad(() => {
      for (const [name, target] of own) if (name in stateDict) copy_(target, stateDict[name]!);
    });
    return { missingKeys, unexpectedKeys };
  }

  // ---- printing ----

  /** Extra text shown between the parentheses, e.g. 'inFeatures=4, outFeatures=16, bias=true'. */
  extraRepr(): string {
    return '';
  }

  /** The module tree, as PyTorch prints it. */
  toString(): string {
    const extra = this.extraRepr();
    const lines = extra ? extra.split('\n') : [];
    const childLines = this.namedChildren().map(([name, child]) => `(${name}): ${indent(child.toString())}`);
    let s = `${this.constructor.name}(`;
    if (lines.length === 1 && childLines.length === 0) s += lines[0];
    else if (lines.length + childLines.length > 0) s += '\n  ' + [...lines, ...childLines].join('\n  ') + '\n';
    return s + ')';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
