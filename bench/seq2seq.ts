// Translation training steps, the two models `deepts train translate` trains by default, on a
// Tatoeba-sized batch: 64 sentence pairs of 12 source and 12 target tokens (random ids, no padding),
// source vocabulary 3,000, target 4,000 (the zh→en run's are 2,898 and 4,159).
// - attention: models.Seq2Seq with a bidirectional GRU encoder (128 a direction), a GRU decoder of
//   256 with Bahdanau attention, embeddings 256, dropout 0.3 (the --model attention defaults);
// - transformer: models.TransformerTranslator, 3 + 3 post-norm layers of 256, 4 heads, feed-forward
//   1024, dropout 0.1, the output layer tied to the target embedding (the --model transformer defaults).
// A step: teacher-forced forward, label-smoothed (0.1) cross-entropy, backward, gradient clipping at
// norm 1, Adam, zeroGrad, loss.item(). PyTorch CPU runs the same models written with torch.nn
// (scripts/bench_reference.py seq2seq: pack_padded_sequence + nn.GRU + nn.GRUCell, and
// nn.Transformer(batch_first=True) with the same embeddings), both at --threads (default 2) and at
// 1 thread. Target tokens/s = 64 · 12 / median step time.
import { models, optim, randint, manualSeed, type Tensor } from '../src/index.js';
import { seq2seqLoss } from '../src/models/seq2seq.js';
import { nativeBackend, nativeUnavailable } from '../src/backend/native/index.js';
import type { MachineInfo } from './machine.js';
import { isUnavailable, pythonCommand, runPythonReference } from './reference.js';
import { deeptsSteps, stepTable, torchRow, type StepRow, type TorchStepResult } from './steps.js';
import { writeBenchReport } from './results.js';

export type Seq2SeqBenchOptions = { threads: number; steps: number; warmup: number; reference: boolean };
export type Seq2SeqReport = { rows: StepRow[]; commands: string[] };

export const SEQ2SEQ = { batch: 64, srcLength: 12, tgtLength: 12, srcVocab: 3000, tgtVocab: 4000, labelSmoothing: 0.1, clip: 1 } as const;
export const SEQ2SEQ_WORKLOADS = {
  attention: { embedding: 256, hidden: 256, dropout: 0.3, lr: 2e-3 },
  transformer: { dModel: 256, nhead: 4, layers: 3, dimFeedforward: 1024, dropout: 0.1, lr: 1e-3 },
} as const;
type Workload = keyof typeof SEQ2SEQ_WORKLOADS;

function makeModel(w: Workload): models.Seq2Seq | models.TransformerTranslator {
  const { srcVocab, tgtVocab } = SEQ2SEQ;
  if (w === 'attention') {
    const a = SEQ2SEQ_WORKLOADS.attention;
    return new models.Seq2Seq({
      srcVocabSize: srcVocab,
      tgtVocabSize: tgtVocab,
      embeddingDim: a.embedding,
      hiddenSize: a.hidden,
      dropout: a.dropout,
      attention: 'bahdanau',
    });
  }
  const t = SEQ2SEQ_WORKLOADS.transformer;
  return new models.TransformerTranslator({
    srcVocabSize: srcVocab,
    tgtVocabSize: tgtVocab,
    dModel: t.dModel,
    nhead: t.nhead,
    numEncoderLayers: t.layers,
    numDecoderLayers: t.layers,
    dimFeedforward: t.dimFeedforward,
    dropout: t.dropout,
  });
}

/** One workload's step as a user would write it on the public API. */
function deeptsRow(w: Workload, threads: number, steps: number, warmup: number): Promise<StepRow> {
  const { batch, srcLength, tgtLength, srcVocab, tgtVocab } = SEQ2SEQ;
  return deeptsSteps(
    'native',
    threads,
    () => {
      manualSeed(0);
      const model = makeModel(w);
      model.train();
      const opt = new optim.Adam(model.parameters(), { lr: SEQ2SEQ_WORKLOADS[w].lr });
      const src = randint(4, srcVocab, [batch, srcLength]);
      const tgtIn = randint(4, tgtVocab, [batch, tgtLength]);
      const labels = randint(4, tgtVocab, [batch, tgtLength]);
      return () => {
        const logits: Tensor = model.forward(src, null, tgtIn).logits; // (B, T, V)
        const loss = seq2seqLoss(logits, labels, { labelSmoothing: SEQ2SEQ.labelSmoothing });
        loss.backward();
        optim.clipGradNorm(model.parameters(), SEQ2SEQ.clip);
        opt.step();
        opt.zeroGrad();
        loss.item();
      };
    },
    steps,
    warmup,
    batch * tgtLength,
    w,
  );
}

export async function runSeq2SeqBench(opts: Seq2SeqBenchOptions, log: (line: string) => void = () => {}): Promise<Seq2SeqReport> {
  const rows: StepRow[] = [];
  const commands: string[] = [];
  const add = (row: StepRow) => {
    rows.push(row);
    log(stepTable([row], 'target tokens/s', [], true).split('\n')[2]!);
  };
  const { batch, srcLength, tgtLength, srcVocab, tgtVocab } = SEQ2SEQ;
  const torch = (w: Workload, threads: number) => {
    const args = ['seq2seq', '--model', w, '--threads', String(threads), '--steps', String(opts.steps), '--warmup', String(opts.warmup)];
    args.push(
      '--batch',
      String(batch),
      '--src-length',
      String(srcLength),
      '--tgt-length',
      String(tgtLength),
      '--src-vocab',
      String(srcVocab),
      '--tgt-vocab',
      String(tgtVocab),
    );
    const env = { OPENBLAS_NUM_THREADS: '1' };
    commands.push(pythonCommand(args, env));
    const r = runPythonReference<TorchStepResult>(args, env);
    add(isUnavailable(r) ? { name: 'PyTorch CPU', workload: w, error: r.error } : torchRow(r, batch * tgtLength, w));
  };
  for (const w of Object.keys(SEQ2SEQ_WORKLOADS) as Workload[])
    for (const threads of opts.threads === 1 ? [1] : [opts.threads, 1]) {
      add(
        nativeBackend
          ? await deeptsRow(w, threads, opts.steps, opts.warmup)
          : { name: 'deepts native', workload: w, error: `not available (${nativeUnavailable})` },
      );
      if (opts.reference) torch(w, threads);
    }
  return { rows, commands };
}

export function seq2seqMarkdown(report: Seq2SeqReport): string {
  const { batch, srcLength, tgtLength, srcVocab, tgtVocab } = SEQ2SEQ;
  const t = SEQ2SEQ_WORKLOADS.transformer;
  return [
    `Translation training step, batch ${batch} pairs of ${srcLength} source and ${tgtLength} target tokens (vocabularies ${srcVocab} and ${tgtVocab}): teacher-forced forward, label-smoothed cross-entropy, backward, clipping at norm 1, Adam. attention: bidirectional GRU encoder (2 × 128) + GRU decoder (256) with Bahdanau attention, embeddings 256, dropout 0.3; transformer: ${t.layers} + ${t.layers} post-norm layers of ${t.dModel}, ${t.nhead} heads, feed-forward ${t.dimFeedforward}, dropout ${t.dropout}, tied output. Step time and target tokens/s as median / best.`,
    '',
    stepTable(report.rows, 'target tokens/s', report.commands, true),
  ].join('\n');
}

/** `deepts bench seq2seq`: runs the bench and writes bench/results/seq2seq.md and .json. */
export async function runSeq2SeqTarget(machine: MachineInfo, opts: Seq2SeqBenchOptions, log: (s: string) => void): Promise<void> {
  const report = await runSeq2SeqBench(opts, log);
  log(
    writeBenchReport('seq2seq', 'Translation training steps (GRU + attention, Transformer): deepts vs PyTorch', machine, seq2seqMarkdown(report), {
      options: opts,
      shapes: { ...SEQ2SEQ, ...SEQ2SEQ_WORKLOADS },
      ...report,
    }).join('\n'),
  );
}
