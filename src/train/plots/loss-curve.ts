// Loss curves: a line chart of (step, value) series, as SVG text or a PNG raster.
// Both renderers draw the same layout; the PNG's text uses the built-in 5x7 bitmap font.
import { Canvas } from './canvas.js';
import { hexToRgb, SERIES_COLORS, type RGB } from './colors.js';
import { linearTicks, logTicks, niceDomain, type Tick } from './ticks.js';
import { encodePng } from './png.js';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { textWidth } from './bitmap-font.js';
import { checkOptions, optionKeys } from '../../util/options.js';

export type LossSeries = { name: string; points: readonly (readonly [number, number])[] };

export type LossCurveOptions = {
  title?: string;
  /** Default 'step'. */
  xLabel?: string;
  /** Default 'loss'. */
  yLabel?: string;
  /** Log-scale y axis (all plotted values must then be positive). */
  logY?: boolean;
  /** Image size in pixels (default 800 x 500). */
  width?: number;
  height?: number;
};

type PlacedTick = { px: number; label: string };
type PlacedSeries = { name: string; color: string; segments: [number, number][][]; markers: boolean };

/** Everything both renderers need, in pixel coordinates (y grows downwards). */
type Layout = {
  width: number;
  height: number;
  plot: { x: number; y: number; w: number; h: number };
  xTicks: PlacedTick[];
  yTicks: PlacedTick[];
  series: PlacedSeries[];
  title?: string;
  xLabel: string;
  yLabel: string;
};

/** Series with at most this many points also get a dot at each point, so sparse curves stay readable. */
const MARKER_MAX_POINTS = 25;

const LOSS_CURVE_KEYS = optionKeys<LossCurveOptions>({ title: true, xLabel: true, yLabel: true, logY: true, width: true, height: true });

function layout(fn: string, series: readonly LossSeries[], opts: LossCurveOptions): Layout {
  checkOptions(fn, opts, LOSS_CURVE_KEYS);
  if (!Array.isArray(series)) throw new TypeError(`${fn}: expected an array of series {name, points}`);
  const width = opts.width ?? 800;
  const height = opts.height ?? 500;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 200 || height < 150) {
    throw new RangeError(`${fn}: width and height must be integers of at least 200 x 150, got ${width} x ${height}`);
  }
  const logY = opts.logY ?? false;
  // keep finite points; a non-finite value (a diverged loss) breaks the line there
  const cleaned = series.map((s, k) => {
    if (!s || typeof s.name !== 'string' || !Array.isArray(s.points)) throw new TypeError(`${fn}: series ${k} must be {name: string, points: [x, y][]}`);
    const segments: [number, number][][] = [[]];
    (s.points as readonly unknown[]).forEach((p: unknown, i: number) => {
      if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== 'number' || typeof p[1] !== 'number') {
        throw new TypeError(`${fn}: series '${s.name}' point ${i} must be a pair of numbers [x, y]`);
      }
      const [x, y] = p as [number, number];
      if (Number.isFinite(x) && Number.isFinite(y)) {
        if (logY && y <= 0) throw new RangeError(`${fn}: logY needs positive values, but series '${s.name}' has ${y} at x = ${x}`);
        segments[segments.length - 1]!.push([x, logY ? Math.log10(y) : y]);
      } else if (segments[segments.length - 1]!.length) {
        segments.push([]);
      }
    });
    return { name: s.name, segments: segments.filter((g) => g.length), count: s.points.length };
  });
  const all = cleaned.flatMap((s) => s.segments.flat());
  let [x0, x1] = all.length ? [Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0]))] : [0, 1];
  if (x0 === x1) [x0, x1] = [x0 - 1, x1 + 1];
  let [y0, y1] = all.length ? [Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1]))] : [0, 1];
  let yTicks: Tick[];
  if (logY) {
    [y0, y1] = [Math.floor(y0 + 1e-9), Math.ceil(y1 - 1e-9)];
    if (y0 === y1) y1 = y0 + 1;
    yTicks = logTicks(y0, y1);
  } else {
    [y0, y1] = niceDomain(y0, y1, 6);
    yTicks = linearTicks(y0, y1, 6);
  }
  const xTicks = linearTicks(x0, x1, 8).filter((t) => t.value >= x0 && t.value <= x1);
  const left = 24 + Math.max(36, ...yTicks.map((t) => textWidth(t.label, 2))) + 14;
  const top = opts.title ? 48 : 20;
  const plot = { x: left, y: top, w: width - left - 36, h: height - top - 58 };
  const px = (x: number): number => plot.x + ((x - x0) / (x1 - x0)) * plot.w;
  const py = (y: number): number => plot.y + plot.h - ((y - y0) / (y1 - y0)) * plot.h;
  return {
    width,
    height,
    plot,
    xTicks: xTicks.map((t) => ({ px: px(t.value), label: t.label })),
    yTicks: yTicks.map((t) => ({ px: py(t.value), label: t.label })),
    series: cleaned.map((s, k) => ({
      name: s.name,
      color: SERIES_COLORS[k % SERIES_COLORS.length]!,
      segments: s.segments.map((g) => g.map(([x, y]) => [px(x), py(y)] as [number, number])),
      markers: s.count <= MARKER_MAX_POINTS,
    })),
    title: opts.title,
    xLabel: opts.xLabel ?? 'step',
    yLabel: (opts.yLabel ?? 'loss') + (logY ? ' (log scale)' : ''),
  };
}

const escapeXml = (s: string): string => s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
const f = (v: number): string => String(Math.round(v * 100) / 100);

const AXIS = '#444444';
const GRID = '#e6e6e6';
const TEXT = '#222222';

/** Legend box geometry: the inside corner of the plot that hides the fewest data points (top-right first). */
function legendBox(l: Layout, nameWidth: (s: string) => number): { x: number; y: number; w: number; h: number; row: number } {
  const row = 20;
  const w = 44 + Math.max(0, ...l.series.map((s) => nameWidth(s.name)));
  const h = l.series.length * row + 8;
  const { x, y, w: pw, h: ph } = l.plot;
  const corners = [
    [x + pw - w - 10, y + 10],
    [x + pw - w - 10, y + ph - h - 10],
    [x + 10, y + 10],
    [x + 10, y + ph - h - 10],
  ] as const;
  const points = l.series.flatMap((s) => s.segments.flat());
  let best: readonly [number, number] = corners[0];
  let fewest = Infinity;
  for (const c of corners) {
    const hidden = points.filter(([px, py]) => px >= c[0] - 4 && px <= c[0] + w + 4 && py >= c[1] - 4 && py <= c[1] + h + 4).length;
    if (hidden < fewest) [best, fewest] = [c, hidden];
  }
  return { x: best[0], y: best[1], w, h, row };
}

/** An SVG line chart of the series: axes with ticks and grid, axis labels, optional title and a legend. */
export function lossCurveSvg(series: readonly LossSeries[], opts: LossCurveOptions = {}): string {
  const l = layout('lossCurveSvg', series, opts);
  const { x, y, w, h } = l.plot;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${l.width}" height="${l.height}" viewBox="0 0 ${l.width} ${l.height}" font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" font-size="13" fill="${TEXT}">`,
  );
  out.push(`<rect width="${l.width}" height="${l.height}" fill="#ffffff"/>`);
  out.push(`<defs><clipPath id="plot-area"><rect x="${f(x)}" y="${f(y)}" width="${f(w)}" height="${f(h)}"/></clipPath></defs>`);
  if (l.title) {
    // shrink a long title to fit (about 0.6 em per character in a sans-serif font)
    const size = Math.max(9, Math.min(17, (l.width - 20) / (0.6 * l.title.length)));
    out.push(`<text x="${f(l.width / 2)}" y="30" text-anchor="middle" font-size="${f(size)}" font-weight="600">${escapeXml(l.title)}</text>`);
  }
  out.push('<g class="grid" stroke="' + GRID + '" stroke-width="1">');
  for (const t of l.yTicks) out.push(`<line x1="${f(x)}" y1="${f(t.px)}" x2="${f(x + w)}" y2="${f(t.px)}"/>`);
  for (const t of l.xTicks) out.push(`<line x1="${f(t.px)}" y1="${f(y)}" x2="${f(t.px)}" y2="${f(y + h)}"/>`);
  out.push('</g>');
  out.push(
    `<g class="axes" stroke="${AXIS}" stroke-width="1"><line x1="${f(x)}" y1="${f(y + h)}" x2="${f(x + w)}" y2="${f(y + h)}"/><line x1="${f(x)}" y1="${f(y)}" x2="${f(x)}" y2="${f(y + h)}"/>`,
  );
  for (const t of l.yTicks) out.push(`<line x1="${f(x - 5)}" y1="${f(t.px)}" x2="${f(x)}" y2="${f(t.px)}"/>`);
  for (const t of l.xTicks) out.push(`<line x1="${f(t.px)}" y1="${f(y + h)}" x2="${f(t.px)}" y2="${f(y + h + 5)}"/>`);
  out.push('</g>');
  out.push('<g class="tick-labels" font-size="12">');
  for (const t of l.yTicks) out.push(`<text x="${f(x - 9)}" y="${f(t.px + 4)}" text-anchor="end">${escapeXml(t.label)}</text>`);
  for (const t of l.xTicks) out.push(`<text x="${f(t.px)}" y="${f(y + h + 20)}" text-anchor="middle">${escapeXml(t.label)}</text>`);
  out.push('</g>');
  out.push(`<text x="${f(x + w / 2)}" y="${f(l.height - 14)}" text-anchor="middle">${escapeXml(l.xLabel)}</text>`);
  out.push(`<text transform="translate(18 ${f(y + h / 2)}) rotate(-90)" text-anchor="middle">${escapeXml(l.yLabel)}</text>`);
  out.push('<g class="series" clip-path="url(#plot-area)" fill="none" stroke-width="2" stroke-linejoin="round" stroke-linecap="round">');
  for (const s of l.series) {
    for (const seg of s.segments) {
      out.push(
        `<path stroke="${s.color}" d="${seg.map(([px, py], i) => `${i ? 'L' : 'M'}${f(px)} ${f(py)}`).join(' ')}"><title>${escapeXml(s.name)}</title></path>`,
      );
      if (s.markers) for (const [px, py] of seg) out.push(`<circle cx="${f(px)}" cy="${f(py)}" r="3" fill="${s.color}" stroke="none"/>`);
    }
  }
  out.push('</g>');
  if (l.series.length) {
    const b = legendBox(l, (s) => s.length * 7.5);
    out.push(
      `<g class="legend"><rect x="${f(b.x)}" y="${f(b.y)}" width="${f(b.w)}" height="${f(b.h)}" rx="4" fill="#ffffff" fill-opacity="0.9" stroke="#cccccc"/>`,
    );
    l.series.forEach((s, k) => {
      const cy = b.y + 4 + b.row * k + b.row / 2;
      out.push(
        `<line x1="${f(b.x + 10)}" y1="${f(cy)}" x2="${f(b.x + 32)}" y2="${f(cy)}" stroke="${s.color}" stroke-width="2.5"/><text x="${f(b.x + 38)}" y="${f(cy + 4)}">${escapeXml(s.name)}</text>`,
      );
    });
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** The same chart as an RGBA raster (text in the built-in 5x7 bitmap font at 2x). */
export function lossCurveImage(series: readonly LossSeries[], opts: LossCurveOptions = {}): { width: number; height: number; rgba: Uint8Array } {
  const l = layout('lossCurveImage', series, opts);
  const { x, y, w, h } = l.plot;
  const c = new Canvas(l.width, l.height);
  const axis = hexToRgb(AXIS);
  const grid = hexToRgb(GRID);
  const text = hexToRgb(TEXT);
  const crisp = (v: number): number => Math.round(v - 0.5) + 0.5; // 1 px lines on pixel centres
  for (const t of l.yTicks) c.line(x, crisp(t.px), x + w, crisp(t.px), grid);
  for (const t of l.xTicks) c.line(crisp(t.px), y, crisp(t.px), y + h, grid);
  c.line(x, crisp(y + h), x + w, crisp(y + h), axis);
  c.line(crisp(x), y, crisp(x), y + h, axis);
  for (const t of l.yTicks) {
    c.line(x - 5, crisp(t.px), x, crisp(t.px), axis);
    c.text(t.label, x - 9, Math.round(t.px) - 7, text, { scale: 2, align: 'right' });
  }
  for (const t of l.xTicks) {
    c.line(crisp(t.px), y + h, crisp(t.px), y + h + 5, axis);
    c.text(t.label, t.px, y + h + 10, text, { scale: 2, align: 'center' });
  }
  if (l.title) {
    // the largest bitmap scale that fits, cutting the title short only if even scale 1 does not
    const room = l.width - 20;
    const scale = [3, 2, 1].find((k) => textWidth(l.title!, k) <= room) ?? 1;
    const maxChars = Math.floor((room + 1) / 6);
    const title = textWidth(l.title, scale) <= room ? l.title : l.title.slice(0, maxChars - 3) + '...';
    c.text(title, l.width / 2, scale === 3 ? 14 : 18, text, { scale, align: 'center' });
  }
  c.text(l.xLabel, x + w / 2, l.height - 22, text, { scale: 2, align: 'center' });
  c.text(l.yLabel, 6, y + h / 2, text, { scale: 2, align: 'center', vertical: true });
  for (const s of l.series) {
    const color = hexToRgb(s.color);
    for (const seg of s.segments) {
      const inside = seg.map(([px, py]) => [Math.max(x, Math.min(x + w, px)), Math.max(y, Math.min(y + h, py))] as [number, number]);
      c.polyline(inside, color, 2);
      if (s.markers) for (const [px, py] of inside) c.fillCircle(px, py, 3, color);
    }
  }
  if (l.series.length) {
    const b = legendBox(l, (s) => textWidth(s, 2));
    c.fillRect(b.x, b.y, b.w, b.h, [255, 255, 255], 0.9);
    const border: RGB = [204, 204, 204];
    c.line(b.x, crisp(b.y), b.x + b.w, crisp(b.y), border);
    c.line(b.x, crisp(b.y + b.h), b.x + b.w, crisp(b.y + b.h), border);
    c.line(crisp(b.x), b.y, crisp(b.x), b.y + b.h, border);
    c.line(crisp(b.x + b.w), b.y, crisp(b.x + b.w), b.y + b.h, border);
    l.series.forEach((s, k) => {
      const cy = b.y + 4 + b.row * k + b.row / 2;
      c.line(b.x + 10, cy, b.x + 32, cy, hexToRgb(s.color), 2.5);
      c.text(s.name, b.x + 38, Math.round(cy) - 7, text, { scale: 2 });
    });
  }
  return { width: l.width, height: l.height, rgba: c.rgba };
}

/** Writes the chart to `path` atomically: SVG when it ends in .svg, PNG when it ends in .png; parent folders are created. */
export function writeLossCurve(path: string, series: readonly LossSeries[], opts: LossCurveOptions = {}): void {
  const lower = path.toLowerCase();
  let data: string | Uint8Array;
  if (lower.endsWith('.svg')) data = lossCurveSvg(series, opts);
  else if (lower.endsWith('.png')) {
    const img = lossCurveImage(series, opts);
    data = encodePng(img.width, img.height, img.rgba);
  } else throw new RangeError(`writeLossCurve: cannot tell the format of '${path}', expected a path ending in .svg or .png`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, data);
}
