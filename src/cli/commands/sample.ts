// `deepts sample --run DIR`: text from a trained GPT (a run folder of deepts train gpt), or from
// GPT-2's weights (--gpt2 model.safetensors), streamed token by token as nanoGPT's sample.py.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError, helpText, numberFlag, parseFlags, type FlagSpec } from '../args.js';
import { GPT, type GPTConfig } from '../../models/gpt.js';
import { loadGpt2Weights } from '../../models/gpt2-weights.js';
import { loadCheckpoint } from '../../io/checkpoint.js';
import { generate } from '../../generate/generate.js';
import { StreamDecoder } from '../../generate/stream-decoder.js';
import { loadGpt2 } from '../../tokenizers/gpt2-files.js';
import type { Tokenizer } from '../../tokenizers/tokenizer.js';
import { runTokenizer } from './train-gpt.js';

const COMMAND = 'sample';

const spec: Record<string, FlagSpec> = {
  run: { type: 'string', help: 'a run folder of deepts train gpt (config.json, tokenizer.json, checkpoint.safetensors)' },
  gpt2: { type: 'string', help: "instead of --run: a Hugging Face GPT-2 model.safetensors (GPT-2's tokenizer from the shared data)" },
  prompt: { type: 'string', default: '\n', help: 'text to continue' },
  'max-tokens': { type: 'string', default: '500', help: 'tokens to generate' },
  temperature: { type: 'string', default: '0.8', help: '0 = greedy; below 1 more conservative, above 1 more random' },
  'top-k': { type: 'string', default: '200', help: 'sample from the k most likely tokens (0 = all)' },
  'top-p': { type: 'string', default: '1', help: 'nucleus sampling: the smallest set of tokens with this much probability' },
  seed: { type: 'string', default: '1337', help: 'sampling seed (same seed, same text)' },
  'no-cache': { type: 'boolean', help: 'recompute the whole context for every token (slow; for comparison)' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

/** The model and tokenizer of a deepts train gpt run folder. */
export function loadRun(dir: string): { model: GPT; tokenizer: Tokenizer } {
  const cfgPath = join(dir, 'config.json'),
    ckpt = join(dir, 'checkpoint.safetensors');
  if (!existsSync(cfgPath) || !existsSync(ckpt))
    throw new CliError(`deepts ${COMMAND}: ${dir} is not a finished run folder (needs config.json and checkpoint.safetensors from deepts train gpt)`);
  const config = (JSON.parse(readFileSync(cfgPath, 'utf8')) as { model?: GPTConfig }).model;
  if (!config) throw new CliError(`deepts ${COMMAND}: ${cfgPath} has no model config`);
  const model = new GPT(config);
  loadCheckpoint(ckpt, { model, generator: null });
  model.eval();
  return { model, tokenizer: runTokenizer(dir) };
}

/** The run folder named by --run, when it is a GAN run (then the GAN's flags apply). */
function ganRunOf(argv: string[]): boolean {
  const i = argv.findIndex((a) => a === '--run' || a.startsWith('--run='));
  if (i < 0) return false;
  const dir = argv[i]!.startsWith('--run=') ? argv[i]!.slice(6) : argv[i + 1];
  if (!dir) return false;
  try {
    return (JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { command?: string }).command === 'train gan';
  } catch {
    return false;
  }
}

export async function run(argv: string[]): Promise<number> {
  if (ganRunOf(argv)) return (await import('./sample-gan.js')).runGanSample(argv);
  const { flags: f, positionals } = parseFlags(COMMAND, argv, spec);
  if (f.help) {
    console.log(helpText(COMMAND, '--run DIR [--prompt TEXT] [flags]', spec));
    console.log('\nOn a deepts train gan run: deepts sample --run DIR [--n 64] [--digit 7] [--seed 1] [--out grid.png] (deepts sample --run DIR --help)');
    return 0;
  }
  if (positionals.length) throw new CliError(`deepts ${COMMAND}: unexpected argument '${positionals[0]}' (flags start with --; see --help)`);
  if ((typeof f.run === 'string') === (typeof f.gpt2 === 'string'))
    throw new CliError(`deepts ${COMMAND}: give exactly one of --run DIR or --gpt2 model.safetensors`);
  const maxNewTokens = numberFlag(COMMAND, f, 'max-tokens', { integer: true, min: 0, max: 1e7 })!;
  const temperature = numberFlag(COMMAND, f, 'temperature', { min: 0, max: 100 })!;
  const topK = numberFlag(COMMAND, f, 'top-k', { integer: true, min: 0, max: 1e9 })!;
  const topP = numberFlag(COMMAND, f, 'top-p', { min: 0, max: 1 })!;
  if (topP === 0) throw new CliError(`deepts ${COMMAND}: --top-p expects a number in (0, 1], got '0'`);
  const seed = numberFlag(COMMAND, f, 'seed', { integer: true, min: 0, max: 4294967295 })!;
  let model: GPT, tokenizer: Tokenizer;
  if (typeof f.run === 'string') ({ model, tokenizer } = loadRun(f.run));
  else {
    if (!existsSync(f.gpt2 as string)) throw new CliError(`deepts ${COMMAND}: --gpt2 ${String(f.gpt2)}: no such file`);
    model = loadGpt2Weights(f.gpt2 as string);
    tokenizer = loadGpt2();
  }
  let prompt: number[];
  try {
    prompt = tokenizer.encode(String(f.prompt));
  } catch (e) {
    throw new CliError(`deepts ${COMMAND}: --prompt: ${(e as Error).message}`);
  }
  if (!prompt.length) throw new CliError(`deepts ${COMMAND}: --prompt must not be empty`);
  process.stdout.write(String(f.prompt));
  const decoder = new StreamDecoder((ids) => tokenizer.decode(ids));
  const t0 = performance.now();
  const ids = generate(model, prompt, {
    maxNewTokens,
    temperature,
    topK: topK || null,
    topP: topP < 1 ? topP : null,
    seed,
    useCache: f['no-cache'] !== true,
    onToken: (id) => process.stdout.write(decoder.push(id)),
  });
  process.stdout.write(decoder.flush() + '\n');
  const s = (performance.now() - t0) / 1000;
  console.error(
    `${ids.length} tokens in ${s.toFixed(2)} s (${(ids.length / s).toFixed(1)} tokens/s${f['no-cache'] === true ? ', no KV cache' : ', KV cache'})`,
  );
  return 0;
}
