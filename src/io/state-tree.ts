// Splitting a state object (an optimizer's stateDict(), a scheduler's, user extras) into a JSON tree
// plus a flat record of tensors, and joining them back. Each Tensor in the tree becomes
// {"$tensor": "<prefix>.<path>"} and is stored under that name in the safetensors file; numbers JSON
// cannot spell (NaN, ±Infinity, -0, e.g. a plateau scheduler's best = Infinity) become
// {"$number": "Infinity"}, so a restored state is exactly the saved one.
import { Tensor } from '../tensor/tensor.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const TENSOR = '$tensor';
const NUMBER = '$number';

function isMarker(x: unknown, key: string): x is Record<string, string> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && Object.keys(x).length === 1 && typeof (x as Record<string, unknown>)[key] === 'string';
}

function isPlainObject(x: unknown): x is object {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

function encodeNumber(x: number): JsonValue {
  if (Number.isNaN(x)) return { [NUMBER]: 'NaN' };
  if (x === Infinity) return { [NUMBER]: 'Infinity' };
  if (x === -Infinity) return { [NUMBER]: '-Infinity' };
  if (Object.is(x, -0)) return { [NUMBER]: '-0' };
  return x;
}

/**
 * The JSON tree of `value`, moving every Tensor into `tensors` under `<prefix>.<path>`.
 * Undefined object properties are dropped (as JSON.stringify does). `where` labels errors.
 */
export function encodeStateTree(value: unknown, prefix: string, tensors: Record<string, Tensor>, where: string): JsonValue {
  const walk = (x: unknown, path: string): JsonValue => {
    if (x instanceof Tensor) {
      if (Object.hasOwn(tensors, path))
        throw new TypeError(`${where}: two entries map to the tensor name '${path}' (a key containing '.' collides with a nested path)`);
      tensors[path] = x;
      return { [TENSOR]: path };
    }
    if (x === null || typeof x === 'boolean' || typeof x === 'string') return x;
    if (typeof x === 'number') return encodeNumber(x);
    if (Array.isArray(x)) return x.map((e, i) => (e === undefined ? null : walk(e, `${path}.${i}`)));
    if (isPlainObject(x)) {
      const out: { [key: string]: JsonValue } = {};
      for (const [k, v] of Object.entries(x)) {
        if (k === TENSOR || k === NUMBER) throw new TypeError(`${where}: key '${k}' at '${path}' is reserved by the checkpoint format`);
        if (v !== undefined) out[k] = walk(v, `${path}.${k}`);
      }
      return out;
    }
    const kind = x === undefined ? 'undefined' : typeof x === 'object' ? ((x as object).constructor?.name ?? 'object') : typeof x;
    throw new TypeError(`${where}: '${path}' is ${kind}; checkpoint state may only hold numbers, strings, booleans, null, arrays, plain objects and Tensors`);
  };
  return walk(value, prefix);
}

/** Rebuilds a state object from its JSON tree, taking tensors from `tensors` and recording the names used. */
export function decodeStateTree(json: unknown, tensors: Record<string, Tensor>, used: Set<string>, where: string): unknown {
  const walk = (x: unknown, path: string): unknown => {
    if (Array.isArray(x)) return x.map((e, i) => walk(e, `${path}[${i}]`));
    if (typeof x !== 'object' || x === null) return x;
    if (isMarker(x, TENSOR)) {
      const name = x[TENSOR]!;
      const t = tensors[name];
      if (!(t instanceof Tensor)) throw new Error(`${where}: state refers to tensor '${name}' at ${path}, but the file has no such tensor`);
      used.add(name);
      return t;
    }
    if (isMarker(x, NUMBER)) {
      const special: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };
      const s = x[NUMBER]!;
      if (!(s in special)) throw new Error(`${where}: unknown number encoding ${JSON.stringify(s)} at ${path}, expected NaN, Infinity, -Infinity or -0`);
      return special[s];
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) out[k] = walk(v, `${path}.${k}`);
    return out;
  };
  return walk(json, 'state');
}
