// `npm run bench` and `deepts bench gemm|mlp|gpt|cnn|rnn|seq2seq|gan`: runs deepts and the references side by side and
// writes bench/results/<name>.md and .json. Flags:
//   --sizes 128,256,512,1024,2048   gemm sizes          --threads 1,2    gemm thread counts
//   --seconds 1                     time per gemm row   --steps N        timed steps (MLP 30, GPT 20)
//   --no-reference                  skip numpy/PyTorch  --no-tfjs        skip TensorFlow.js
//   --no-js                         skip the js backend rows   --no-write     leave bench/results/ as it is
// cnn (LeNet-5 step, one ResNet conv layer; bench/cnn.ts) takes --threads N (default 2), --steps, --warmup.
// rnn (bidirectional-LSTM sentiment step with peak memory, each row in its own process; bench/rnn.ts)
// takes --threads N (default 2), --steps (20), --warmup (3). seq2seq (the GRU + attention and
// Transformer translation steps; bench/seq2seq.ts) takes --threads N (default 2), --steps (20), --warmup (3).
// gan (one DCGAN iteration, D and G; bench/gan.ts) takes --threads N (default 2), --steps (20), --warmup (3).
import { loadavg } from 'node:os';
import { gemmMarkdown, runGemmBench } from './gemm.js';
import { mlpMarkdown, runMlpBench } from './mlp.js';
import { gptMarkdown, runGptBench } from './gpt.js';
import { runCnnTarget } from './cnn.js';
import { runRnnTarget } from './rnn.js';
import { runSeq2SeqTarget } from './seq2seq.js';
import { runGanTarget } from './gan.js';
import { machineInfo, machineMarkdown } from './machine.js';
import { setResultsWriting, writeResults } from './results.js';

type Flags = Record<string, string | boolean>;

function parse(argv: string[]): { what: string[]; flags: Flags } {
  const what: string[] = [],
    flags: Flags = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--no-')) flags[a.slice(5)] = false;
    else if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=', 2) as [string, string | undefined];
      flags[k] = v ?? argv[++i] ?? '';
    } else what.push(a);
  }
  return { what, flags };
}

const VALUE_FLAGS = ['sizes', 'threads', 'seconds', 'steps', 'warmup', 'batch'];
const SWITCHES = ['reference', 'tfjs', 'js', 'write'];

/** Why the flags are wrong (an unknown flag, a switch given a value, a number that is not one), or null. */
function badFlags(flags: Flags): string | null {
  for (const [k, v] of Object.entries(flags)) {
    if (SWITCHES.includes(k)) {
      if (v !== false) return `--${k} is on by default; --no-${k} turns it off`;
    } else if (!VALUE_FLAGS.includes(k)) return `unknown flag --${k}`;
    else if (typeof v !== 'string' || !v || v.split(',').some((n) => !Number.isFinite(Number(n)) || Number(n) <= 0))
      return `--${k} takes ${k === 'sizes' || k === 'threads' ? 'a comma-separated list of positive numbers' : 'a positive number'}, got '${v}'`;
  }
  return null;
}

const list = (v: string | boolean | undefined, dflt: number[]) => (typeof v === 'string' && v ? v.split(',').map(Number) : dflt);
const num = (v: string | boolean | undefined, dflt: number) => (typeof v === 'string' && v ? Number(v) : dflt);

export const BENCH_USAGE =
  'usage: deepts bench gemm|mlp|gpt|cnn|rnn|seq2seq|gan|all [--sizes 128,256,...] [--threads 1,2] [--seconds 1] [--steps N] [--warmup N] [--batch N] [--no-reference] [--no-tfjs] [--no-js] [--no-write]';
const BENCHES = ['gemm', 'mlp', 'gpt', 'cnn', 'rnn', 'seq2seq', 'gan'];

export async function runBench(argv: string[], log: (s: string) => void = console.log): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    log(BENCH_USAGE);
    return 0;
  }
  const { what, flags } = parse(argv);
  const bad = badFlags(flags);
  if (bad) {
    log(`deepts bench: ${bad}\n${BENCH_USAGE}`);
    return 2;
  }
  const targets = what.length === 0 || what.includes('all') ? BENCHES : what;
  for (const t of targets)
    if (!BENCHES.includes(t)) {
      log(`deepts bench: unknown bench '${t}'\n${BENCH_USAGE}`);
      return 2;
    }
  const reference = flags.reference !== false;
  setResultsWriting(flags.write !== false);
  for (const t of targets) {
    const machine = machineInfo();
    log(`## ${t}\n\n${machine.backend}\nload before: ${machine.loadBefore.join(' / ')}`);
    if (t === 'gemm') {
      const opts = {
        sizes: list(flags.sizes, [128, 256, 512, 1024, 2048]),
        threads: list(flags.threads, [1, 2]),
        seconds: num(flags.seconds, 1),
        reference,
        jsUpTo: flags.js === false ? 0 : 512,
      };
      const report = runGemmBench(opts, log);
      const md = `# sgemm: deepts vs numpy/OpenBLAS\n\n${machineMarkdown(machine, loadavg())}\n\n${gemmMarkdown(report)}\n`;
      log(writeResults('gemm', md, { machine, options: opts, ...report, loadAfter: loadavg() }).join('\n'));
    } else if (t === 'gpt') {
      const opts = {
        threads: num(flags.threads, 2),
        steps: num(flags.steps, 20),
        warmup: num(flags.warmup, 5),
        reference,
        js: flags.js !== false,
        tfjs: flags.tfjs !== false,
      };
      const report = await runGptBench(opts, log);
      const md = `# Character-GPT training step: deepts vs PyTorch and TensorFlow.js\n\n${machineMarkdown(machine, loadavg())}\n\n${gptMarkdown(report)}\n`;
      log(writeResults('gpt', md, { machine, options: opts, ...report, loadAfter: loadavg() }).join('\n'));
    } else if (t === 'cnn') {
      await runCnnTarget(
        machine,
        {
          threads: num(flags.threads, 2),
          steps: num(flags.steps, 30),
          warmup: num(flags.warmup, 5),
          reference,
          js: flags.js !== false,
          tfjs: flags.tfjs !== false,
        },
        log,
      );
    } else if (t === 'gan') {
      await runGanTarget(
        machine,
        { threads: num(flags.threads, 2), steps: num(flags.steps, 20), warmup: num(flags.warmup, 3), reference, tfjs: flags.tfjs !== false },
        log,
      );
    } else if (t === 'seq2seq') {
      await runSeq2SeqTarget(machine, { threads: num(flags.threads, 2), steps: num(flags.steps, 20), warmup: num(flags.warmup, 3), reference }, log);
    } else if (t === 'rnn') {
      await runRnnTarget(
        machine,
        {
          threads: num(flags.threads, 2),
          steps: num(flags.steps, 20),
          warmup: num(flags.warmup, 3),
          reference,
          js: flags.js !== false,
          tfjs: flags.tfjs !== false,
        },
        log,
      );
    } else {
      const opts = {
        threads: num(flags.threads, 2),
        batch: num(flags.batch, 128),
        steps: num(flags.steps, 30),
        warmup: num(flags.warmup, 5),
        reference,
        js: flags.js !== false,
        tfjs: flags.tfjs !== false,
      };
      const report = await runMlpBench(opts, log);
      const md = `# MLP training step: deepts vs PyTorch and TensorFlow.js\n\n${machineMarkdown(machine, loadavg())}\n\n${mlpMarkdown(report)}\n`;
      log(writeResults('mlp', md, { machine, options: opts, ...report, loadAfter: loadavg() }).join('\n'));
    }
  }
  return 0;
}

// run directly: node dist/bench/run.js [gemm|mlp|gpt|cnn|rnn|seq2seq|gan] [flags]
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  runBench(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
