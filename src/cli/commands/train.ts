// `deepts train <model> [flags]`: picks the model's trainer, each in its own file, loaded on use.
import { CliError } from '../args.js';

type Trainer = { summary: string; load: () => Promise<{ run(argv: string[]): Promise<number> }> };

const trainers: Record<string, Trainer> = {
  mlp: { summary: 'an MLP on a playground data set (spiral, xor, circle, gauss, reg-plane, reg-gauss)', load: () => import('./train-mlp.js') },
  gpt: {
    summary: 'a GPT language model on Tiny Shakespeare (nanoGPT: --preset shakespeare-char | shakespeare-char-baby)',
    load: () => import('./train-gpt.js'),
  },
  sentiment: {
    summary: 'a text classifier (lstm|bilstm|gru|bigru|textcnn) on ChnSentiCorp, waimai_10k or SST-2',
    load: () => import('./train-sentiment.js'),
  },
  translate: {
    summary: 'a GRU encoder-decoder (seq2seq|attention|luong) on the Tatoeba zh-en pairs, either direction',
    load: () => import('./train-translate.js'),
  },
  gan: {
    summary: "a GAN on MNIST / Fashion-MNIST (gan: Goodfellow's MLP | dcgan | cdcgan: conditioned on the digit)",
    load: () => import('./train-gan.js'),
  },
  lenet: { summary: 'LeNet-5 on MNIST / Fashion-MNIST (<= 0.7 % MNIST test error with the defaults)', load: () => import('./train-lenet.js') },
  bert: {
    summary: 'a small BERT masked-language model on Tiny Shakespeare (characters)',
    load: () => import('./train-mlm.js').then((m) => ({ run: m.runFor('bert') })),
  },
  albert: {
    summary: 'a small ALBERT (one shared layer, factorized embeddings) masked-language model on Tiny Shakespeare',
    load: () => import('./train-mlm.js').then((m) => ({ run: m.runFor('albert') })),
  },
};

function usage(): string {
  const rows = Object.entries(trainers).map(([name, t]) => `  ${name.padEnd(8)}${t.summary}`);
  return ['usage: deepts train <model> [flags]', '', 'models:', ...rows, '', 'deepts train <model> --help shows its flags.'].join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name) {
    console.error(usage());
    return 2;
  }
  if (name === '--help' || name === '-h') {
    console.log(usage());
    return 0;
  }
  const trainer = trainers[name];
  if (!trainer) throw new CliError(`deepts train: unknown model '${name}', expected one of ${Object.keys(trainers).join(', ')}\n\n${usage()}`);
  return (await trainer.load()).run(rest);
}
