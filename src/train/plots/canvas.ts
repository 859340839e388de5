// A tiny RGBA raster with anti-aliased lines, circles and polygons, and bitmap text: enough to draw
// charts to PNG without a graphics library. Line and circle coverage is computed from distances
// (1 px wide soft edges), polygon coverage exactly from areas (raster.ts; glyph outlines).
import { GLYPH_ADVANCE, GLYPH_HEIGHT, glyphPixels, textWidth } from './bitmap-font.js';
import type { RGB } from './colors.js';
import { polygonCoverage } from './raster.js';

export class Canvas {
  readonly width: number;
  readonly height: number;
  /** Row-major RGBA bytes, top row first. */
  readonly rgba: Uint8Array;

  constructor(width: number, height: number, background: RGB = [255, 255, 255]) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new RangeError(`Canvas: width and height must be positive integers, got ${width}x${height}`);
    }
    this.width = width;
    this.height = height;
    this.rgba = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      this.rgba[4 * i] = background[0];
      this.rgba[4 * i + 1] = background[1];
      this.rgba[4 * i + 2] = background[2];
      this.rgba[4 * i + 3] = 255;
    }
  }

  /** Paints colour c over pixel (x, y) with opacity alpha (0..1); outside pixels are ignored. */
  blend(x: number, y: number, c: RGB, alpha = 1): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height || alpha <= 0) return;
    const a = Math.min(1, alpha);
    const i = 4 * (y * this.width + x);
    for (let k = 0; k < 3; k++) this.rgba[i + k] = Math.round(this.rgba[i + k]! * (1 - a) + c[k]! * a);
  }

  fillRect(x: number, y: number, w: number, h: number, c: RGB, alpha = 1): void {
    for (let py = Math.max(0, Math.floor(y)); py < Math.min(this.height, Math.ceil(y + h)); py++) {
      for (let px = Math.max(0, Math.floor(x)); px < Math.min(this.width, Math.ceil(x + w)); px++) this.blend(px, py, c, alpha);
    }
  }

  /**
   * Fills closed polygons (each a flat [x0, y0, x1, y1, …] list in pixels) with exact-area
   * anti-aliasing, nonzero winding: glyph outlines once their curves are flattened. A `gamma`
   * below 1 raises partial coverage (text: thin unhinted stems would otherwise look faint).
   */
  fillPolygons(contours: readonly (readonly number[])[], c: RGB, alpha = 1, gamma = 1): void {
    const cov = polygonCoverage(contours, this.width, this.height);
    if (!cov) return;
    for (let y = 0; y < cov.height; y++) {
      for (let x = 0; x < cov.width; x++) {
        const a = cov.cover[y * cov.width + x]!;
        if (a > 0.002) this.blend(cov.x0 + x, cov.y0 + y, c, (gamma === 1 ? a : a ** gamma) * alpha);
      }
    }
  }

  /** A straight line of the given width between two points (pixel centres are at +0.5). */
  line(x0: number, y0: number, x1: number, y1: number, c: RGB, width = 1): void {
    this.polyline(
      [
        [x0, y0],
        [x1, y1],
      ],
      c,
      width,
    );
  }

  /** Connected line segments; joints are not painted twice, so they stay even. */
  polyline(points: readonly (readonly [number, number])[], c: RGB, width = 1): void {
    if (points.length === 1) this.lineCoverage(points[0]![0], points[0]![1], points[0]![0], points[0]![1], width);
    for (let i = 1; i < points.length; i++) {
      const [x0, y0] = points[i - 1]!;
      const [x1, y1] = points[i]!;
      this.lineCoverage(x0, y0, x1, y1, width);
    }
    this.flushCover(c);
  }

  fillCircle(cx: number, cy: number, r: number, c: RGB, alpha = 1): void {
    for (let py = Math.max(0, Math.floor(cy - r - 1)); py <= Math.min(this.height - 1, Math.ceil(cy + r + 1)); py++) {
      for (let px = Math.max(0, Math.floor(cx - r - 1)); px <= Math.min(this.width - 1, Math.ceil(cx + r + 1)); px++) {
        const d = Math.hypot(px + 0.5 - cx, py + 0.5 - cy);
        const cover = Math.min(1, r + 0.5 - d);
        if (cover > 0) this.blend(px, py, c, cover * alpha);
      }
    }
  }

  /** A ring of the given line width centred on radius r. */
  strokeCircle(cx: number, cy: number, r: number, c: RGB, width = 1): void {
    const half = width / 2;
    for (let py = Math.max(0, Math.floor(cy - r - half - 1)); py <= Math.min(this.height - 1, Math.ceil(cy + r + half + 1)); py++) {
      for (let px = Math.max(0, Math.floor(cx - r - half - 1)); px <= Math.min(this.width - 1, Math.ceil(cx + r + half + 1)); px++) {
        const d = Math.abs(Math.hypot(px + 0.5 - cx, py + 0.5 - cy) - r);
        const cover = Math.min(1, half + 0.5 - d);
        if (cover > 0) this.blend(px, py, c, cover);
      }
    }
  }

  /**
   * Draws text with the bitmap font, each font pixel a scale x scale block. (x, y) is the anchor:
   * align says whether it is the left, centre or right end; y is the top of the capitals. With
   * vertical, the text runs bottom to top (for a y-axis label) and (x, y) is its left-top corner
   * after rotation, with align along the vertical direction.
   */
  text(str: string, x: number, y: number, c: RGB, opts: { scale?: number; align?: 'left' | 'center' | 'right'; vertical?: boolean } = {}): void {
    const scale = Math.max(1, Math.round(opts.scale ?? 1));
    const w = textWidth(str, scale);
    const shift = opts.align === 'center' ? w / 2 : opts.align === 'right' ? w : 0;
    [...str].forEach((ch, k) => {
      for (const [col, row] of glyphPixels(ch)) {
        const along = k * GLYPH_ADVANCE * scale + col * scale - shift; // distance along the text
        const across = row * scale; // distance down from the top of the capitals
        for (let i = 0; i < scale; i++) {
          for (let j = 0; j < scale; j++) {
            if (opts.vertical) this.blend(Math.round(x + across + j), Math.round(y - along - i), c);
            else this.blend(Math.round(x + along + i), Math.round(y + across + j), c);
          }
        }
      }
    });
  }

  /** Height of a line of capitals at `scale`. */
  static textHeight(scale = 1): number {
    return GLYPH_HEIGHT * scale;
  }

  // Per-pixel maximum coverage, so overlapping segments of one stroke do not darken their joints.
  private cover = new Map<number, number>();

  private coverMax(px: number, py: number, cover: number): void {
    const key = py * this.width + px;
    const prev = this.cover.get(key) ?? 0;
    if (cover > prev) this.cover.set(key, cover);
  }

  private lineCoverage(x0: number, y0: number, x1: number, y1: number, width: number): void {
    const half = width / 2;
    const dx = x1 - x0;
    const dy = y1 - y0;
    const len2 = dx * dx + dy * dy;
    const pad = half + 1;
    for (let py = Math.max(0, Math.floor(Math.min(y0, y1) - pad)); py <= Math.min(this.height - 1, Math.ceil(Math.max(y0, y1) + pad)); py++) {
      for (let px = Math.max(0, Math.floor(Math.min(x0, x1) - pad)); px <= Math.min(this.width - 1, Math.ceil(Math.max(x0, x1) + pad)); px++) {
        const cx = px + 0.5;
        const cy = py + 0.5;
        const t = len2 ? Math.max(0, Math.min(1, ((cx - x0) * dx + (cy - y0) * dy) / len2)) : 0;
        const d = Math.hypot(cx - (x0 + t * dx), cy - (y0 + t * dy));
        const cover = Math.min(1, half + 0.5 - d);
        if (cover > 0) this.coverMax(px, py, cover);
      }
    }
  }

  private flushCover(c: RGB): void {
    for (const [key, cover] of this.cover) this.blend(key % this.width, Math.floor(key / this.width), c, cover);
    this.cover.clear();
  }
}
