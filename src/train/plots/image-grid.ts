// Pictures for the CNN commands (deepts demo conv, deepts train lenet): grids of small images
// (digits, filters, feature maps) scaled up with nearest-neighbour pixels and captioned, and a
// confusion matrix heat map. Drawn on the plots' Canvas, written with its PNG encoder.
import { Canvas } from './canvas.js';
import { divergingColor, type RGB } from './colors.js';
import { writePng } from './png.js';

export type Tile = {
  /** h × w values, row-major. */
  values: ArrayLike<number>;
  caption?: string;
  /** Caption colour (default dark grey). */
  captionColor?: RGB;
  /** This tile's colour scale, instead of the grid's. */
  colors?: 'ink' | 'gray' | 'signed';
};

export type GridOptions = {
  /** Tile size in values. */
  height: number;
  width: number;
  /** Tiles per row (default: all in one row). */
  cols?: number;
  /** Screen pixels per value (default 4). */
  scale?: number;
  /**
   * 'ink': dark strokes on white, lowest value white (digits); 'gray': lowest value black;
   * 'signed': orange (negative) – grey (0) – blue (positive), symmetric around 0 (filters, feature maps).
   */
  colors?: 'ink' | 'gray' | 'signed';
  /** Value range per tile ('each', default) or over all tiles ('shared'), or fixed [lo, hi]. */
  range?: 'each' | 'shared' | readonly [number, number];
  /** Print each value in its cell (for small lecture examples). */
  showValues?: boolean;
  title?: string;
};

const TEXT: RGB = [40, 40, 40];

function rangeOf(values: ArrayLike<number>): [number, number] {
  let lo = Infinity,
    hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

function colorOf(v: number, lo: number, hi: number, colors: 'ink' | 'gray' | 'signed'): RGB {
  if (colors === 'signed') {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    return divergingColor(v / m);
  }
  const t = hi > lo ? Math.max(0, Math.min(1, (v - lo) / (hi - lo))) : 0;
  const g = Math.round(255 * (colors === 'ink' ? 1 - t : t));
  return [g, g, g];
}

/** A grid of captioned tiles on a white canvas. */
export function imageGrid(tiles: readonly Tile[], opts: GridOptions): Canvas {
  const { height: h, width: w } = opts;
  const scale = opts.scale ?? 4,
    cols = Math.max(1, Math.min(opts.cols ?? tiles.length, tiles.length));
  const rows = Math.ceil(tiles.length / cols);
  const gap = 6,
    captionH = tiles.some((t) => t.caption) ? Canvas.textHeight(1) + 4 : 0,
    titleH = opts.title ? Canvas.textHeight(2) + 10 : 0;
  const cellW = w * scale,
    cellH = h * scale;
  const canvas = new Canvas(gap + cols * (cellW + gap), titleH + gap + rows * (captionH + cellH + gap));
  if (opts.title) canvas.text(opts.title, canvas.width / 2, 6, TEXT, { scale: 2, align: 'center' });
  const colors = opts.colors ?? 'gray';
  let shared: [number, number] | null = null;
  if (Array.isArray(opts.range)) shared = [opts.range[0]!, opts.range[1]!];
  else if (opts.range === 'shared')
    shared = tiles.reduce<[number, number]>(
      (r, t) => {
        const [a, b] = rangeOf(t.values);
        return [Math.min(r[0], a), Math.max(r[1], b)];
      },
      [Infinity, -Infinity],
    );
  tiles.forEach((tile, i) => {
    const x0 = gap + (i % cols) * (cellW + gap),
      y0 = titleH + gap + Math.floor(i / cols) * (captionH + cellH + gap);
    if (tile.caption) canvas.text(tile.caption, x0 + cellW / 2, y0, tile.captionColor ?? TEXT, { align: 'center' });
    const [lo, hi] = shared ?? rangeOf(tile.values);
    const tileColors = tile.colors ?? colors;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = tile.values[y * w + x]!;
        canvas.fillRect(x0 + x * scale, y0 + captionH + y * scale, scale, scale, colorOf(v, lo, hi, tileColors));
        if (opts.showValues) {
          const c = colorOf(v, lo, hi, tileColors);
          const ink: RGB = c[0] + c[1] + c[2] > 380 ? [0, 0, 0] : [255, 255, 255];
          const label = Number.isInteger(v) ? String(v) : v.toFixed(1);
          canvas.text(label, x0 + x * scale + scale / 2, y0 + captionH + y * scale + scale / 2 - 3, ink, { align: 'center' });
        }
      }
    }
    if (opts.showValues) {
      // cell borders, so the lecture's grids read as grids
      for (let k = 0; k <= w; k++) canvas.fillRect(x0 + k * scale, y0 + captionH, 1, cellH, [160, 160, 160]);
      for (let k = 0; k <= h; k++) canvas.fillRect(x0, y0 + captionH + k * scale, cellW, 1, [160, 160, 160]);
    }
  });
  return canvas;
}

/** Writes a grid of tiles as a PNG file. */
export function writeImageGrid(path: string, tiles: readonly Tile[], opts: GridOptions): void {
  const c = imageGrid(tiles, opts);
  writePng(path, c.width, c.height, c.rgba);
}

/** The confusion matrix (rows: true class, columns: predicted) as a heat map with the counts in its cells. */
export function writeConfusionMatrix(path: string, matrix: readonly (readonly number[])[], classes: readonly string[], title = 'confusion matrix'): void {
  const k = classes.length,
    cell = 34,
    left = 70,
    top = 60;
  const canvas = new Canvas(left + k * cell + 20, top + k * cell + 40);
  canvas.text(title, canvas.width / 2, 8, TEXT, { scale: 2, align: 'center' });
  canvas.text('predicted', left + (k * cell) / 2, top - 26, TEXT, { align: 'center' });
  canvas.text('true', 12, top + (k * cell) / 2 + 10, TEXT, { vertical: true, align: 'center' });
  let offMax = 1;
  matrix.forEach((row, i) =>
    row.forEach((v, j) => {
      if (i !== j) offMax = Math.max(offMax, v);
    }),
  );
  for (let i = 0; i < k; i++) {
    canvas.text(classes[i]!.slice(0, 5), left - 4, top + i * cell + cell / 2 - 3, TEXT, { align: 'right' });
    canvas.text(classes[i]!.slice(0, 5), left + i * cell + cell / 2, top - 12, TEXT, { align: 'center' });
    for (let j = 0; j < k; j++) {
      const v = matrix[i]![j]!;
      // the diagonal in blue, mistakes in orange scaled to the largest mistake
      const color = i === j ? divergingColor(v > 0 ? 0.8 : 0) : divergingColor(-Math.sqrt(v / offMax));
      canvas.fillRect(left + j * cell, top + i * cell, cell - 1, cell - 1, color);
      const ink: RGB = i === j || v / offMax > 0.5 ? [255, 255, 255] : TEXT;
      canvas.text(String(v), left + j * cell + cell / 2, top + i * cell + cell / 2 - 3, ink, { align: 'center' });
    }
  }
  writePng(path, canvas.width, canvas.height, canvas.rgba);
}
