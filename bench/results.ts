// Writes a bench's markdown table and JSON to bench/results/ (overwritten by each run).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { machineMarkdown, type MachineInfo } from './machine.js';

export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results');

let writing = true;

/** `--no-write`: a trial run prints its table and leaves the committed results alone. */
export function setResultsWriting(on: boolean): void {
  writing = on;
}

export function writeResults(name: string, markdown: string, json: unknown, dir = RESULTS_DIR): string[] {
  if (!writing) return [`(--no-write: bench/results/${name}.md not written)`];
  mkdirSync(dir, { recursive: true });
  const md = join(dir, `${name}.md`),
    js = join(dir, `${name}.json`);
  writeFileSync(md, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  writeFileSync(js, `${JSON.stringify(json, null, 2)}\n`);
  return [md, js];
}

/** A step bench's report: `# title`, the machine, the body; the JSON with the machine and the load after. */
export function writeBenchReport(name: string, title: string, machine: MachineInfo, body: string, json: Record<string, unknown>): string[] {
  const md = `# ${title}\n\n${machineMarkdown(machine, loadavg())}\n\n${body}\n`;
  return writeResults(name, md, { machine, ...json, loadAfter: loadavg() });
}
