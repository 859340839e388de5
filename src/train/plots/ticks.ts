// Axis ticks: "nice" steps (1, 2, 5 x 10^k) for linear axes and powers of ten for log axes.

export type Tick = { value: number; label: string };

/** A short label for a tick value: plain decimals, exponent form for very small or large numbers. */
export function formatTick(v: number, step?: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) {
    const [m, e] = v.toExponential(2).split('e');
    return `${m!.replace(/\.?0+$/, '')}e${e!.replace('+', '')}`;
  }
  // as many decimals as the step needs, so 0.1, 0.2, 0.30000000000000004 prints as 0.3
  const decimals = step ? Math.max(0, Math.min(10, -Math.floor(Math.log10(step) + 1e-9))) : 6;
  return String(Number(v.toFixed(decimals)));
}

/** k * step without float noise (3.3000000000000003 -> 3.3). */
const clean = (v: number): number => (Math.abs(v) < 1e-300 ? 0 : Number(v.toPrecision(12)));

/** The nice step for about `count` intervals across [lo, hi]. */
export function niceStep(lo: number, hi: number, count = 5): number {
  const raw = (hi - lo) / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
}

/** Ticks at multiples of a nice step inside [lo, hi]. */
export function linearTicks(lo: number, hi: number, count = 5): Tick[] {
  const step = niceStep(lo, hi, count);
  const ticks: Tick[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) {
    const value = clean(k * step);
    ticks.push({ value, label: formatTick(value, step) });
  }
  return ticks;
}

/** [lo, hi] widened to multiples of the nice step, so the axis ends on ticks. */
export function niceDomain(lo: number, hi: number, count = 5): [number, number] {
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return niceDomain(lo - pad, hi + pad, count);
  }
  const step = niceStep(lo, hi, count);
  return [clean(Math.floor(lo / step + 1e-9) * step), clean(Math.ceil(hi / step - 1e-9) * step)];
}

/**
 * Ticks for a log10 axis spanning [lo, hi] in log10 units: powers of ten (thinned when there are
 * many), plus 2x and 5x when the axis spans at most two decades.
 */
export function logTicks(lo: number, hi: number): Tick[] {
  const first = Math.ceil(lo - 1e-9);
  const last = Math.floor(hi + 1e-9);
  const decades = last - first;
  const ticks: Tick[] = [];
  const every = Math.max(1, Math.ceil(decades / 8));
  for (let e = first; e <= last; e += every) ticks.push({ value: e, label: formatTick(10 ** e, 10 ** e) });
  if (decades <= 2) {
    for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
      for (const m of [2, 5]) {
        const v = Math.log10(m) + e;
        if (v >= lo - 1e-9 && v <= hi + 1e-9) ticks.push({ value: v, label: formatTick(m * 10 ** e, 10 ** e) });
      }
    }
    ticks.sort((a, b) => a.value - b.value);
  }
  return ticks;
}
