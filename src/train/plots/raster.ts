// Anti-aliased filling of closed polygons (glyph outlines, flattened): the exact area of each pixel
// that the shape covers, computed by accumulating signed edge areas along each row and summing
// them left to right (the method of Raph Levien's font-rs). Coverage is |winding|, capped at 1,
// which is the nonzero rule for the outlines fonts have (holes run the other way).

export type Coverage = {
  /** Canvas position of the buffer's top-left pixel. */
  x0: number;
  y0: number;
  width: number;
  height: number;
  /** Row-major coverage in [0, 1]. */
  cover: Float32Array;
};

/**
 * Coverage of the polygons (each a flat [x0, y0, x1, y1, …] list, closed implicitly) clipped to
 * [0, clipW] × [0, clipH]; null when nothing is inside. Points are clamped to the clip box, which
 * keeps the coverage of every pixel inside it exact (winding left of a pixel is all that counts).
 */
export function polygonCoverage(contours: readonly (readonly number[])[], clipW: number, clipH: number): Coverage | null {
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  const clamped = contours.map((c) => {
    const out = new Float64Array(c.length);
    for (let i = 0; i + 1 < c.length; i += 2) {
      const x = Math.max(0, Math.min(clipW, c[i]!));
      const y = Math.max(0, Math.min(clipH, c[i + 1]!));
      out[i] = x;
      out[i + 1] = y;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    return out;
  });
  if (!(minX < maxX && minY < maxY)) return null;
  const x0 = Math.floor(minX),
    y0 = Math.floor(minY);
  const width = Math.ceil(maxX) - x0 + 2,
    height = Math.ceil(maxY) - y0;
  const acc = new Float32Array(width * height + 2);
  for (const c of clamped) {
    const n = c.length >> 1;
    for (let k = 0; k < n; k++) {
      const j = (k + 1) % n;
      accumulateLine(acc, width, height, c[2 * k]! - x0, c[2 * k + 1]! - y0, c[2 * j]! - x0, c[2 * j + 1]! - y0);
    }
  }
  const cover = new Float32Array(width * height);
  let sum = 0;
  for (let i = 0; i < cover.length; i++) {
    sum += acc[i]!;
    cover[i] = Math.min(1, Math.abs(sum));
  }
  return { x0, y0, width, height, cover };
}

/** Adds one edge's signed area to the rows it crosses (coordinates relative to the buffer, x ≥ 0). */
function accumulateLine(a: Float32Array, w: number, h: number, ax: number, ay: number, bx: number, by: number): void {
  if (Math.abs(ay - by) <= 1e-9) return;
  let dir = 1;
  if (ay > by) {
    [ax, ay, bx, by] = [bx, by, ax, ay];
    dir = -1;
  }
  const dxdy = (bx - ax) / (by - ay);
  let x = ax;
  const yEnd = Math.min(h, Math.ceil(by));
  for (let y = Math.floor(ay); y < yEnd; y++) {
    const line = y * w;
    const dy = Math.min(y + 1, by) - Math.max(y, ay);
    const xnext = x + dxdy * dy;
    const d = dy * dir;
    const lo = Math.min(x, xnext),
      hi = Math.max(x, xnext);
    const loFloor = Math.floor(lo),
      hiCeil = Math.ceil(hi);
    const i0 = line + loFloor;
    if (hiCeil <= loFloor + 1) {
      // the edge stays within one pixel column on this row
      const xmf = 0.5 * (x + xnext) - loFloor;
      a[i0] = a[i0]! + d - d * xmf;
      a[i0 + 1] = a[i0 + 1]! + d * xmf;
    } else {
      const s = 1 / (hi - lo);
      const f0 = lo - loFloor;
      const a0 = 0.5 * s * (1 - f0) * (1 - f0);
      const f1 = hi - hiCeil + 1;
      const am = 0.5 * s * f1 * f1;
      a[i0] = a[i0]! + d * a0;
      if (hiCeil === loFloor + 2) {
        a[i0 + 1] = a[i0 + 1]! + d * (1 - a0 - am);
      } else {
        const a1 = s * (1.5 - f0);
        a[i0 + 1] = a[i0 + 1]! + d * (a1 - a0);
        for (let xi = loFloor + 2; xi < hiCeil - 1; xi++) a[line + xi] = a[line + xi]! + d * s;
        const a2 = a1 + (hiCeil - loFloor - 3) * s;
        a[line + hiCeil - 1] = a[line + hiCeil - 1]! + d * (1 - a2 - am);
      }
      a[line + hiCeil] = a[line + hiCeil]! + d * am;
    }
    x = xnext;
  }
}
