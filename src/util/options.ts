// Run-time checks of the arguments of public functions and constructors. TypeScript rejects a
// misspelled option only in an object literal; from JS, or with an options object built
// elsewhere, `{weight_decay: 0.1}` would be silently ignored. Every public entry point checks its
// options object and typed positionals here, so the mistake is an error that names the key, what
// is accepted and the likely intended spelling. A valid call costs a typeof test or a for…in over
// a small object; strings are built only to throw. This module imports nothing at run time, so
// every layer (backend, tensor, ops, nn, optim, data, io, tokenizers, …) may use it.
import type { DType } from '../tensor/dtype.js';

/** The dtypes, checked by the compiler against DType (a new dtype must be added here). */
const DTYPE_NAMES: Record<DType, true> = { float32: true, float64: true, int32: true, bool: true };
/** PyTorch / numpy spellings of dtypes deepts stores differently. */
const DTYPE_HINTS: Record<string, DType> = {
  int64: 'int32',
  long: 'int32',
  int: 'int32',
  int16: 'int32',
  int8: 'int32',
  uint8: 'int32',
  float: 'float32',
  float16: 'float32',
  half: 'float32',
  bfloat16: 'float32',
  double: 'float64',
  boolean: 'bool',
};

/** An object literal (or JSON.parse output, or Object.create(null)): not an array, Tensor, Map or class instance. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A short description of a value for an error message: 3, 'same', an object {min, max}, a Tensor. */
export function describe(v: unknown): string {
  if (typeof v === 'string') return `'${v.length > 40 ? v.slice(0, 40) + '…' : v}'`;
  if (typeof v === 'function') return 'a function';
  if (v === null || typeof v !== 'object') return String(v);
  if (Array.isArray(v))
    return `an array [${v
      .slice(0, 6)
      .map((x) => (typeof x === 'object' && x !== null ? '…' : describe(x)))
      .join(', ')}${v.length > 6 ? ', …' : ''}]`;
  if (isPlainObject(v)) return `an object {${Object.keys(v).join(', ')}}`;
  return `a ${(v as object).constructor?.name ?? 'object'}`;
}

/** camelCase of a snake_case or kebab-case name: weight_decay -> weightDecay. */
export function camelCase(name: string): string {
  return name.replace(/(?<=[A-Za-z0-9])[_-]+([A-Za-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** The accepted name most likely meant by `name`: its camelCase spelling, a match ignoring case and '_', or a near miss (edit distance ≤ 2). */
export function suggestName(name: string, allowed: readonly string[]): string | undefined {
  const camel = camelCase(name);
  if (camel !== name && allowed.includes(camel)) return camel;
  const loose = (s: string) => s.toLowerCase().replace(/[_-]/g, '');
  const same = allowed.find((a) => loose(a) === loose(name));
  if (same) return same;
  let best: string | undefined,
    bestDistance = Math.min(2, name.length - 1) + 1; // within 2 edits (1 for two letters)
  for (const a of allowed) {
    const d = editDistance(loose(name), loose(a));
    if (d < bestDistance) {
      best = a;
      bestDistance = d;
    }
  }
  return best;
}

/** The message for an unknown option `key` of `where`. */
export function unknownOptionMessage(where: string, key: string, allowed: readonly string[]): string {
  const suggestion = suggestName(key, allowed);
  const camel = camelCase(key);
  const hint = suggestion ? ` (did you mean '${suggestion}'?)` : camel !== key ? ` (deepts spells options in camelCase, but '${camel}' is not one either)` : '';
  return `${where}: unknown option '${key}'${hint}; accepted: ${allowed.length ? allowed.join(', ') : 'none'}`;
}

/**
 * Checks an options object: undefined is fine (no options); anything but a plain object, or a key
 * not in `allowed`, is a TypeError naming `where`, the key, the accepted keys and a suggestion.
 * Two names mean the same everywhere and are checked here too: `dtype` must be a dtype, and
 * `generator` a Generator (or null).
 */
export function checkOptions(where: string, opts: unknown, allowed: readonly string[]): void {
  if (opts === undefined) return;
  if (!isPlainObject(opts)) throw new TypeError(`${where}: expected an options object {${allowed.join(', ')}}, got ${describe(opts)}`);
  for (const key in opts) if (!allowed.includes(key)) throw new TypeError(unknownOptionMessage(where, key, allowed));
  if (opts.dtype !== undefined) checkDtype(where, opts.dtype);
  const g = opts.generator as { reserve?: unknown; nextUint32?: unknown } | null | undefined;
  if (g !== undefined && g !== null && (typeof g !== 'object' || typeof g.reserve !== 'function' || typeof g.nextUint32 !== 'function')) {
    throw new TypeError(`${where}: generator must be a Generator, got ${describe(g)}`);
  }
}

/**
 * The names of an options type, checked by the compiler both ways (every key listed, no extra):
 * `const KEYS = optionKeys<Conv2dOptions>({stride: true, padding: true, dilation: true, groups: true})`.
 */
export function optionKeys<T>(keys: { readonly [K in keyof Required<T>]: true }): readonly string[] {
  return Object.freeze(Object.keys(keys));
}

export type NumberRule = { readonly integer?: boolean; readonly min?: number; readonly max?: number };
export const INTEGER: NumberRule = Object.freeze({ integer: true });
export const POSITIVE_INTEGER: NumberRule = Object.freeze({ integer: true, min: 1 });
export const NON_NEGATIVE_INTEGER: NumberRule = Object.freeze({ integer: true, min: 0 });
export const NON_NEGATIVE: NumberRule = Object.freeze({ min: 0 });

function ruleText(r: NumberRule): string {
  if (r.integer)
    return r.min === 1 ? 'a positive integer' : r.min === 0 ? 'a non-negative integer' : r.min !== undefined ? `an integer >= ${r.min}` : 'an integer';
  if (r.min !== undefined && r.max !== undefined) return `a number in [${r.min}, ${r.max}]`;
  return r.min !== undefined ? `a number >= ${r.min}` : r.max !== undefined ? `a number <= ${r.max}` : 'a number';
}

/** `value` must be a number (TypeError), and satisfy `rule` when given (RangeError; NaN never does). */
export function checkNumber(where: string, name: string, value: unknown, rule?: NumberRule): asserts value is number {
  if (typeof value !== 'number') throw new TypeError(`${where}: ${name} must be a number, got ${describe(value)}`);
  if (rule === undefined) return;
  if ((rule.integer && !Number.isInteger(value)) || !(value >= (rule.min ?? -Infinity) && value <= (rule.max ?? Infinity))) {
    throw new RangeError(`${where}: ${name} must be ${ruleText(rule)}, got ${value}`);
  }
}

/** `value` must be true or false. */
export function checkBoolean(where: string, name: string, value: unknown): asserts value is boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${where}: ${name} must be true or false, got ${describe(value)}`);
}

/** `value` must be one of the strings in `allowed` (TypeError for a non-string, RangeError for another string). */
export function checkOneOf<S extends string>(where: string, name: string, value: unknown, allowed: readonly S[]): asserts value is S {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return;
  const suggestion = typeof value === 'string' ? suggestName(value, allowed) : undefined;
  const message = `${where}: ${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`;
  throw typeof value === 'string' ? new RangeError(message) : new TypeError(message);
}

/** `value` must be a dtype name: `ones: unknown dtype 'int64'; expected one of float32, float64, int32, bool`. */
export function checkDtype(where: string, value: unknown): asserts value is DType {
  if (typeof value === 'string' && DTYPE_NAMES[value as DType] === true) return;
  const hint = typeof value === 'string' && DTYPE_HINTS[value] ? ` (deepts stores ${value} as ${DTYPE_HINTS[value]})` : '';
  throw new TypeError(`${where}: unknown dtype ${describe(value)}; expected one of ${Object.keys(DTYPE_NAMES).join(', ')}${hint}`);
}

/**
 * The options of a call that also takes PyTorch's positional form: f(x, k, {stride: 2, padding: 1}),
 * f(x, k, 2, 1) (PyTorch's order, `positional`), or positionals followed by an options object with
 * the rest. `first` is the argument in the options object's place, `rest` the arguments after it;
 * undefined and null positionals keep the default (None in PyTorch).
 */
export function positionalOptions<O>(where: string, first: unknown, rest: readonly unknown[], positional: readonly string[], allowed: readonly string[]): O {
  if (rest.length === 0 && (first === undefined || isPlainObject(first))) {
    checkOptions(where, first, allowed);
    return (first ?? {}) as O;
  }
  const args = [first, ...rest];
  const kw = isPlainObject(args[args.length - 1]) ? (args.pop() as Record<string, unknown>) : undefined;
  while (args.length && args[args.length - 1] === undefined) args.pop();
  if (args.length > positional.length) {
    throw new TypeError(
      `${where}: ${args.length} positional arguments where at most ${positional.length} go (PyTorch's order: ${positional.join(', ')}), got ${args.map(describe).join(', ')}`,
    );
  }
  const out: Record<string, unknown> = {};
  args.forEach((v, i) => {
    if (isPlainObject(v)) throw new TypeError(`${where}: the options object must come last, found one in the place of ${positional[i]}`);
    if (v !== undefined && v !== null) out[positional[i]!] = v;
  });
  if (kw) {
    checkOptions(where, kw, allowed);
    for (const k in kw) {
      if (k in out) throw new TypeError(`${where}: got two values for ${k}, one positional and one in the options object`);
      out[k] = kw[k];
    }
  }
  return out as O;
}

/**
 * A number argument that PyTorch users may also pass as a keyword: f(x, 0.1) or f(x, {name: 0.1});
 * undefined (or an object without the key) gives `fallback`.
 */
export function numberOption(where: string, name: string, value: unknown, fallback: number): number {
  if (typeof value === 'number') return value;
  if (value === undefined) return fallback;
  if (isPlainObject(value)) {
    checkOptions(where, value, [name]);
    const v = value[name];
    if (v === undefined) return fallback;
    checkNumber(where, name, v);
    return v;
  }
  throw new TypeError(`${where}: ${name} must be a number (or {${name}}), got ${describe(value)}`);
}
