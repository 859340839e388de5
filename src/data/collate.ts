// Default collation, as torch.utils.data.default_collate: a list of items becomes one batch.
import { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/creation.js';
import { shapeStr } from '../tensor/shape.js';
import { stack } from '../ops/index.js';

/** The batch type default collation makes of items of type T: tensors and numbers become tensors, tuples/objects are collated per field. */
export type Collated<T> = T extends Tensor
  ? Tensor
  : T extends number | boolean
    ? Tensor
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: Collated<T[K]> }
      : T extends object
        ? { -readonly [K in keyof T]: Collated<T[K]> }
        : never;

/**
 * Collates items: tensors are stacked along a new dim 0 ((B, ...shape)); numbers become a 1-D
 * tensor (int32 when all are integers, else float32); booleans a bool tensor; arrays and plain
 * objects are collated element by element / key by key.
 */
export function defaultCollate<T>(items: readonly T[]): Collated<T> {
  return collateAt(items, 'batch') as Collated<T>;
}

function collateAt(items: readonly unknown[], path: string): unknown {
  if (!items.length) throw new RangeError('defaultCollate: cannot collate an empty batch');
  const first = items[0];
  if (first instanceof Tensor) {
    items.forEach((t, k) => {
      if (!(t instanceof Tensor)) throw new TypeError(`defaultCollate: ${path} item 0 is a Tensor but item ${k} is ${describe(t)}`);
      if (t.ndim !== first.ndim || t.shape.some((s, i) => s !== first.shape[i])) {
        throw new RangeError(
          `defaultCollate: ${path} items must have the same shape to stack, item 0 is ${shapeStr(first.shape)} but item ${k} is ${shapeStr(t.shape)}`,
        );
      }
    });
    return stack(items as Tensor[], 0);
  }
  if (typeof first === 'number') {
    const values = items.map((v, k) => {
      if (typeof v !== 'number') throw new TypeError(`defaultCollate: ${path} item 0 is a number but item ${k} is ${describe(v)}`);
      return v;
    });
    return tensor(values, { dtype: values.every(Number.isInteger) ? 'int32' : 'float32' });
  }
  if (typeof first === 'boolean') {
    return tensor(
      items.map((v, k) => {
        if (typeof v !== 'boolean') throw new TypeError(`defaultCollate: ${path} item 0 is a boolean but item ${k} is ${describe(v)}`);
        return v;
      }),
    );
  }
  if (Array.isArray(first)) {
    items.forEach((v, k) => {
      if (!Array.isArray(v) || v.length !== first.length) {
        throw new TypeError(`defaultCollate: ${path} item 0 is an array of ${first.length} elements but item ${k} is ${describe(v)}`);
      }
    });
    return first.map((_, j) =>
      collateAt(
        items.map((v) => (v as unknown[])[j]),
        `${path}[${j}]`,
      ),
    );
  }
  if (first !== null && typeof first === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first)) {
      out[key] = collateAt(
        items.map((v, k) => {
          if (v === null || typeof v !== 'object' || !(key in v)) throw new TypeError(`defaultCollate: ${path} item ${k} has no key '${key}' (item 0 has)`);
          return (v as Record<string, unknown>)[key];
        }),
        `${path}.${key}`,
      );
    }
    return out;
  }
  throw new TypeError(
    `defaultCollate: cannot collate ${path} items of type ${describe(first)}; expected tensors, numbers, booleans, arrays or objects of them`,
  );
}

function describe(v: unknown): string {
  if (v instanceof Tensor) return `a Tensor of shape ${shapeStr(v.shape)}`;
  if (Array.isArray(v)) return `an array of ${v.length} elements`;
  return v === null ? 'null' : typeof v;
}
