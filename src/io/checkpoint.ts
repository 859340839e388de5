// Training checkpoints: everything needed to resume a run bit-for-bit, in ONE safetensors file.
//   tensors:      model.<stateDict name>, optimizer.<path in its stateDict>, (scheduler.|extra.|config.)<path>
//   __metadata__: "deepts.checkpoint" = JSON {format, version, step, epoch, config, optimizer,
//                 scheduler, rng, extra}, where the optimizer/scheduler/extra trees hold
//                 {"$tensor": name} in place of each tensor (see state-tree.ts).
// The file is written to a temp file and renamed, so a crash never leaves a half-written checkpoint.
// A JSON sidecar <path>.json (step, epoch, config, extra) is written next to it for humans and
// tools; it is informative only: loading reads the safetensors file alone. See docs/checkpoints.md.
import { basename } from 'node:path';
import type { Tensor } from '../tensor/tensor.js';
import { defaultGenerator, Generator, type GeneratorState } from '../tensor/generator.js';
import { writeFileAtomic, writeAll } from './atomic-write.js';
import { loadSafetensors, saveSafetensors } from './safetensors.js';
import { decodeStateTree, encodeStateTree, type JsonValue } from './state-tree.js';
import { checkBoolean, checkOptions, optionKeys } from '../util/options.js';

/** The safetensors metadata key holding the checkpoint's JSON. */
export const CHECKPOINT_KEY = 'deepts.checkpoint';
export const CHECKPOINT_FORMAT = 'deepts.checkpoint';
export const CHECKPOINT_VERSION = 1;

/** What a checkpoint needs of a model: nn.Module satisfies it. */
export interface CheckpointModel {
  stateDict(): Record<string, Tensor>;
  loadStateDict(stateDict: Record<string, Tensor>, opts?: { strict?: boolean }): unknown;
}

/** What a checkpoint needs of an optimizer or a learning-rate scheduler. */
export interface CheckpointStateful {
  stateDict(): unknown;
  loadStateDict(state: any): unknown;
}

export type SaveCheckpointOptions = {
  model: CheckpointModel;
  optimizer?: CheckpointStateful;
  scheduler?: CheckpointStateful;
  /** Optimizer steps taken so far (a non-negative integer). */
  step: number;
  epoch?: number;
  /** The run's configuration (any JSON-able value). */
  config?: unknown;
  /** The generator whose state is saved: default the default generator; null saves none. */
  generator?: Generator | null;
  /** Anything else to keep (metrics, data-loader position, other generators' getState()); may hold Tensors. */
  extra?: unknown;
  /** Also write the JSON sidecar <path>.json (default true). */
  sidecar?: boolean;
};

export type LoadCheckpointOptions = {
  /** Receives the saved weights (strict: every key must match). */
  model?: CheckpointModel;
  optimizer?: CheckpointStateful;
  scheduler?: CheckpointStateful;
  /** The generator to restore: default the default generator; null leaves every generator alone. */
  generator?: Generator | null;
};

export type Checkpoint = {
  version: number;
  step: number;
  epoch: number | null;
  config: unknown;
  extra: unknown;
  /** The saved generator state, or null when none was saved. */
  rng: GeneratorState | null;
  /** The model's state dict as saved (fresh tensors), whether or not a model was passed. */
  modelState: Record<string, Tensor>;
  optimizerState: unknown;
  schedulerState: unknown;
};

/** The JSON stored under CHECKPOINT_KEY. */
type CheckpointHeader = {
  format: string;
  version: number;
  step: number;
  epoch: number | null;
  config: JsonValue;
  optimizer: JsonValue;
  scheduler: JsonValue;
  rng: GeneratorState | null;
  extra: JsonValue;
};

const MODEL_PREFIX = 'model.';
const SAVE_KEYS = optionKeys<SaveCheckpointOptions>({
  model: true,
  optimizer: true,
  scheduler: true,
  step: true,
  epoch: true,
  config: true,
  generator: true,
  extra: true,
  sidecar: true,
});
const LOAD_KEYS = optionKeys<LoadCheckpointOptions>({ model: true, optimizer: true, scheduler: true, generator: true });

function checkPath(where: string, path: unknown): void {
  if (typeof path !== 'string' || path === '') throw new TypeError(`${where}: expected a file path, got ${typeof path === 'string' ? "''" : typeof path}`);
}

function checkStateful(where: string, what: string, x: unknown, methods: string[]): void {
  if (x === undefined) return;
  const missing = methods.filter((m) => typeof (x as Record<string, unknown> | null)?.[m] !== 'function');
  if (missing.length)
    throw new TypeError(`${where}: ${what} must have ${methods.join('() and ')}(), found ${x === null ? 'null' : typeof x} without ${missing.join(', ')}`);
}

/** Saves model, optimizer, scheduler, RNG and bookkeeping to one safetensors file (atomically). */
export function saveCheckpoint(path: string, opts: SaveCheckpointOptions): void {
  checkPath('saveCheckpoint', path);
  const where = `saveCheckpoint: ${path}`;
  if (typeof opts !== 'object' || opts === null) throw new TypeError(`${where}: expected options {model, step, ...}, found ${opts}`);
  if (opts.model === undefined) throw new TypeError(`${where}: options.model is required`);
  checkStateful(where, 'model', opts.model, ['stateDict', 'loadStateDict']);
  checkStateful(where, 'optimizer', opts.optimizer, ['stateDict', 'loadStateDict']);
  checkStateful(where, 'scheduler', opts.scheduler, ['stateDict', 'loadStateDict']);
  if (!Number.isSafeInteger(opts.step) || opts.step < 0) throw new TypeError(`${where}: step must be a non-negative integer, found ${opts.step}`);
  if (opts.epoch !== undefined && (typeof opts.epoch !== 'number' || !Number.isFinite(opts.epoch))) {
    throw new TypeError(`${where}: epoch must be a finite number, found ${opts.epoch}`);
  }
  const generator = opts.generator === undefined ? defaultGenerator : opts.generator;
  if (generator !== null && !(generator instanceof Generator))
    throw new TypeError(`${where}: generator must be a Generator or null, found ${typeof generator}`);
  checkOptions(where, opts, SAVE_KEYS);
  if (opts.sidecar !== undefined) checkBoolean(where, 'sidecar', opts.sidecar);

  const tensors: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(opts.model.stateDict())) tensors[MODEL_PREFIX + name] = t;
  const tree = (value: unknown, prefix: string): JsonValue => (value === undefined ? null : encodeStateTree(value, prefix, tensors, where));
  const header: CheckpointHeader = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    step: opts.step,
    epoch: opts.epoch ?? null,
    config: tree(opts.config, 'config'),
    optimizer: opts.optimizer ? tree(opts.optimizer.stateDict(), 'optimizer') : null,
    scheduler: opts.scheduler ? tree(opts.scheduler.stateDict(), 'scheduler') : null,
    rng: generator ? generator.getState() : null,
    extra: tree(opts.extra, 'extra'),
  };
  saveSafetensors(path, tensors, { [CHECKPOINT_KEY]: JSON.stringify(header) });

  if (opts.sidecar ?? true) {
    const sidecar = {
      checkpoint: basename(path),
      format: header.format,
      version: header.version,
      step: header.step,
      epoch: header.epoch,
      config: header.config,
      extra: header.extra,
    };
    const bytes = new TextEncoder().encode(JSON.stringify(sidecar, null, 2) + '\n');
    writeFileAtomic(`${path}.json`, (fd) => writeAll(fd, bytes));
  }
}

function parseHeader(path: string, metadata: Record<string, string>): CheckpointHeader {
  const where = `loadCheckpoint: ${path}`;
  const text = metadata[CHECKPOINT_KEY];
  if (text === undefined) {
    const keys = Object.keys(metadata);
    throw new Error(
      `${where}: not a deepts checkpoint: the safetensors metadata has no '${CHECKPOINT_KEY}' entry (found ${keys.length ? keys.map((k) => `'${k}'`).join(', ') : 'no metadata'}); use loadSafetensors for plain weight files`,
    );
  }
  let h: unknown;
  try {
    h = JSON.parse(text);
  } catch (err) {
    throw new Error(`${where}: '${CHECKPOINT_KEY}' metadata is not valid JSON (${(err as Error).message})`);
  }
  if (typeof h !== 'object' || h === null || Array.isArray(h))
    throw new Error(`${where}: '${CHECKPOINT_KEY}' metadata must be a JSON object, found ${JSON.stringify(h)}`);
  const header = h as Partial<CheckpointHeader>;
  if (header.format !== CHECKPOINT_FORMAT) throw new Error(`${where}: format is ${JSON.stringify(header.format)}, expected '${CHECKPOINT_FORMAT}'`);
  if (typeof header.version !== 'number' || header.version > CHECKPOINT_VERSION || header.version < 1) {
    throw new Error(`${where}: checkpoint format version ${header.version} is not supported (this deepts reads version ${CHECKPOINT_VERSION})`);
  }
  if (!Number.isSafeInteger(header.step) || header.step! < 0)
    throw new Error(`${where}: step must be a non-negative integer, found ${JSON.stringify(header.step)}`);
  const rng = header.rng;
  if (rng !== null && rng !== undefined && (typeof rng !== 'object' || typeof rng.seed !== 'number' || typeof rng.offset !== 'number')) {
    throw new Error(`${where}: rng must be {seed, offset} or null, found ${JSON.stringify(rng)}`);
  }
  return {
    format: header.format,
    version: header.version,
    step: header.step!,
    epoch: header.epoch ?? null,
    config: header.config ?? null,
    optimizer: header.optimizer ?? null,
    scheduler: header.scheduler ?? null,
    rng: rng ?? null,
    extra: header.extra ?? null,
  };
}

/**
 * Reads a checkpoint and restores whatever is passed: model weights (strict), optimizer state,
 * scheduler state, and the RNG state (into the default generator unless told otherwise).
 */
export function loadCheckpoint(path: string, opts: LoadCheckpointOptions = {}): Checkpoint {
  checkPath('loadCheckpoint', path);
  const where = `loadCheckpoint: ${path}`;
  checkStateful(where, 'model', opts.model, ['stateDict', 'loadStateDict']);
  checkStateful(where, 'optimizer', opts.optimizer, ['stateDict', 'loadStateDict']);
  checkStateful(where, 'scheduler', opts.scheduler, ['stateDict', 'loadStateDict']);
  if (opts.generator !== undefined && opts.generator !== null && !(opts.generator instanceof Generator)) {
    throw new TypeError(`${where}: generator must be a Generator or null, found ${typeof opts.generator}`);
  }
  checkOptions(where, opts, LOAD_KEYS);

  const { tensors, metadata } = loadSafetensors(path);
  const header = parseHeader(path, metadata);
  const used = new Set<string>();
  const modelState: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(tensors)) {
    if (name.startsWith(MODEL_PREFIX)) {
      modelState[name.slice(MODEL_PREFIX.length)] = t;
      used.add(name);
    }
  }
  const tree = (json: JsonValue): unknown => (json === null ? null : decodeStateTree(json, tensors, used, where));
  const result: Checkpoint = {
    version: header.version,
    step: header.step,
    epoch: header.epoch,
    config: tree(header.config),
    extra: tree(header.extra),
    rng: header.rng,
    modelState,
    optimizerState: tree(header.optimizer),
    schedulerState: tree(header.scheduler),
  };
  const stray = Object.keys(tensors).filter((n) => !used.has(n));
  if (stray.length)
    throw new Error(
      `${where}: tensor(s) ${stray.map((n) => `'${n}'`).join(', ')} belong to no part of the checkpoint (expected 'model.*' or names referenced by its state)`,
    );

  // Check everything that was asked for exists before changing anything.
  if (opts.optimizer && result.optimizerState === null) throw new Error(`${where}: an optimizer was passed but the checkpoint holds no optimizer state`);
  if (opts.scheduler && result.schedulerState === null) throw new Error(`${where}: a scheduler was passed but the checkpoint holds no scheduler state`);
  if (opts.generator && result.rng === null)
    throw new Error(`${where}: a generator was passed but the checkpoint holds no RNG state (it was saved with generator: null)`);

  const restore = (what: string, fn: () => unknown): void => {
    try {
      fn();
    } catch (err) {
      throw new Error(`${where}: restoring the ${what} failed: ${(err as Error).message}`, { cause: err });
    }
  };
  if (opts.model) restore('model', () => opts.model!.loadStateDict(modelState, { strict: true }));
  if (opts.optimizer) restore('optimizer', () => opts.optimizer!.loadStateDict(result.optimizerState));
  if (opts.scheduler) restore('scheduler', () => opts.scheduler!.loadStateDict(result.schedulerState));
  const generator = opts.generator === undefined ? defaultGenerator : opts.generator;
  if (generator && result.rng) generator.setState(result.rng);
  return result;
}
