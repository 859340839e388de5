// `deepts info`: what this installation runs on — version, backend, threads, Node, data folder.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError, parseFlags, helpText, type FlagSpec } from '../args.js';
import { backendLine, getBackend } from '../../backend/registry.js';
import { getNumThreads } from '../../backend/native/index.js';
import { dataDir, repoRoot } from '../../io/data-paths.js';

/** The js backend runs on the main thread; the native pool's size is set by DEEPTS_NUM_THREADS. */
function threadsLine(): string {
  return getBackend().name === 'native' ? `threads: ${getNumThreads()} (native pool; DEEPTS_NUM_THREADS)` : 'threads: 1 (js backend, main thread)';
}

const spec: Record<string, FlagSpec> = {
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The lines `deepts info` prints. */
export function infoLines(): string[] {
  const data = dataDir();
  const source = process.env.DEEPTS_DATA ? 'DEEPTS_DATA' : 'default; set DEEPTS_DATA to change';
  return [
    `deepts ${packageVersion()}`,
    backendLine(),
    threadsLine(),
    `node: ${process.version} (${process.platform}-${process.arch})`,
    `data: ${data} (${source}) — ${existsSync(data) ? 'exists' : 'does not exist'}`,
  ];
}

export async function run(argv: string[]): Promise<number> {
  const { flags, positionals } = parseFlags('info', argv, spec);
  if (flags.help) {
    console.log(helpText('info', '', spec));
    return 0;
  }
  if (positionals.length) {
    throw new CliError(`deepts info: takes no arguments, got '${positionals.join(' ')}'`);
  }
  for (const line of infoLines()) console.log(line);
  return 0;
}
