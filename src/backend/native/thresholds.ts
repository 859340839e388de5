// Below these sizes a kernel stays on the js backend: an N-API call's fixed cost plus the metadata
// writes (bench/results/notes.md) is more than the JIT-compiled js loop takes on a few dozen
// elements. Measured with bench/thresholds.ts (where the js and native times per call cross) on the
// 2-core Zen 5 machine.
import { checkNumber, checkOptions } from '../../util/options.js';

export const NATIVE_THRESHOLDS = {
  /** elements: unary/binary/where/copy of cheap ops (add, mul, relu, compare, select, copy) — crossovers 32..128 */
  elementwise: 64,
  /** elements: unary ops that cost a libm call in js too (exp, tanh, erf, ...) — crossover 16 */
  elementwiseCostly: 16,
  /** elements read by a reduction — crossover 32 */
  reduce: 32,
  /**
   * multiply-adds per output row (K·N) of a matmul — native wins from 4×4×4. Per row, not per
   * call: a layer then runs on one backend whatever the batch size, so predicting in batches gives
   * the same numbers as one big batch (js and native sum in different orders).
   */
  matmul: 64,
  /** rows·cols of softmax / cross-entropy / bias+activation — crossover 64-128 */
  rows: 128,
  /** rows·cols of layer/RMS norm (forward and backward) — crossover 64 */
  norm: 64,
  /** B·H·Tq·D·Tk of fused attention (multiply-adds of the scores) — crossover 16-64 */
  attention: 64,
  /** elements gathered or scattered (embedding: ids·cols) */
  gather: 64,
  /** elements of a random fill */
  random: 256,
  /** parameters updated by an optimizer step — crossover 64 */
  optimizer: 64,
  /** rows·hidden of a recurrent cell step (each element costs 4–5 sigmoids/tanhs, as elementwiseCostly ×4) */
  rnnCell: 16,
};

export type NativeThresholds = typeof NATIVE_THRESHOLDS;

/** Overrides thresholds (0 sends every size to the addon, as the conformance tests do); returns the previous values. */
export function setNativeThresholds(overrides: Partial<NativeThresholds>): NativeThresholds {
  checkOptions('setNativeThresholds', overrides, Object.keys(NATIVE_THRESHOLDS));
  for (const [k, v] of Object.entries(overrides)) checkNumber('setNativeThresholds', k, v);
  const previous = { ...NATIVE_THRESHOLDS };
  Object.assign(NATIVE_THRESHOLDS, overrides);
  return previous;
}
