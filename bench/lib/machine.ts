import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { round } from './statistics.js';

/** The machine the figures come from (they only mean something with it). */
export function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  let system = `${os.type()} ${os.release()}`;
  try {
    const pretty = /PRETTY_NAME="([^"]*)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    system = `${pretty} (kernel ${os.release()})`;
  } catch {
    // keep the kernel's name
  }
  return {
    cpuModel: model,
    cores: os.cpus().length,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    os: system,
    node: process.version,
    loadAverageAtStart: os.loadavg().map((v) => round(v, 2)),
  };
}

/** What else is running that competes for the cores (for the note in the results). */
export function topProcesses(): string[] {
  try {
    const out = execFileSync('ps', ['-eo', 'pcpu,comm', '--sort=-pcpu'], { encoding: 'utf8' });
    return out
      .split('\n')
      .slice(1, 9)
      .map((l) => l.trim())
      .filter(Boolean);
  } catch {
    return [];
  }
}
