// `deepts params [model]`: a model's parameter count, beside the paper's / torchvision's figure.
// Without a model: every model of the zoo (src/models/index.ts), then the transformer size tables
// (GPT-3, LLaMA, BERT, ALBERT, computed from their configs). --layers lists every parameter tensor.
import { CliError, helpText, numberFlag, parseFlags, type FlagSpec } from '../args.js';
import { shapeStr } from '../../tensor/shape.js';
import { MODELS, listModels, buildModel } from '../../models/index.js';
import { withMetaParameters } from '../../nn/parameter.js';

const COMMAND = 'params';

const spec: Record<string, FlagSpec> = {
  json: { type: 'boolean', help: 'print JSON instead of text' },
  layers: { type: 'boolean', help: 'list every parameter tensor with its shape and size' },
  'num-classes': { type: 'string', help: "size of the classifier output (default: the model's own, 1000 for ImageNet models)" },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

export type ParamCount = {
  model: string;
  parameters: number;
  trainable: number;
  reference: number | null;
  source: string | null;
  /** Whether the count equals the reference (null when there is none). */
  matches: boolean | null;
  layers?: { name: string; shape: number[]; parameters: number }[];
};

/**
 * Counts a zoo model's parameters (shared ones once) from their shapes: the model is built with
 * meta parameters (nn.withMetaParameters), so nothing is allocated or initialized.
 */
export function countParameters(name: string, opts: { numClasses?: number; layers?: boolean } = {}): ParamCount {
  const entry = MODELS[name];
  if (!entry)
    throw new CliError(
      `deepts params: unknown model '${name}', expected one of ${listModels().join(', ')} (or a transformer size such as gpt3-small, llama-7b, bert-base)`,
    );
  const model = withMetaParameters(() => buildModel(name, { numClasses: opts.numClasses }));
  const parameters = model.numParameters();
  const ref = opts.numClasses === undefined ? entry.reference : undefined;
  const out: ParamCount = {
    model: name,
    parameters,
    trainable: model.numParameters({ trainableOnly: true }),
    reference: ref?.parameters ?? null,
    source: ref?.source ?? null,
    matches: ref ? ref.parameters === parameters : null,
  };
  if (opts.layers) out.layers = model.namedParameters().map(([n, p]) => ({ name: n, shape: [...p.shape], parameters: p.numel() }));
  return out;
}

const fmt = (n: number): string => n.toLocaleString('en-US');

function line(c: ParamCount): string {
  const ref = c.reference === null ? '' : `  ${c.matches ? '=' : '≠'} ${fmt(c.reference)} (${c.source})`;
  return `${c.model.padEnd(16)}${fmt(c.parameters).padStart(14)}${ref}`;
}

/** The transformer sizes' table (from src/models/model-sizes.ts), or null when that module is absent. */
async function transformerTable(filter?: string): Promise<string[] | null> {
  const sizes = await import('../../models/model-sizes.js').catch(() => null);
  if (!sizes) return null;
  return sizes.transformerParamTable(filter);
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseFlags(COMMAND, argv, spec);
  const f = parsed.flags;
  if (f.help) {
    console.log(
      helpText(COMMAND, `[model] [--json] [--layers]\n\nmodels: ${listModels().join(', ')}; transformer sizes: gpt-3, llama, bert, albert families`, spec),
    );
    return 0;
  }
  if (parsed.positionals.length > 1) throw new CliError(`deepts params: expected one model name, got ${parsed.positionals.join(' ')}`);
  const numClasses = numberFlag(COMMAND, f, 'num-classes', { integer: true, min: 1, max: 1_000_000 });
  const name = parsed.positionals[0];
  if (name && !MODELS[name]) {
    // not a zoo model: a transformer size or family?
    let table: string[] | null = null;
    try {
      table = await transformerTable(name);
    } catch {
      table = null;
    }
    if (!table)
      throw new CliError(
        `deepts params: unknown model '${name}', expected one of ${listModels().join(', ')} or a transformer size (gpt3-small, llama-7b, bert-base, albert-base, ...)`,
      );
    if (f.json) {
      const sizes = await import('../../models/model-sizes.js');
      const rows = sizes
        .transformerSizes()
        .filter((r) => r.name === name.toLowerCase() || r.family.toLowerCase() === name.toLowerCase() || r.name.startsWith(name.toLowerCase()));
      console.log(
        JSON.stringify(
          rows.map((r) => ({ model: r.name, parameters: r.params, reference: r.slideFigure, matches: r.matchesSlide })),
          null,
          2,
        ),
      );
    } else {
      for (const l of table) console.log(l);
    }
    return 0;
  }
  const names = name ? [name] : listModels();
  const counts = names.map((n) => countParameters(n, { numClasses, layers: f.layers === true }));
  if (f.json) {
    console.log(JSON.stringify(name ? counts[0] : counts, null, 2));
    return 0;
  }
  for (const c of counts) {
    console.log(line(c));
    if (c.layers) {
      for (const l of c.layers) console.log(`  ${l.name.padEnd(40)}${shapeStr(l.shape).padEnd(22)}${fmt(l.parameters).padStart(12)}`);
    }
  }
  if (!name) {
    const table = await transformerTable().catch(() => null);
    if (table) {
      console.log('');
      for (const l of table) console.log(l);
    }
  }
  return 0;
}
