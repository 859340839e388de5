// What the bench ran on: CPU, cores, load, Node, and the deepts backend line.
import { cpus, loadavg, totalmem } from 'node:os';
import { backendLine } from '../src/backend/registry.js';

export type MachineInfo = { cpu: string; cores: number; memoryGiB: number; node: string; backend: string; loadBefore: number[]; date: string };

export function machineInfo(): MachineInfo {
  const c = cpus();
  return {
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    backend: backendLine(),
    loadBefore: loadavg().map((x) => Math.round(x * 100) / 100),
    date: new Date().toISOString(),
  };
}

export function machineMarkdown(m: MachineInfo, loadAfter: number[]): string {
  return [
    `- date: ${m.date}`,
    `- machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB; Node ${m.node}`,
    `- ${m.backend}`,
    `- load average (1/5/15 min) before: ${m.loadBefore.join(' / ')}, after: ${loadAfter.map((x) => Math.round(x * 100) / 100).join(' / ')} — the machine is shared, other processes may have been running`,
  ].join('\n');
}
