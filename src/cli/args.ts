// A small, strict flag parser shared by every `deepts` command: unknown flags and bad values are
// errors that name the command, the flag and what was expected.
import { parseArgs } from 'node:util';

export type FlagSpec = {
  type: 'string' | 'boolean';
  short?: string;
  default?: string | boolean;
  help: string;
};

export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** flags: every flag, defaults filled in; given: the flags the command line named (a resumed run keeps its settings unless given). */
export type Parsed = { flags: Record<string, string | boolean | undefined>; positionals: string[]; given: Set<string> };

export function parseFlags(command: string, argv: string[], spec: Record<string, FlagSpec>): Parsed {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, s] of Object.entries(spec)) {
    options[name] = s.short ? { type: s.type, short: s.short } : { type: s.type };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (e) {
    const known = Object.keys(spec)
      .map((k) => `--${k}`)
      .join(', ');
    throw new CliError(`deepts ${command}: ${(e as Error).message.split('\n')[0]}. Known flags: ${known}`);
  }
  const flags: Record<string, string | boolean | undefined> = {};
  const given = new Set<string>();
  for (const [name, s] of Object.entries(spec)) {
    const v = (parsed.values as Record<string, string | boolean | undefined>)[name];
    if (v !== undefined) given.add(name);
    flags[name] = v ?? s.default;
  }
  return { flags, positionals: parsed.positionals, given };
}

export function numberFlag(
  command: string,
  flags: Parsed['flags'],
  name: string,
  opts: { integer?: boolean; min?: number; max?: number } = {},
): number | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const v = Number(raw);
  const ok =
    typeof raw === 'string' &&
    raw.trim() !== '' &&
    Number.isFinite(v) &&
    (!opts.integer || Number.isInteger(v)) &&
    (opts.min === undefined || v >= opts.min) &&
    (opts.max === undefined || v <= opts.max);
  if (!ok) {
    const range = `${opts.min ?? '-inf'}..${opts.max ?? 'inf'}`;
    throw new CliError(`deepts ${command}: --${name} expects ${opts.integer ? 'an integer' : 'a number'} in ${range}, got '${String(raw)}'`);
  }
  return v;
}

export function choiceFlag<T extends string>(command: string, flags: Parsed['flags'], name: string, choices: readonly T[]): T | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !(choices as readonly string[]).includes(raw)) {
    throw new CliError(`deepts ${command}: --${name} expects one of ${choices.join('|')}, got '${String(raw)}'`);
  }
  return raw as T;
}

export function helpText(command: string, usage: string, spec: Record<string, FlagSpec>): string {
  const lines = [`usage: deepts ${command} ${usage}`, ''];
  for (const [name, s] of Object.entries(spec)) {
    const def = s.default !== undefined ? ` (default: ${String(s.default)})` : '';
    lines.push(`  --${name}${s.type === 'string' ? ' VALUE' : ''}`.padEnd(28) + s.help + def);
  }
  return lines.join('\n');
}
