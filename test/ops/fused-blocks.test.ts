// The fused transformer sublayers, feedForward (linear → activation → linear) and selfAttention
// (packed projection → attention → merged heads → projection): float64 gradchecks, second
// derivatives through their composed forms, bit-for-bit agreement with the ops they fuse (forward
// and every gradient, float32), and the bad-input errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dt from '../../src/index.js';
import { feedForward, gelu, linear, relu, scaledDotProductAttention, selfAttention, type FeedForwardActivation } from '../../src/ops/index.js';
import { leaf } from '../helpers.js';
import type { Tensor } from '../../src/index.js';

const ACTS: FeedForwardActivation[] = ['gelu', 'geluTanh', 'relu'];

test('feedForward: gradchecks for each activation, with and without biases, on 2-D, 3-D and non-contiguous inputs', () => {
  for (const act of ACTS) {
    dt.gradcheck(
      (x, w1, b1, w2, b2) => feedForward(x, w1, b1, w2, b2, act),
      [leaf([2, 3, 4], { gap: 0.05 }), leaf([6, 4]), leaf([6]), leaf([3, 6]), leaf([3])],
    );
    dt.gradcheck((x, w1, w2) => feedForward(x, w1, null, w2, null, act), [leaf([5, 4], { gap: 0.05 }), leaf([6, 4]), leaf([4, 6])]);
  }
  dt.gradcheck((x, w1, w2) => feedForward(x.transpose(0, 1), w1, null, w2, null), [leaf([4, 5]), leaf([6, 4]), leaf([4, 6])]);
});

test('feedForward: second derivatives (createGraph differentiates the composed ops)', () => {
  for (const act of ['gelu', 'geluTanh'] as const)
    dt.gradgradcheck((x, w1, b1, w2) => feedForward(x, w1, b1, w2, null, act), [leaf([3, 4]), leaf([5, 4]), leaf([5]), leaf([2, 5])]);
});

/** float32 leaves of the given shapes, seeded. */
function leaves32(seed: number, ...shapes: number[][]): Tensor[] {
  const g = new dt.Generator(seed);
  return shapes.map((s) => dt.randn(s, { generator: g }).requiresGrad_());
}

/** Runs f on the leaves, backpropagates a fixed random gradient, and returns the output and every gradient. */
function outputAndGrads(f: (...xs: Tensor[]) => Tensor, xs: Tensor[]): Float32Array[] {
  for (const x of xs) x.grad = null;
  const y = f(...xs);
  y.backward(dt.randn(y.shape, { generator: new dt.Generator(9) }));
  return [y.toTypedArray() as Float32Array, ...xs.map((x) => x.grad!.toTypedArray() as Float32Array)];
}

function assertSameBits(a: Float32Array[], b: Float32Array[], what: string): void {
  assert.equal(a.length, b.length);
  a.forEach((x, i) => assert.deepEqual(x, b[i], `${what}: ${i === 0 ? 'the output' : `gradient ${i - 1}`} is the same to the bit`));
}

test('feedForward equals linear → activation → linear to the bit (output and every gradient, float32)', () => {
  for (const act of ACTS) {
    const xs = leaves32(1, [3, 7, 16], [64, 16], [64], [16, 64], [16]);
    const fused = outputAndGrads((x, w1, b1, w2, b2) => feedForward(x, w1, b1, w2, b2, act), xs);
    const activate = (h: Tensor) => (act === 'relu' ? relu(h) : gelu(h, act === 'geluTanh' ? 'tanh' : 'none'));
    const ops = outputAndGrads((x, w1, b1, w2, b2) => linear(activate(linear(x, w1, b1)), w2, b2), xs);
    assertSameBits(fused, ops, act);
  }
});

test('selfAttention: gradchecks causal and not, with and without biases, one and several heads', () => {
  dt.gradcheck(
    (x, wi, bi, wo, bo) => selfAttention(x, wi, bi, wo, bo, 2, { isCausal: true }),
    [leaf([2, 3, 4]), leaf([12, 4]), leaf([12]), leaf([4, 4]), leaf([4])],
  );
  dt.gradcheck((x, wi, wo) => selfAttention(x, wi, null, wo, null, 1, { scale: 0.3 }), [leaf([1, 4, 2]), leaf([6, 2]), leaf([2, 2])]);
  dt.gradgradcheck((x, wi, wo) => selfAttention(x, wi, null, wo, null, 2, { isCausal: true }), [leaf([1, 3, 4]), leaf([12, 4]), leaf([4, 4])]);
});

test('selfAttention equals projection → views → scaledDotProductAttention → projection to the bit (float32)', () => {
  const [B, T, C, H] = [2, 9, 16, 4];
  const xs = leaves32(2, [B, T, C], [3 * C, C], [3 * C], [C, C], [C]);
  for (const isCausal of [true, false]) {
    const fused = outputAndGrads((x, wi, bi, wo, bo) => selfAttention(x, wi, bi, wo, bo, H, { isCausal }), xs);
    const ops = outputAndGrads((x, wi, bi, wo, bo) => {
      const heads = linear(x, wi, bi)
        .view(B, T, 3, H, C / H)
        .permute(2, 0, 3, 1, 4);
      const y = scaledDotProductAttention(heads.select(0, 0), heads.select(0, 1), heads.select(0, 2), { isCausal });
      return linear(y.transpose(1, 2).reshape(B, T, C), wo, bo);
    }, xs);
    assertSameBits(fused, ops, `isCausal ${isCausal}`);
  }
});

test('feedForward and selfAttention: bad shapes and options are errors naming what was expected', () => {
  const x = dt.randn([2, 3, 4]);
  assert.throws(() => feedForward(x, dt.randn([6, 5]), null, dt.randn([4, 6]), null), /feedForward: the input has 4 features, fc1 expects 5/);
  assert.throws(() => feedForward(x, dt.randn([6, 4]), null, dt.randn([4, 5]), null), /feedForward: fc1 gives 6 features, fc2 expects 5/);
  assert.throws(() => feedForward(x, dt.randn([6, 4]), dt.randn([5]), dt.randn([4, 6]), null), /fc1's bias must have shape \(6,\)/);
  assert.throws(() => feedForward(x, dt.randn([6, 4]), null, dt.randn([4, 6]), null, 'tanh' as never), /feedForward: activation must be one of/);
  assert.throws(() => selfAttention(dt.randn([3, 4]), dt.randn([12, 4]), null, dt.randn([4, 4]), null, 2), /selfAttention: the input must be \(B, T, C\)/);
  assert.throws(() => selfAttention(x, dt.randn([8, 4]), null, dt.randn([4, 4]), null, 2), /in-projection weight must be \(12, 4\)/);
  assert.throws(() => selfAttention(x, dt.randn([12, 4]), null, dt.randn([4, 4]), null, 3), /C = 4 must be divisible by numHeads 3/);
  assert.throws(() => selfAttention(x, dt.randn([12, 4]), null, dt.randn([4, 4]), null, 2, { causal: true } as never), /unknown option 'causal'/);
});

test('GPT: the fused sublayers give the same loss and gradients as the unfused modules (a Linear subclass takes the module path)', () => {
  const config = { blockSize: 8, vocabSize: 11, nLayer: 2, nHead: 2, nEmbd: 16, dropout: 0, bias: true };
  const make = () => {
    dt.manualSeed(3);
    return new dt.models.GPT(config);
  };
  const fused = make(),
    plain = make();
  class Wrapped extends dt.nn.Linear {}
  for (const block of plain.transformer.h) {
    const b = block as unknown as { attn: object; mlp: object };
    for (const [owner, key] of [
      [b.attn, 'cAttn'],
      [b.attn, 'cProj'],
      [b.mlp, 'cFc'],
      [b.mlp, 'cProj'],
    ] as const) {
      const old = (owner as unknown as Record<string, dt.nn.Linear>)[key]!;
      const w = new Wrapped(old.inFeatures, old.outFeatures);
      w.loadStateDict(old.stateDict());
      (owner as unknown as Record<string, dt.nn.Linear>)[key] = w;
    }
  }
  const x = dt.randint(0, 11, [3, 8], { dtype: 'int32', generator: new dt.Generator(5) });
  const y = dt.randint(0, 11, [3, 8], { dtype: 'int32', generator: new dt.Generator(6) });
  const run = (m: dt.models.GPT) => {
    const { loss } = m.forward(x, y);
    loss!.backward();
    return [loss!.item(), ...m.parameters().map((p) => Array.from(p.grad!.toTypedArray()))];
  };
  assert.deepEqual(run(fused), run(plain));
});
