// Below these sizes a kernel stays on the js backend: an N-API call costs about 0.1 µs plus the
// metadata writes, which the JIT-compiled js loop beats on a few dozen elements. Measured with
// bench/thresholds.ts (the js and native time per call crossing over), rounded down to be safe.
export const NATIVE_THRESHOLDS = {
  /** elements: unary/binary/where/copy of cheap ops (add, mul, relu, compare, copy) */
  elementwise: 128,
  /** elements: unary ops that cost a libm call in js too (exp, tanh, erf, ...) */
  elementwiseCostly: 32,
  /** elements read by a reduction */
  reduce: 128,
  /** multiply-adds (B·M·N·K) of a matmul */
  matmul: 2048,
  /** rows·cols of softmax / cross-entropy / bias+activation */
  rows: 256,
  /** elements gathered or scattered */
  gather: 256,
  /** elements of a random fill */
  random: 256,
  /** parameters updated by an optimizer step */
  optimizer: 256,
};

export type NativeThresholds = typeof NATIVE_THRESHOLDS;

/** Overrides thresholds (0 sends every size to the addon, as the conformance tests do); returns the previous values. */
export function setNativeThresholds(overrides: Partial<NativeThresholds>): NativeThresholds {
  const previous = { ...NATIVE_THRESHOLDS };
  Object.assign(NATIVE_THRESHOLDS, overrides);
  return previous;
}
