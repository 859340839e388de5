// Containers: Sequential (chains modules) and ModuleList (holds modules, like a registered array).
// Children are stored as properties '0', '1', ... so they get PyTorch's state-dict names
// ('0.weight', 'layers.1.bias').
import { Module } from './module.js';

function checkModule(op: string, m: unknown, i: number | string): Module {
  if (!(m instanceof Module)) throw new TypeError(`${op}: element ${i} is not an nn.Module (got ${m === null ? 'null' : typeof m})`);
  return m;
}

/** Modules applied in order: forward(x) = mN(...m1(m0(x))). Pass modules, or an object of named modules. */
export class Sequential extends Module {
  constructor(...modules: Module[] | [Record<string, Module>]) {
    super();
    const first = modules[0];
    if (modules.length === 1 && first !== undefined && !(first instanceof Module) && typeof first === 'object') {
      for (const [name, m] of Object.entries(first)) this.registerModule(name, checkModule('Sequential', m, name));
    } else {
      (modules as unknown[]).forEach((m, i) => this.registerModule(String(i), checkModule('Sequential', m, i)));
    }
  }

  get length(): number {
    return this.children().length;
  }

  /** The i-th module (negative counts from the end), typed as M: `seq.at<nn.Linear>(0).weight`. */
  at<M extends Module = Module>(i: number): M {
    const kids = this.children();
    const m = kids[i < 0 ? i + kids.length : i];
    if (!m) throw new RangeError(`Sequential.at: index ${i} is out of range for ${kids.length} modules`);
    return m as M;
  }

  /** Appends a module at the end (named by its position). */
  append(m: Module): this {
    this.registerModule(String(this.length), checkModule('Sequential.append', m, this.length));
    return this;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }

  forward(x: any): any {
    for (const m of this.children()) x = m.forward(x);
    return x;
  }
}

/** A list of modules whose parameters are registered; iterate it in your own forward(). */
export class ModuleList extends Module {
  constructor(modules: Iterable<Module> = []) {
    super();
    for (const m of modules) this.append(m);
  }

  get length(): number {
    return this.children().length;
  }

  at<M extends Module = Module>(i: number): M {
    const kids = this.children();
    const m = kids[i < 0 ? i + kids.length : i];
    if (!m) throw new RangeError(`ModuleList.at: index ${i} is out of range for ${kids.length} modules`);
    return m as M;
  }

  append(m: Module): this {
    this.registerModule(String(this.length), checkModule('ModuleList.append', m, this.length));
    return this;
  }

  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }

  forward(): never {
    throw new Error("ModuleList: a ModuleList has no forward(); iterate over it in your module's forward()");
  }
}
