// Text for plots that must carry any language: a label is laid out once (font.ts's shaping, or the
// bitmap font when there is no font) into a box of positioned items, then drawn into a Canvas
// (outlines flattened and filled with exact-area anti-aliasing) or written as SVG (the font's
// glyphs as <path>s, defined once and <use>d, so the file is legible without the font; with no
// font, <text> with a CJK font-family list). Vertical labels run top to bottom as in vertical CJK
// writing: Chinese, Japanese and Korean characters stay upright, other runs turn 90° clockwise.
import type { Canvas } from './canvas.js';
import { GLYPH_ADVANCE, GLYPH_HEIGHT, glyphPixels } from './bitmap-font.js';
import type { RGB } from './colors.js';
import { type PathCommand, type PlotFont, warnMissingGlyph } from './font.js';

/** One drawn piece of a label, in pixels relative to its box's top-left corner. */
export type TextItem =
  /** A font glyph with its baseline origin at (x, y); rotated: turned 90° clockwise. */
  | { kind: 'glyph'; font: PlotFont; id: number; x: number; y: number; scale: number; rotated: boolean }
  /** A bitmap-font character whose capitals' top-left corner is at (x, y) (rotated: top-right). */
  | { kind: 'bitmap'; ch: string; x: number; y: number; scale: number; rotated: boolean }
  /** A character no font can draw: an outlined box. */
  | { kind: 'box'; x: number; y: number; w: number; h: number }
  /** SVG without a font: the text itself, left end of its baseline at (x, y). */
  | { kind: 'text'; text: string; x: number; y: number; size: number; vertical: boolean };

export type TextBox = { text: string; width: number; height: number; items: TextItem[] };

/** How text is drawn: with a font, or (null) the bitmap font for PNGs and <text> for SVGs. */
export type TextEngine = { font: PlotFont | null; target: 'raster' | 'svg' };

/** Characters that stand upright in vertical text (Han, kana, Hangul, Bopomofo, CJK and full-width punctuation). */
const UPRIGHT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}\u3000-\u303f\u30fc\uff01-\uff60\uffe0-\uffe6]/u;

/** Font families an SVG without embedded glyphs asks for, CJK-capable ones first. */
export const SVG_FONT_FAMILY = "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', 'WenQuanYi Micro Hei', 'Noto Sans', sans-serif";

/** Splits text into runs of upright (CJK) and other characters. */
function runs(text: string): { text: string; upright: boolean }[] {
  const out: { text: string; upright: boolean }[] = [];
  for (const ch of text) {
    const upright = UPRIGHT.test(ch);
    const last = out[out.length - 1];
    if (last && last.upright === upright) last.text += ch;
    else out.push({ text: ch, upright });
  }
  return out;
}

/**
 * Lays out one line of text at `size` pixels per em. Horizontal: the box is the advance wide and
 * one em box tall. Vertical (top to bottom): one em wide, the advances tall.
 */
export function layoutText(engine: TextEngine, text: string, size: number, vertical = false): TextBox {
  const font = engine.font;
  if (font) return layoutWithFont(font, text, size, vertical);
  return engine.target === 'svg' ? layoutSvgText(text, size, vertical) : layoutBitmap(text, size, vertical);
}

function layoutWithFont(font: PlotFont, text: string, size: number, vertical: boolean): TextBox {
  const s = size / font.unitsPerEm;
  const emAbove = font.ascent * s; // baseline below the top of the em box
  const emBelow = -font.descent * s;
  const items: TextItem[] = [];
  let pen = 0;
  const missing = (g: { text: string }, along: number, advance: number): void => {
    warnMissingGlyph(font, g.text);
    const side = 0.7 * size;
    const across = (emAbove + emBelow - side) / 2;
    items.push(
      vertical
        ? { kind: 'box', x: across, y: along + (advance - side) / 2, w: side, h: side }
        : { kind: 'box', x: along + (advance - side) / 2, y: across, w: side, h: side },
    );
  };
  if (!vertical) {
    for (const g of font.shape(text)) {
      if (g.id === 0) missing(g, pen, Math.max(g.xAdvance * s, 0.8 * size));
      else items.push({ kind: 'glyph', font, id: g.id, x: pen + g.xOffset * s, y: Math.round(emAbove - g.yOffset * s), scale: s, rotated: false });
      pen += g.id === 0 ? Math.max(g.xAdvance * s, 0.8 * size) : g.xAdvance * s;
    }
    return { text, width: pen, height: emAbove + emBelow, items };
  }
  const width = emAbove + emBelow;
  for (const run of runs(text)) {
    if (run.upright) {
      // one em down per character, centred across the column
      for (const g of font.shape(run.text, true)) {
        if (g.id === 0) missing(g, pen, size);
        else
          items.push({
            kind: 'glyph',
            font,
            id: g.id,
            x: (width - g.xAdvance * s) / 2 + g.xOffset * s,
            y: Math.round(pen + emAbove - g.yOffset * s),
            scale: s,
            rotated: false,
          });
        pen += size;
      }
    } else {
      // turned clockwise: the baseline runs down the column, the letters' tops face right
      for (const g of font.shape(run.text)) {
        const adv = g.id === 0 ? Math.max(g.xAdvance * s, 0.8 * size) : g.xAdvance * s;
        if (g.id === 0) missing(g, pen, adv);
        else items.push({ kind: 'glyph', font, id: g.id, x: emBelow + g.yOffset * s, y: pen + g.xOffset * s, scale: s, rotated: true });
        pen += adv;
      }
    }
  }
  return { text, width, height: pen, items };
}

/** Pixel scale of the 5×7 bitmap font for text of `size` pixels per em. */
function bitmapScale(size: number): number {
  return Math.max(1, Math.round(size / 9));
}

function layoutBitmap(text: string, size: number, vertical: boolean): TextBox {
  const k = bitmapScale(size);
  const em = Math.max(size, (GLYPH_HEIGHT + 2) * k);
  const capsAt = Math.max(0, Math.round((em - (GLYPH_HEIGHT + 1) * k) / 2)); // room for descenders below
  const items: TextItem[] = [];
  let pen = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code >= 32 && code < 127) {
      if (ch !== ' ')
        items.push(
          vertical
            ? { kind: 'bitmap', ch, x: em - capsAt, y: pen, scale: k, rotated: true }
            : { kind: 'bitmap', ch, x: pen, y: capsAt, scale: k, rotated: false },
        );
      pen += GLYPH_ADVANCE * k;
    } else {
      const side = Math.round(0.7 * em);
      const at = Math.round((em - side) / 2);
      items.push(vertical ? { kind: 'box', x: at, y: pen + at, w: side, h: side } : { kind: 'box', x: pen + at, y: at, w: side, h: side });
      pen += em;
    }
  }
  const length = Math.max(0, pen - (items.length && items[items.length - 1]!.kind === 'bitmap' ? k : 0));
  return vertical ? { text, width: em, height: length, items } : { text, width: length, height: em, items };
}

/** Estimated advance of a character in a sans-serif font, in em (SVG without a font: no metrics to go by). */
function estimateAdvance(ch: string): number {
  if (UPRIGHT.test(ch)) return 1;
  if (ch === ' ') return 0.28;
  if (/[iljtf.,;:'!|]/.test(ch)) return 0.32;
  if (/[mwMW]/.test(ch)) return 0.85;
  if (/[A-Z]/.test(ch)) return 0.66;
  return 0.56;
}

function layoutSvgText(text: string, size: number, vertical: boolean): TextBox {
  let length = 0;
  for (const ch of text) length += estimateAdvance(ch) * size;
  if (vertical) return { text, width: size, height: length, items: [{ kind: 'text', text, x: size / 2, y: 0, size, vertical: true }] };
  return { text, width: length, height: size, items: [{ kind: 'text', text, x: 0, y: 0.88 * size, size, vertical: false }] };
}

/** Curves are cut into straight pieces about this long (pixels). */
const FLATTEN_STEP = 1.5;

/** A glyph's outline as closed polygons in canvas pixels. */
function glyphPolygons(cmds: readonly PathCommand[], ox: number, oy: number, s: number, rotated: boolean): number[][] {
  // font units (y up) to pixels: upright x → right, y → up; rotated clockwise: x → down, y → right
  const X = rotated ? (_gx: number, gy: number) => ox + gy * s : (gx: number, _gy: number) => ox + gx * s;
  const Y = rotated ? (gx: number, _gy: number) => oy + gx * s : (_gx: number, gy: number) => oy - gy * s;
  const out: number[][] = [];
  let cur: number[] = [];
  let cx = 0,
    cy = 0;
  const close = (): void => {
    if (cur.length >= 6) out.push(cur);
    cur = [];
  };
  for (const { command, args: a } of cmds) {
    if (command === 'moveTo') {
      close();
      cx = a[0]!;
      cy = a[1]!;
      cur.push(X(cx, cy), Y(cx, cy));
    } else if (command === 'lineTo') {
      cx = a[0]!;
      cy = a[1]!;
      cur.push(X(cx, cy), Y(cx, cy));
    } else if (command === 'quadraticCurveTo' || command === 'bezierCurveTo') {
      const pts = command === 'quadraticCurveTo' ? [cx, cy, a[0]!, a[1]!, a[2]!, a[3]!] : [cx, cy, a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!];
      let hull = 0;
      for (let i = 2; i < pts.length; i += 2) hull += Math.hypot(pts[i]! - pts[i - 2]!, pts[i + 1]! - pts[i - 1]!);
      const n = Math.max(1, Math.min(64, Math.ceil((hull * s) / FLATTEN_STEP)));
      for (let k = 1; k <= n; k++) {
        const t = k / n,
          u = 1 - t;
        let x: number, y: number;
        if (pts.length === 6) {
          x = u * u * pts[0]! + 2 * u * t * pts[2]! + t * t * pts[4]!;
          y = u * u * pts[1]! + 2 * u * t * pts[3]! + t * t * pts[5]!;
        } else {
          x = u * u * u * pts[0]! + 3 * u * u * t * pts[2]! + 3 * u * t * t * pts[4]! + t * t * t * pts[6]!;
          y = u * u * u * pts[1]! + 3 * u * u * t * pts[3]! + 3 * u * t * t * pts[5]! + t * t * t * pts[7]!;
        }
        cur.push(X(x, y), Y(x, y));
      }
      cx = pts[pts.length - 2]!;
      cy = pts[pts.length - 1]!;
    } else if (command === 'closePath') {
      close();
    }
  }
  close();
  return out;
}

/** Coverage gamma for glyphs: a little heavier than exact area, as unhinted text at 10–20 px otherwise looks washed out. */
const TEXT_GAMMA = 0.8;

/** Draws a laid-out label with its box's top-left corner at (x, y). */
export function drawText(canvas: Canvas, box: TextBox, x: number, y: number, color: RGB): void {
  const polygons: number[][] = [];
  for (const it of box.items) {
    if (it.kind === 'glyph') {
      polygons.push(...glyphPolygons(it.font.outline(it.id), x + it.x, y + it.y, it.scale, it.rotated));
    } else if (it.kind === 'bitmap') {
      const k = it.scale;
      const bx = Math.round(x + it.x),
        by = Math.round(y + it.y);
      for (const [col, row] of glyphPixels(it.ch)) {
        if (it.rotated) canvas.fillRect(bx - (row + 1) * k, by + col * k, k, k, color);
        else canvas.fillRect(bx + col * k, by + row * k, k, k, color);
      }
    } else if (it.kind === 'box') {
      const bx = Math.round(x + it.x),
        by = Math.round(y + it.y),
        w = Math.max(3, Math.round(it.w)),
        h = Math.max(3, Math.round(it.h));
      canvas.fillRect(bx, by, w, 1, color);
      canvas.fillRect(bx, by + h - 1, w, 1, color);
      canvas.fillRect(bx, by, 1, h, color);
      canvas.fillRect(bx + w - 1, by, 1, h, color);
    }
  }
  // one fill for the whole label, so glyphs that touch (joined scripts) do not show seams
  if (polygons.length) canvas.fillPolygons(polygons, color, 1, TEXT_GAMMA);
}

const escapeXml = (s: string): string => s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
const num = (v: number): string => String(Math.round(v * 100) / 100);

/** The glyphs an SVG uses, each defined once in <defs> and referenced by <use>. */
export class SvgGlyphs {
  private readonly defs = new Map<string, string>();
  private readonly fonts = new Map<PlotFont, number>();

  /** The id of a glyph's <path> definition, adding it on first use. */
  ref(font: PlotFont, id: number): string {
    let f = this.fonts.get(font);
    if (f === undefined) this.fonts.set(font, (f = this.fonts.size));
    const key = `g${f}-${id}`;
    if (!this.defs.has(key)) this.defs.set(key, `<path id="${key}" d="${pathData(font.outline(id))}"/>`);
    return key;
  }

  /** The <path> definitions of every glyph used, for the SVG's <defs>. */
  definitions(): string[] {
    return [...this.defs.values()];
  }
}

/** SVG path data of an outline in font units (y up; the <use> flips it). */
function pathData(cmds: readonly PathCommand[]): string {
  const letter = { moveTo: 'M', lineTo: 'L', quadraticCurveTo: 'Q', bezierCurveTo: 'C', closePath: 'Z' } as const;
  return cmds.map((c) => letter[c.command] + c.args.map((v) => String(Math.round(v * 10) / 10)).join(' ')).join('');
}

/** SVG for a laid-out label with its box's top-left corner at (x, y): a <g> titled with the text. */
export function textSvg(box: TextBox, x: number, y: number, color: string, glyphs: SvgGlyphs): string {
  const parts: string[] = [];
  for (const it of box.items) {
    if (it.kind === 'glyph') {
      const ref = glyphs.ref(it.font, it.id);
      const rot = it.rotated ? ' rotate(90)' : '';
      parts.push(
        `<use xlink:href="#${ref}" transform="translate(${num(x + it.x)} ${num(y + it.y)})${rot} scale(${+it.scale.toPrecision(4)} ${-it.scale.toPrecision(4)})"/>`,
      );
    } else if (it.kind === 'bitmap') {
      // not reached for SVG (its fallback is <text>), but kept drawable: the pixels as rects
      const k = it.scale;
      for (const [col, row] of glyphPixels(it.ch)) {
        const px = it.rotated ? x + it.x - (row + 1) * k : x + it.x + col * k;
        const py = it.rotated ? y + it.y + col * k : y + it.y + row * k;
        parts.push(`<rect x="${num(px)}" y="${num(py)}" width="${k}" height="${k}"/>`);
      }
    } else if (it.kind === 'box') {
      parts.push(
        `<rect x="${num(x + it.x + 0.5)}" y="${num(y + it.y + 0.5)}" width="${num(it.w - 1)}" height="${num(it.h - 1)}" fill="none" stroke="${color}"/>`,
      );
    } else {
      const style = it.vertical ? ' style="writing-mode: vertical-rl; text-orientation: mixed"' : '';
      parts.push(`<text x="${num(x + it.x)}" y="${num(y + it.y)}" font-size="${num(it.size)}"${style}>${escapeXml(it.text)}</text>`);
    }
  }
  return `<g fill="${color}"><title>${escapeXml(box.text)}</title>${parts.join('')}</g>`;
}
