#!/usr/bin/env node
// The `deepts` command: a table of subcommands, each in its own file under commands/, loaded on use.
import { CliError } from './args.js';

type Command = { summary: string; load: () => Promise<{ run(argv: string[]): Promise<number> }> };

const commands: Record<string, Command> = {
  info: { summary: 'version, backend and threads', load: () => import('./commands/info.js') },
  train: { summary: 'train a model: deepts train mlp --dataset spiral', load: () => import('./commands/train.js') },
  params: { summary: "a model's parameter count: deepts params resnet18 (--json, --layers)", load: () => import('./commands/params.js') },
  predict: { summary: 'label texts with a trained classifier: deepts predict --run DIR "很棒的旅行!"', load: () => import('./commands/predict.js') },
  translate: { summary: 'translate with a trained translation run: deepts translate --run DIR "我爱中国。"', load: () => import('./commands/translate.js') },
  demo: { summary: "the lecture's examples: deepts demo conv, deepts demo vanishing", load: () => import('./commands/demo.js') },
  sample: { summary: 'text from a trained GPT run, images from a GAN run: deepts sample --run DIR', load: () => import('./commands/sample.js') },
  eval: { summary: 'measure a trained run again: deepts eval gan --run DIR', load: () => import('./commands/eval.js') },
  bench: { summary: 'speed against reference libraries: deepts bench gemm|mlp|gpt|cnn|rnn|seq2seq|gan', load: () => import('./commands/bench.js') },
  tokenize: { summary: 'encode text with a tokenizer', load: () => import('./commands/tokenize.js') },
  tokenizer: { summary: 'train a BPE tokenizer: deepts tokenizer train', load: () => import('./commands/tokenizer.js') },
};

function usage(): string {
  const rows = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(12)}${c.summary}`);
  return ['usage: deepts <command> [flags]', '', 'commands:', ...rows, '', 'deepts <command> --help shows its flags.'].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 1;
  }
  const command = commands[name];
  if (!command) {
    console.error(`deepts: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    const mod = await command.load();
    return await mod.run(rest);
  } catch (e) {
    if (e instanceof CliError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error(e instanceof Error ? `deepts: ${e.message}` : e);
    process.exitCode = 1;
  },
);
