import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_DIR, LOG_DIR, STATE_FILE } from './settings.js';

/** A process the demo started (`dist/main.js` in one role). */
export interface StartedProcess {
  role: string;
  pid: number;
  url: string;
  logFile: string;
}

/**
 * What the demo started, written as it goes so that `--down` (and a failed run) stops
 * exactly that and nothing else.
 */
export interface DemoState {
  startedAt: string;
  /** The repository the processes run from (their working directory). */
  repo: string;
  /** The kubeconfig the demo used. */
  kubeconfig: string;
  /** Set when the demo started the local control plane (then --down stops it). */
  clusterDir?: string;
  /** `export ...` lines for kubectl against that control plane. */
  clusterEnv?: string;
  /** The namespace the demo created. */
  namespace?: string;
  /** The demo created the CRD (it did not exist before). */
  crdCreated?: boolean;
  processes: StartedProcess[];
  dashboardUrl?: string;
}

export function readState(): DemoState | undefined {
  try {
    return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as DemoState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes the state file atomically (a crash never leaves half of it). */
export function writeState(state: DemoState): void {
  mkdirSync(DEMO_DIR, { recursive: true });
  writeFileSync(`${STATE_FILE}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${STATE_FILE}.tmp`, STATE_FILE);
}

/**
 * Removes the demo's directory (state file, logs, SQLite database); with `keepLogs`, all
 * but the logs, so a failed run can still be read.
 */
export function removeDemoDir({ keepLogs = false } = {}): void {
  if (!keepLogs) {
    rmSync(DEMO_DIR, { recursive: true, force: true });
    return;
  }
  for (const entry of readdirSync(DEMO_DIR)) {
    if (join(DEMO_DIR, entry) !== LOG_DIR)
      rmSync(join(DEMO_DIR, entry), { recursive: true, force: true });
  }
}
