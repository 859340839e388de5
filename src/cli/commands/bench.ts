// `deepts bench gemm|mlp|gpt|cnn|rnn|seq2seq|gan`: the benches of bench/ (deepts against numpy/OpenBLAS, PyTorch and
// TensorFlow.js), writing bench/results/. They live outside src/, so this works in a checkout.
import { CliError } from '../args.js';

export async function run(argv: string[]): Promise<number> {
  let bench: typeof import('../../../bench/run.js');
  try {
    bench = await import('../../../bench/run.js');
  } catch {
    throw new CliError('deepts bench: the benches are not in this installation (they ship with the source checkout: npm run bench)');
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(bench.BENCH_USAGE);
    return 0;
  }
  return bench.runBench(argv);
}
