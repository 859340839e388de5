// A run folder: where a training run writes its config, logs, pictures and checkpoint. config.json
// names the command that made it, so `--resume` refuses the folder of another command and says
// which command it belongs to.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { writeFileAtomic, writeAll } from '../io/atomic-write.js';

function timestamp(d = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** A fresh folder name runs/<name>-<timestamp> (suffixed -2, -3, ... if two runs start in the same second). */
export function defaultRunFolder(name: string): string {
  const base = join('runs', `${name}-${timestamp()}`);
  let out = base;
  for (let k = 2; existsSync(out); k++) out = `${base}-${k}`;
  return out;
}

/** The machine a run's metrics were measured on: its cores and the load average before and after (the machine may be shared). */
export function machineRecord(loadBefore: readonly number[]): { cpus: number; loadAverageBefore: number[]; loadAverageAfter: number[] } {
  const round = (v: number) => Number(v.toFixed(2));
  return { cpus: cpus().length, loadAverageBefore: loadBefore.map(round), loadAverageAfter: loadavg().map(round) };
}

/** Writes config.json (atomically), stamped with the command. */
export function writeRunConfig(dir: string, command: string, config: object): void {
  const bytes = new TextEncoder().encode(JSON.stringify({ command, ...config }, null, 2) + '\n');
  writeFileAtomic(join(dir, 'config.json'), (fd) => writeAll(fd, bytes));
}

/** What a folder is, in words: '`deepts train gpt` run folder', 'not a run folder', … */
function describe(dir: string): string {
  const path = join(dir, 'config.json');
  if (!existsSync(dir)) return 'does not exist';
  if (!existsSync(path)) {
    const files = readdirSync(dir).slice(0, 6);
    return `has no config.json, so it is not a deepts run folder (it holds ${files.length ? files.join(', ') : 'nothing'})`;
  }
  try {
    const c = JSON.parse(readFileSync(path, 'utf8')) as { command?: unknown };
    return typeof c.command === 'string'
      ? `is a run folder of \`deepts ${c.command}\``
      : 'is a run folder of an older deepts, which did not record its command';
  } catch {
    return 'has a config.json that is not valid JSON';
  }
}

/**
 * Reads the config of a run folder to resume; refuses a folder of another command (naming what it
 * is and how to resume it) or one without a checkpoint.
 */
export function readRunConfig<T>(dir: string, command: string, checkpoint = 'checkpoint.safetensors', flag = '--resume'): T {
  const path = join(dir, 'config.json');
  let config: { command?: unknown } | null = null;
  if (existsSync(path)) {
    try {
      config = JSON.parse(readFileSync(path, 'utf8')) as { command?: unknown };
    } catch {
      config = null;
    }
  }
  if (!existsSync(dir)) throw new Error(`deepts ${command}: ${flag} ${dir}: no such folder`);
  if (!config || config.command !== command) {
    const what = describe(dir);
    const hint = config && typeof config.command === 'string' ? `; resume it with: deepts ${config.command} --resume ${dir}` : '';
    throw new Error(`deepts ${command}: ${flag} ${dir}: the folder ${what}, not of \`deepts ${command}\`${hint}`);
  }
  if (!existsSync(join(dir, checkpoint)))
    throw new Error(
      `deepts ${command}: ${flag} ${dir}: no ${checkpoint} there (${flag === '--resume' ? 'the run stopped before its first checkpoint; start it again' : 'the run has not written it yet'})`,
    );
  const { command: _c, ...rest } = config as Record<string, unknown>;
  return rest as T;
}
