// nanoGPT's training loop, run by trainLoop, against PyTorch (scripts/gpt_fixtures.py): the same initial weights and
// batches, 30 steps of AdamW on nanoGPT's parameter groups (β2 0.99, weight decay 0.1 on ≥ 2-D
// parameters), gradient clipping at 1.0 and the warmup + cosine schedule give the same loss and
// gradient norm at every step, and the same final weights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Tensor } from '../../src/tensor/tensor.js';
import { GPT, type GPTConfig } from '../../src/models/gpt.js';
import { TokenBatcher } from '../../src/data/token-batcher.js';
import { cosineWithWarmup } from '../../src/optim/cosine-with-warmup.js';
import { trainLoop } from '../../src/train/loop.js';
import { assertRelClose, fromJson, loadJson, type TensorJson } from '../models/gpt-fixtures.js';

type Fixture = {
  config: Omit<GPTConfig, 'dropout'>;
  text: string;
  chars: string[];
  B: number;
  T: number;
  warmup: number;
  decayIters: number;
  init: Record<string, TensorJson>;
  offsets: number[][];
  losses: number[];
  gradNorms: number[];
  lrs: number[];
  final: Record<string, TensorJson>;
};
const f = loadJson<Fixture>('train-steps.json');

test('30 steps of trainLoop (AdamW groups, clipping, schedule) match PyTorch step by step', async () => {
  const model = new GPT({ ...f.config, dropout: 0 });
  const sd: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(f.init)) sd[k] = fromJson(v, 'float32');
  sd['lmHead.weight'] = sd['transformer.wte.weight']!;
  model.loadStateDict(sd);
  const opt = model.configureOptimizers({ weightDecay: 0.1, lr: 1e-3, betas: [0.9, 0.99] });
  const stream = Int32Array.from([...f.text].map((c) => f.chars.indexOf(c)));
  const batches = new TokenBatcher(stream, { batchSize: f.B, blockSize: f.T });
  const losses: number[] = [],
    norms: number[] = [],
    lrs: number[] = [];
  // the library's loop, configured as nanoGPT's train.py
  const result = await trainLoop({
    models: { model },
    optimizers: { opt },
    maxSteps: f.offsets.length,
    say: null,
    lr: (it) => cosineWithWarmup(it, { maxLr: 1e-3, minLr: 1e-4, warmupIters: f.warmup, decayIters: f.decayIters }),
    data: () => batches.at(f.offsets[losses.length]!),
    loss: ({ batch }) => model.forward(batch.x, batch.y).loss!,
    clipGradNorm: 1.0,
    hooks: {
      onStepEnd: (logs, ctx) => {
        losses.push(logs.loss!);
        norms.push(logs.gradNorm!);
        lrs.push(ctx.lr);
      },
    },
  });
  assert.equal(result.step, 30);
  assertRelClose('lrs', lrs, f.lrs, 1e-12);
  assertRelClose('losses', losses, f.losses, 1e-5);
  assertRelClose('gradient norms', norms, f.gradNorms, 1e-4);
  assert.ok(f.losses[29]! < 0.8 * f.losses[0]!, 'the loss falls');
  const named = new Map(model.namedParameters());
  // Adam divides by √v: where a gradient is near zero, float rounding (attention's products sum in
  // float on native, as in torch) moves an update by a visible fraction of lr, so 30 steps leave
  // differences of a few 1e-6 in weights of size 1e-2
  for (const [k, v] of Object.entries(f.final)) assertRelClose(`final ${k}`, named.get(k)!, v.data, 5e-4, 1e-2);
});
