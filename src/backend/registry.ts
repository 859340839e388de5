// Which backend runs the kernels. Backends register themselves; DEEPTS_BACKEND picks one.
import type { Backend } from './kernels.js';
import { jsBackend } from './js/index.js';

const backends = new Map<string, Backend>([[jsBackend.name, jsBackend]]);
let active: Backend = jsBackend;
let why = 'the default';

export function registerBackend(backend: Backend): void {
  backends.set(backend.name, backend);
}

export function setBackend(name: string): Backend {
  const b = backends.get(name);
  if (!b) throw new Error(`setBackend: no backend '${name}'; available: ${[...backends.keys()].join(', ')}`);
  active = b;
  why = 'chosen with setBackend';
  return b;
}

export function getBackend(): Backend {
  return active;
}

export function listBackends(): string[] {
  return [...backends.keys()];
}

/** One line saying which backend is active and why (printed by `deepts info`). */
export function backendLine(): string {
  return `backend: ${active.name} — ${active.description} (${why})`;
}

const requested = typeof process !== 'undefined' ? process.env?.DEEPTS_BACKEND : undefined;
if (requested && requested !== 'js') {
  // Other backends register on load; if the requested one is unknown we keep js and say so.
  why = `DEEPTS_BACKEND=${requested} is not available, falling back to js`;
} else if (requested === 'js') {
  why = 'DEEPTS_BACKEND=js';
}
