// Attention maps: the weights a model puts on each source token (columns, labelled along the top)
// while producing each target token (rows, labelled down the left), as a white → dark blue heat
// map with a colour bar, in PNG or SVG. Labels are drawn from a real font (font.ts: Chinese and
// English alike); the SVG embeds the glyphs as paths. For a Transformer, a grid of small multiples:
// one map per head (columns) and layer (rows), captioned "layer 1 head 2", on one colour scale.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { Tensor } from '../../tensor/tensor.js';
import { checkOptions, optionKeys } from '../../util/options.js';
import { Canvas } from './canvas.js';
import { type RGB, rgbToHex, sequentialColor } from './colors.js';
import type { RgbaImage } from './decision-boundary.js';
import { type FontChoice, resolveFont } from './font.js';
import { encodePng } from './png.js';
import { drawText, layoutText, SVG_FONT_FAMILY, SvgGlyphs, type TextBox, type TextEngine, textSvg } from './text.js';

/** Weights of one map: rows = target tokens, columns = source tokens. A Tensor must be 2-D. */
export type AttentionWeights = readonly (readonly number[])[] | Tensor;
/** Weights of a grid: [layer][head][target][source], or [head][target][source] for one layer; a Tensor of rank 4 or 3. */
export type AttentionStack = readonly (readonly (readonly (readonly number[])[])[])[] | readonly (readonly (readonly number[])[])[] | Tensor;

export type AttentionMapOptions = {
  /** Drawn above the map(s). */
  title?: string;
  /** Pixels per matrix cell (default 40 for one map, 30 in a grid). */
  cellSize?: number;
  /** Label size in pixels per em (default 16). */
  fontSize?: number;
  /**
   * The font for the labels: a .ttf/.otf/.ttc/.woff/.woff2 path ('file.ttc#PostScriptName' picks a
   * face), a PlotFont, or null for the built-in bitmap font. Default: $DEEPTS_FONT, else the first
   * installed of FONT_SEARCH_PATHS (Debian: fonts-noto-cjk), else the bitmap font with a warning.
   */
  font?: FontChoice;
  /** Print each weight in its cell (default false). */
  showValues?: boolean;
  /** The weight drawn darkest (default: the largest weight shown, so the scale is 0 … max). */
  max?: number;
};

const KEYS = optionKeys<AttentionMapOptions>({ title: true, cellSize: true, fontSize: true, font: true, showValues: true, max: true });

const TEXT: RGB = [34, 34, 34];
const MUTED: RGB = [90, 90, 90];
const FRAME: RGB = [170, 170, 170];
/** Labels longer than this many characters are cut short with '...'. */
const MAX_LABEL_CHARS = 24;

type Panel = { caption?: string; weights: number[][] };

type Options = { title?: string; cellSize: number; fontSize: number; font: FontChoice | undefined; showValues: boolean; max?: number };

function parseOptions(fn: string, opts: AttentionMapOptions, grid: boolean): Options {
  checkOptions(fn, opts, KEYS);
  const cellSize = opts.cellSize ?? (grid ? 30 : 40);
  const fontSize = opts.fontSize ?? 16;
  if (!Number.isInteger(cellSize) || cellSize < 4 || cellSize > 400)
    throw new RangeError(`${fn}: cellSize must be an integer in [4, 400], got ${String(cellSize)}`);
  if (typeof fontSize !== 'number' || !(fontSize >= 6 && fontSize <= 200))
    throw new RangeError(`${fn}: fontSize must be a number in [6, 200], got ${String(fontSize)}`);
  if (opts.title !== undefined && typeof opts.title !== 'string') throw new TypeError(`${fn}: title must be a string, got ${typeof opts.title}`);
  if (opts.showValues !== undefined && typeof opts.showValues !== 'boolean')
    throw new TypeError(`${fn}: showValues must be true or false, got ${String(opts.showValues)}`);
  if (opts.max !== undefined && !(typeof opts.max === 'number' && opts.max > 0 && Number.isFinite(opts.max)))
    throw new RangeError(`${fn}: max must be a positive finite number, got ${String(opts.max)}`);
  return { title: opts.title, cellSize, fontSize, font: opts.font, showValues: opts.showValues ?? false, max: opts.max };
}

function checkTokens(fn: string, name: string, tokens: readonly string[]): void {
  if (!Array.isArray(tokens)) throw new TypeError(`${fn}: ${name} must be an array of strings, got ${typeof tokens}`);
  if (tokens.length === 0) throw new RangeError(`${fn}: ${name} is empty; an attention map needs at least one source and one target token`);
  tokens.forEach((t, i) => {
    if (typeof t !== 'string') throw new TypeError(`${fn}: ${name}[${i}] must be a string, got ${typeof t}`);
  });
}

/** The nesting depth of arrays (1 for number[], 2 for number[][], …). */
function depth(v: unknown): number {
  let d = 0;
  while (Array.isArray(v)) {
    d++;
    v = v[0];
  }
  return d;
}

/** A (target × source) matrix of non-negative finite numbers matching the tokens; errors name the shapes. */
function checkMatrix(fn: string, where: string, m: unknown, src: readonly string[], tgt: readonly string[]): number[][] {
  const expected = `${tgt.length} × ${src.length} (target tokens × source tokens)`;
  if (!Array.isArray(m)) throw new TypeError(`${fn}: ${where} must be a 2-D array of numbers (target × source), got ${typeof m}`);
  if (m.length !== tgt.length) {
    const cols = Array.isArray(m[0]) ? m[0].length : '?';
    throw new RangeError(
      `${fn}: ${where} is ${m.length} × ${cols} but there are ${tgt.length} target tokens and ${src.length} source tokens; expected ${expected}`,
    );
  }
  return m.map((row: unknown, i) => {
    if (!Array.isArray(row)) throw new TypeError(`${fn}: ${where}[${i}] must be an array of numbers, got ${typeof row}`);
    if (row.length !== src.length)
      throw new RangeError(`${fn}: ${where} row ${i} has ${row.length} values but there are ${src.length} source tokens; expected ${expected}`);
    return row.map((v: unknown, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
        throw new RangeError(
          `${fn}: ${where}[${i}][${j}] is ${String(v)}; attention weights must be finite and ≥ 0 (row ${i}: '${tgt[i]}', column ${j}: '${src[j]}')`,
        );
      return v;
    });
  });
}

function tensorArray(fn: string, t: Tensor, ranks: readonly number[]): unknown {
  if (!ranks.includes(t.shape.length)) throw new RangeError(`${fn}: expected a ${ranks.join('-D or ')}-D tensor of weights, got shape [${t.shape.join(', ')}]`);
  return t.toArray();
}

const clip = (s: string): string => ([...s].length > MAX_LABEL_CHARS ? [...s].slice(0, MAX_LABEL_CHARS - 1).join('') + '...' : s);

/** A value as the colour bar and cells print it: 0, 0.25, 1, 1.5 (up to two decimals, trailing zeros dropped). */
function formatWeight(v: number): string {
  return String(Math.round(v * 100) / 100);
}

type SceneRect = { x: number; y: number; w: number; h: number; color: RGB; title?: string };
type SceneText = { box: TextBox; x: number; y: number; color: RGB };
type Scene = {
  width: number;
  height: number;
  cells: SceneRect[];
  lines: SceneRect[];
  texts: SceneText[];
  bar: { x: number; y: number; w: number; h: number };
};

/** Everything both renderers draw, in pixels: panels of cells with their labels, captions, the title and the colour bar. */
function scene(engine: TextEngine, panels: readonly Panel[], cols: number, src: readonly string[], tgt: readonly string[], o: Options): Scene {
  const cell = o.cellSize;
  const fs = o.fontSize;
  const pad = 14;
  const gap = Math.round(fs * 0.5); // between labels and the matrix
  const texts: SceneText[] = [];
  const cells: SceneRect[] = [];
  const lines: SceneRect[] = [];
  // source tokens along the top: horizontal when every one fits its column, else vertical (top to bottom, CJK upright)
  let top = src.map((t) => layoutText(engine, clip(t), fs));
  const horizontal = top.every((b) => b.width <= cell - 2);
  if (!horizontal) top = src.map((t) => layoutText(engine, clip(t), fs, true));
  const topH = Math.max(...top.map((b) => b.height)) + gap;
  const left = tgt.map((t) => layoutText(engine, clip(t), fs));
  const leftW = Math.ceil(Math.max(...left.map((b) => b.width))) + gap;
  const captions = panels.map((p) => (p.caption ? layoutText(engine, p.caption, fs * 0.9) : null));
  const captionH = captions.some((c) => c) ? Math.ceil(Math.max(...captions.map((c) => c?.height ?? 0))) + Math.round(fs * 0.6) : 0;
  const matW = src.length * cell,
    matH = tgt.length * cell;
  const panelW = leftW + matW,
    panelH = captionH + Math.ceil(topH) + matH;
  const panelGap = Math.round(fs * 1.8);
  const title = o.title ? layoutText(engine, o.title, Math.round(fs * 1.25)) : null;
  const titleH = title ? Math.ceil(title.height) + Math.round(fs * 0.8) : 0;
  const rows = Math.ceil(panels.length / cols);
  const gridW = cols * panelW + (cols - 1) * panelGap;
  const gridTop = pad + titleH;
  // shared colour scale, 0 … max
  let max = o.max ?? 0;
  if (o.max === undefined) for (const p of panels) for (const r of p.weights) for (const v of r) if (v > max) max = v;
  if (!(max > 0)) max = 1;
  panels.forEach((p, k) => {
    const px = pad + (k % cols) * (panelW + panelGap);
    const py = gridTop + Math.floor(k / cols) * (panelH + panelGap);
    const cap = captions[k];
    if (cap) texts.push({ box: cap, x: Math.round(px + leftW + (matW - cap.width) / 2), y: py, color: MUTED });
    const mx = px + leftW,
      my = py + captionH + Math.ceil(topH);
    top.forEach((b, j) => {
      // centred on the column, ending just above the matrix
      texts.push({ box: b, x: Math.round(mx + j * cell + (cell - b.width) / 2), y: Math.round(my - gap - b.height), color: TEXT });
    });
    left.forEach((b, i) => {
      texts.push({ box: b, x: Math.round(mx - gap - b.width), y: Math.round(my + i * cell + (cell - b.height) / 2), color: TEXT });
    });
    const valueSize = Math.min(fs * 0.75, cell * 0.36);
    p.weights.forEach((row, i) =>
      row.forEach((v, j) => {
        const color = sequentialColor(v / max);
        cells.push({ x: mx + j * cell, y: my + i * cell, w: cell, h: cell, color, title: `${src[j]} → ${tgt[i]}: ${+v.toPrecision(3)}` });
        if (o.showValues) {
          const label = v >= 0.995 ? formatWeight(v) : v.toFixed(2).replace(/^0\./, '.'); // .07, .80, 1
          const b = layoutText(engine, label, valueSize);
          const ink: RGB = v / max > 0.5 ? [255, 255, 255] : TEXT;
          texts.push({ box: b, x: Math.round(mx + j * cell + (cell - b.width) / 2), y: Math.round(my + i * cell + (cell - b.height) / 2), color: ink });
        }
      }),
    );
    // a thin frame, so white (unattended) cells at the edge still read as part of the matrix
    lines.push({ x: mx - 1, y: my - 1, w: matW + 2, h: 1, color: FRAME });
    lines.push({ x: mx - 1, y: my + matH, w: matW + 2, h: 1, color: FRAME });
    lines.push({ x: mx - 1, y: my, w: 1, h: matH, color: FRAME });
    lines.push({ x: mx + matW, y: my, w: 1, h: matH, color: FRAME });
  });
  // the colour bar right of the grid, level with the first matrix: max at the top, 0 at the bottom
  const barX = pad + gridW + Math.round(fs * 1.6);
  const barY = gridTop + captionH + Math.ceil(topH);
  const barH = Math.max(60, Math.min(rows * panelH + (rows - 1) * panelGap - captionH - Math.ceil(topH), 240));
  const barW = Math.max(10, Math.round(fs * 0.8));
  lines.push({ x: barX - 1, y: barY - 1, w: barW + 2, h: 1, color: FRAME }, { x: barX - 1, y: barY + barH, w: barW + 2, h: 1, color: FRAME });
  lines.push({ x: barX - 1, y: barY, w: 1, h: barH, color: FRAME }, { x: barX + barW, y: barY, w: 1, h: barH, color: FRAME });
  const tickSize = Math.round(fs * 0.85);
  let tickW = 0;
  for (const [v, frac] of [
    [max, 0],
    [max / 2, 0.5],
    [0, 1],
  ] as const) {
    const b = layoutText(engine, formatWeight(v), tickSize);
    const ty = barY + frac * barH;
    lines.push({ x: barX + barW + 1, y: Math.round(ty - 0.5), w: 4, h: 1, color: FRAME });
    texts.push({
      box: b,
      x: barX + barW + 8,
      y: Math.round(Math.min(barY + barH - b.height / 2, Math.max(barY - b.height / 2, ty - b.height / 2))),
      color: MUTED,
    });
    tickW = Math.max(tickW, b.width);
  }
  const width = Math.ceil(barX + barW + 8 + tickW + pad);
  if (title) texts.push({ box: title, x: Math.round(Math.max(pad, (Math.max(width, title.width + 2 * pad) - title.width) / 2)), y: pad, color: TEXT });
  const height = Math.ceil(Math.max(gridTop + rows * panelH + (rows - 1) * panelGap, barY + barH + tickSize) + pad);
  return { width: Math.max(width, Math.ceil((title?.width ?? 0) + 2 * pad)), height, cells, lines, texts, bar: { x: barX, y: barY, w: barW, h: barH } };
}

function renderPng(s: Scene): RgbaImage {
  const c = new Canvas(s.width, s.height);
  for (const r of s.cells) c.fillRect(r.x, r.y, r.w, r.h, r.color);
  for (let y = 0; y < s.bar.h; y++) c.fillRect(s.bar.x, s.bar.y + y, s.bar.w, 1, sequentialColor(1 - (y + 0.5) / s.bar.h));
  for (const r of s.lines) c.fillRect(r.x, r.y, r.w, r.h, r.color);
  for (const t of s.texts) drawText(c, t.box, t.x, t.y, t.color);
  return { width: c.width, height: c.height, rgba: c.rgba };
}

const escapeXml = (s: string): string => s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

function renderSvg(s: Scene, engine: TextEngine, title?: string): string {
  const glyphs = new SvgGlyphs();
  const body: string[] = [];
  body.push(`<rect width="${s.width}" height="${s.height}" fill="#ffffff"/>`);
  body.push('<g class="cells" shape-rendering="crispEdges">');
  for (const r of s.cells)
    body.push(
      `<rect class="cell" x="${r.x}" y="${r.y}" width="${r.w}" height="${r.h}" fill="${rgbToHex(r.color)}"><title>${escapeXml(r.title ?? '')}</title></rect>`,
    );
  body.push('</g>');
  const stops = Array.from({ length: 9 }, (_, i) => `<stop offset="${i / 8}" stop-color="${rgbToHex(sequentialColor(1 - i / 8))}"/>`).join('');
  body.push(`<rect class="colorbar" x="${s.bar.x}" y="${s.bar.y}" width="${s.bar.w}" height="${s.bar.h}" fill="url(#attention-scale)"/>`);
  body.push('<g class="frames" shape-rendering="crispEdges">');
  for (const r of s.lines) body.push(`<rect x="${r.x}" y="${r.y}" width="${r.w}" height="${r.h}" fill="${rgbToHex(r.color)}"/>`);
  body.push('</g>');
  body.push('<g class="labels">');
  for (const t of s.texts) body.push(textSvg(t.box, t.x, t.y, rgbToHex(t.color), glyphs));
  body.push('</g>');
  const fontAttr = engine.font ? '' : ` font-family="${escapeXml(SVG_FONT_FAMILY)}"`;
  const head = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${s.width}" height="${s.height}" viewBox="0 0 ${s.width} ${s.height}"${fontAttr}>`;
  const gradient = `<linearGradient id="attention-scale" x1="0" y1="0" x2="0" y2="1">${stops}</linearGradient>`;
  const allDefs = ['<defs>', gradient, ...glyphs.definitions(), '</defs>'].join('\n');
  return [head, title ? `<title>${escapeXml(title)}</title>` : '', allDefs, ...body, '</svg>'].filter((l) => l).join('\n') + '\n';
}

function singlePanel(
  fn: string,
  weights: AttentionWeights,
  src: readonly string[],
  tgt: readonly string[],
  opts: AttentionMapOptions,
): { panels: Panel[]; o: Options } {
  const o = parseOptions(fn, opts, false);
  checkTokens(fn, 'sourceTokens', src);
  checkTokens(fn, 'targetTokens', tgt);
  const raw = weights instanceof Tensor ? tensorArray(fn, weights, [2]) : weights;
  return { panels: [{ weights: checkMatrix(fn, 'weights', raw, src, tgt) }], o };
}

function gridPanels(
  fn: string,
  weights: AttentionStack,
  src: readonly string[],
  tgt: readonly string[],
  opts: AttentionMapOptions,
): { panels: Panel[]; cols: number; o: Options } {
  const o = parseOptions(fn, opts, true);
  checkTokens(fn, 'sourceTokens', src);
  checkTokens(fn, 'targetTokens', tgt);
  let raw: unknown = weights instanceof Tensor ? tensorArray(fn, weights, [3, 4]) : weights;
  const d = depth(raw);
  if (d === 3) raw = [raw];
  else if (d !== 4)
    throw new RangeError(`${fn}: weights must be [layer][head][target][source] (or [head][target][source] for one layer), got a ${d}-level nested array`);
  const layers = raw as unknown[][];
  if (!layers.length || !layers[0]!.length) throw new RangeError(`${fn}: weights holds no heads`);
  const heads = layers[0]!.length;
  const panels: Panel[] = [];
  layers.forEach((layer, l) => {
    if (!Array.isArray(layer) || layer.length !== heads)
      throw new RangeError(
        `${fn}: layer ${l + 1} has ${Array.isArray(layer) ? layer.length : 0} heads but layer 1 has ${heads}; every layer needs the same number`,
      );
    layer.forEach((m, h) => {
      panels.push({ caption: `layer ${l + 1} head ${h + 1}`, weights: checkMatrix(fn, `weights[${l}][${h}] (layer ${l + 1} head ${h + 1})`, m, src, tgt) });
    });
  });
  return { panels, cols: heads, o };
}

/**
 * An attention map as an RGBA raster: `weights[i][j]` is how much target token i attends to source
 * token j (rows = targetTokens, columns = sourceTokens), white at 0 to dark blue at the largest
 * weight (or `max`), with a colour bar.
 */
export function attentionMapImage(
  weights: AttentionWeights,
  sourceTokens: readonly string[],
  targetTokens: readonly string[],
  opts: AttentionMapOptions = {},
): RgbaImage {
  const { panels, o } = singlePanel('attentionMapImage', weights, sourceTokens, targetTokens, opts);
  const engine: TextEngine = { font: resolveFont(o.font), target: 'raster' };
  return renderPng(scene(engine, panels, 1, sourceTokens, targetTokens, o));
}

/** The same map as SVG text; labels are the font's glyphs as paths (legible without the font), or <text> when no font is found. */
export function attentionMapSvg(
  weights: AttentionWeights,
  sourceTokens: readonly string[],
  targetTokens: readonly string[],
  opts: AttentionMapOptions = {},
): string {
  const { panels, o } = singlePanel('attentionMapSvg', weights, sourceTokens, targetTokens, opts);
  const engine: TextEngine = { font: resolveFont(o.font), target: 'svg' };
  return renderSvg(scene(engine, panels, 1, sourceTokens, targetTokens, o), engine, o.title);
}

/** Small multiples for a Transformer: one map per head (columns) and layer (rows), captioned "layer l head h", on one shared colour scale. */
export function attentionGridImage(
  weights: AttentionStack,
  sourceTokens: readonly string[],
  targetTokens: readonly string[],
  opts: AttentionMapOptions = {},
): RgbaImage {
  const { panels, cols, o } = gridPanels('attentionGridImage', weights, sourceTokens, targetTokens, opts);
  const engine: TextEngine = { font: resolveFont(o.font), target: 'raster' };
  return renderPng(scene(engine, panels, cols, sourceTokens, targetTokens, o));
}

/** The grid as SVG text. */
export function attentionGridSvg(
  weights: AttentionStack,
  sourceTokens: readonly string[],
  targetTokens: readonly string[],
  opts: AttentionMapOptions = {},
): string {
  const { panels, cols, o } = gridPanels('attentionGridSvg', weights, sourceTokens, targetTokens, opts);
  const engine: TextEngine = { font: resolveFont(o.font), target: 'svg' };
  return renderSvg(scene(engine, panels, cols, sourceTokens, targetTokens, o), engine, o.title);
}

function write(fn: string, path: string, svg: () => string, png: () => RgbaImage): void {
  if (typeof path !== 'string') throw new TypeError(`${fn}: path must be a string, got ${typeof path}`);
  const lower = path.toLowerCase();
  let data: string | Uint8Array;
  if (lower.endsWith('.svg')) data = svg();
  else if (lower.endsWith('.png')) {
    const img = png();
    data = encodePng(img.width, img.height, img.rgba);
  } else throw new RangeError(`${fn}: cannot tell the format of '${path}', expected a path ending in .png or .svg`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, data);
}

/** Writes an attention map to `path` atomically: PNG for .png, SVG for .svg; parent folders are created. */
export function writeAttentionMap(
  path: string,
  weights: AttentionWeights,
  sourceTokens: readonly string[],
  targetTokens: readonly string[],
  opts: AttentionMapOptions = {},
): void {
  const fn = 'writeAttentionMap';
  write(
    fn,
    path,
    () => renderOne(fn, 'svg', weights, sourceTokens, targetTokens, opts) as string,
    () => renderOne(fn, 'raster', weights, sourceTokens, targetTokens, opts) as RgbaImage,
  );
}

/** Writes a layer × head grid of attention maps to `path` atomically: PNG for .png, SVG for .svg. */
export function writeAttentionGrid(
  path: string,
  weights: AttentionStack,
  sourceTokens: readonly string[],
  targetTokens: readonly string[],
  opts: AttentionMapOptions = {},
): void {
  const fn = 'writeAttentionGrid';
  const render = (target: 'raster' | 'svg'): RgbaImage | string => {
    const { panels, cols, o } = gridPanels(fn, weights, sourceTokens, targetTokens, opts);
    const engine: TextEngine = { font: resolveFont(o.font), target };
    const s = scene(engine, panels, cols, sourceTokens, targetTokens, o);
    return target === 'svg' ? renderSvg(s, engine, o.title) : renderPng(s);
  };
  write(
    fn,
    path,
    () => render('svg') as string,
    () => render('raster') as RgbaImage,
  );
}

function renderOne(
  fn: string,
  target: 'raster' | 'svg',
  weights: AttentionWeights,
  src: readonly string[],
  tgt: readonly string[],
  opts: AttentionMapOptions,
): RgbaImage | string {
  const { panels, o } = singlePanel(fn, weights, src, tgt, opts);
  const engine: TextEngine = { font: resolveFont(o.font), target };
  const s = scene(engine, panels, 1, src, tgt, o);
  return target === 'svg' ? renderSvg(s, engine, o.title) : renderPng(s);
}
