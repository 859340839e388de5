// Colours: the playground's orange–grey–blue scale and a palette for line series.

export type RGB = readonly [number, number, number];

export function hexToRgb(hex: string): RGB {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex);
  if (!m) throw new RangeError(`hexToRgb: expected a colour like '#0877bd', got '${hex}'`);
  const v = parseInt(m[1]!, 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** playground.tensorflow.org's colours for -1 (orange, class 0), 0 (light grey) and +1 (blue, class 1). */
export const PLAYGROUND_ORANGE: RGB = hexToRgb('#f59322');
export const PLAYGROUND_GREY: RGB = hexToRgb('#e8eaeb');
export const PLAYGROUND_BLUE: RGB = hexToRgb('#0877bd');

function mix(a: RGB, b: RGB, t: number): RGB {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** The playground's diverging scale: t in [-1, 1] (clamped) from orange through grey to blue. */
export function divergingColor(t: number): RGB {
  const c = Number.isNaN(t) ? 0 : Math.max(-1, Math.min(1, t));
  return c < 0 ? mix(PLAYGROUND_GREY, PLAYGROUND_ORANGE, -c) : mix(PLAYGROUND_GREY, PLAYGROUND_BLUE, c);
}

/** c mixed with black (amount 0..1). */
export function darken(c: RGB, amount: number): RGB {
  return mix(c, [0, 0, 0], amount);
}

/** c mixed with white (amount 0..1). */
export function lighten(c: RGB, amount: number): RGB {
  return mix(c, [255, 255, 255], amount);
}

/** Line colours for chart series (matplotlib's tab10 order: blue, orange, green, red, ...). */
export const SERIES_COLORS: readonly string[] = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** Stops of the sequential scale: white through light blue to a dark navy (close to matplotlib's 'Blues', starting at pure white). */
const SEQUENTIAL_STOPS: readonly RGB[] = ['#ffffff', '#deebf7', '#c6dbef', '#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#08519c', '#08306b'].map(hexToRgb);

/** A white → dark blue sequential scale for t in [0, 1] (clamped; NaN is white): heat maps of non-negative values such as attention weights. */
export function sequentialColor(t: number): RGB {
  const c = Number.isNaN(t) ? 0 : Math.max(0, Math.min(1, t));
  const pos = c * (SEQUENTIAL_STOPS.length - 1);
  const i = Math.min(SEQUENTIAL_STOPS.length - 2, Math.floor(pos));
  const m = mix(SEQUENTIAL_STOPS[i]!, SEQUENTIAL_STOPS[i + 1]!, pos - i);
  return [Math.round(m[0]), Math.round(m[1]), Math.round(m[2])];
}

/** '#rrggbb' of a colour. */
export function rgbToHex(c: RGB): string {
  return (
    '#' +
    c
      .map((v) =>
        Math.max(0, Math.min(255, Math.round(v)))
          .toString(16)
          .padStart(2, '0'),
      )
      .join('')
  );
}
