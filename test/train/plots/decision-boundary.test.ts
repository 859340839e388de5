import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor, full } from '../../../src/tensor/creation.js';
import type { Tensor } from '../../../src/tensor/tensor.js';
import { decisionBoundaryImage, writeDecisionBoundary } from '../../../src/train/plots/decision-boundary.js';
import { PLAYGROUND_BLUE, PLAYGROUND_GREY, PLAYGROUND_ORANGE, lighten, type RGB } from '../../../src/train/plots/colors.js';
import { pixelAt, readPng } from './png-reader.js';
import '../../../src/ops/index.js';

/** P(class 1) = 1 right of x1 = 0, else 0. */
const rightIsBlue = (g: Tensor): Tensor => {
  const a = g.toTypedArray();
  return tensor(Array.from({ length: a.length / 2 }, (_, i) => (a[2 * i]! > 0 ? 1 : 0)));
};
const near = (got: number[], want: RGB, tol = 3): boolean => want.every((v, k) => Math.abs(got[k]! - v) <= tol);
const field = (c: RGB): RGB => lighten(c, 0.35);

test('predict receives raw coordinates on a grid over the domain, top row = largest x2', () => {
  let seen: Tensor | undefined;
  decisionBoundaryImage(
    (g) => {
      seen = g;
      return full([g.shape[0]!], 0.5);
    },
    [],
    { size: 20, resolution: 4, domain: [-2, 2] },
  );
  assert.deepEqual(seen!.shape, [16, 2]);
  assert.deepEqual(seen!.toArray(), [
    [-1.5, 1.5],
    [-0.5, 1.5],
    [0.5, 1.5],
    [1.5, 1.5],
    [-1.5, 0.5],
    [-0.5, 0.5],
    [0.5, 0.5],
    [1.5, 0.5],
    [-1.5, -0.5],
    [-0.5, -0.5],
    [0.5, -0.5],
    [1.5, -0.5],
    [-1.5, -1.5],
    [-0.5, -1.5],
    [0.5, -1.5],
    [1.5, -1.5],
  ]);
  assert.equal(seen!.requiresGrad, false);
});

test('the field is orange for class 0, blue for class 1 and grey at 0.5', () => {
  const img = decisionBoundaryImage(rightIsBlue, [], { size: 100 });
  assert.equal(img.rgba.length, 100 * 100 * 4);
  assert.ok(near(pixelAt(img, 5, 50), field(PLAYGROUND_ORANGE)), `left: ${pixelAt(img, 5, 50)}`);
  assert.ok(near(pixelAt(img, 95, 50), field(PLAYGROUND_BLUE)), `right: ${pixelAt(img, 95, 50)}`);
  const mid = decisionBoundaryImage((g) => full([g.shape[0]!, 1], 0.5), [], { size: 10 });
  assert.ok(near(pixelAt(mid, 5, 5), field(PLAYGROUND_GREY)), 'probability 0.5, (M, 1) output');
});

test('points are drawn in their class colour at their coordinates, test points with a black rim', () => {
  // size 120 over [-6, 6]: 10 px per unit; (3.05, 3.05) -> the centre of pixel (90, 29); (-2.95, -2.95) -> of (30, 89)
  const pts = [
    { x: tensor([[3.05, 3.05]]), y: tensor([0], { dtype: 'int32' }) },
    { x: tensor([[-2.95, -2.95]]), y: tensor([1], { dtype: 'int32' }), test: true },
  ];
  const img = decisionBoundaryImage(rightIsBlue, pts, { size: 120, pointRadius: 4 });
  assert.ok(near(pixelAt(img, 90, 29), PLAYGROUND_ORANGE, 6), `orange point on the blue side: ${pixelAt(img, 90, 29)}`);
  assert.ok(near(pixelAt(img, 30, 89), PLAYGROUND_BLUE, 6), `blue point on the orange side: ${pixelAt(img, 30, 89)}`);
  const rim = pixelAt(img, 34, 89); // 4 px right of the test point's centre
  assert.ok(rim[0]! < 60 && rim[1]! < 60 && rim[2]! < 60, `test point rim should be black, got ${rim}`);
  const trainRim = pixelAt(img, 94, 29);
  assert.ok(trainRim[0]! < PLAYGROUND_ORANGE[0] - 40 && trainRim[2]! < 60, `train rim should be darker orange, got ${trainRim}`);
});

test('regression maps ± the largest |label| to orange/blue, or an explicit valueRange', () => {
  const pts = [
    {
      x: tensor([
        [0, 0],
        [1, 1],
      ]),
      y: tensor([[-2], [2]]),
    },
  ];
  const img = decisionBoundaryImage((g) => full([g.shape[0]!], 2), pts, { task: 'regression', size: 20, pointRadius: 2 });
  assert.ok(near(pixelAt(img, 1, 1), field(PLAYGROUND_BLUE)));
  const half = decisionBoundaryImage((g) => full([g.shape[0]!], 1), [], { task: 'regression', size: 20, valueRange: [-1, 3] });
  assert.ok(near(pixelAt(half, 1, 1), field(PLAYGROUND_GREY)), 'the middle of valueRange is grey');
});

test('decisionBoundaryImage rejects bad predictions, labels, shapes and options', () => {
  assert.throws(
    () => decisionBoundaryImage((g) => full([g.shape[0]!, 2], 0), [], { resolution: 10 }),
    /decisionBoundaryImage: predict returned shape \(100,2\) for a grid of 100 points, expected \(100,\) or \(100, 1\)/,
  );
  assert.throws(() => decisionBoundaryImage(() => 3 as unknown as Tensor, [], { resolution: 10 }), /decisionBoundaryImage: predict must return a Tensor/);
  assert.throws(
    () => decisionBoundaryImage(rightIsBlue, [{ x: tensor([[0, 0]]), y: tensor([2], { dtype: 'int32' }) }]),
    /decisionBoundaryImage: classification labels must be 0 or 1, but points\[0\].y\[0\] is 2/,
  );
  assert.throws(
    () => decisionBoundaryImage(rightIsBlue, [{ x: tensor([[0, 0, 0]]), y: tensor([1]) }]),
    /decisionBoundaryImage: points\[0\].x must have shape \(N, 2\), got \(1,3\)/,
  );
  assert.throws(
    () => decisionBoundaryImage(rightIsBlue, [{ x: tensor([[0, 0]]), y: tensor([1, 0]) }]),
    /points\[0\].y must have shape \(1,\) or \(1, 1\) to match x \(1,2\), got \(2,\)/,
  );
  assert.throws(() => decisionBoundaryImage(rightIsBlue, [], { size: 0 }), /decisionBoundaryImage: size must be an integer in \[8, 8192\], got 0/);
  assert.throws(
    () => decisionBoundaryImage(rightIsBlue, [], { domain: [1, -1] }),
    /decisionBoundaryImage: domain must be \[lo, hi\] with finite lo < hi, got \[1,-1\]/,
  );
  assert.throws(
    () => decisionBoundaryImage(rightIsBlue, [], { task: 'ranking' as 'regression' }),
    /decisionBoundaryImage: task must be 'classification' or 'regression', got 'ranking'/,
  );
});

test('writeDecisionBoundary writes a PNG of the image', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deepts-db-'));
  try {
    const path = join(dir, 'boundary.png');
    const img = writeDecisionBoundary(path, rightIsBlue, [], { size: 32, resolution: 8 });
    const png = readPng(new Uint8Array(readFileSync(path)));
    assert.deepEqual([png.width, png.height, png.colorType], [32, 32, 6]);
    assert.deepEqual(png.pixels, img.rgba);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
