import { performance } from 'node:perf_hooks';

const T0 = performance.now();
/** A live status line is redrawn in place only on a terminal; logs get plain lines. */
const tty = process.stdout.isTTY === true;
let statusLine = '';

/** Seconds since the demo started, e.g. `12.3`. */
export const elapsed = (): string => ((performance.now() - T0) / 1000).toFixed(1);

/** One line of narration on stdout (`[demo +12.3s] message`), above the live status line. */
export function say(message: string): void {
  clearStatus();
  process.stdout.write(`[demo +${elapsed()}s] ${message}\n`);
  if (statusLine) drawStatus();
}

/** Text without a prefix (tables, instructions), above the live status line. */
export function print(text: string): void {
  clearStatus();
  process.stdout.write(`${text}\n`);
  if (statusLine) drawStatus();
}

/** Shows `line` as the live status line (on a terminal), cut to the terminal's width. */
export function showStatus(line: string): void {
  if (!tty) return;
  statusLine = line;
  drawStatus();
}

/** Removes the live status line for good. */
export function endStatus(): void {
  clearStatus();
  statusLine = '';
}

function drawStatus(): void {
  const width = Math.max(20, (process.stdout.columns ?? 120) - 1);
  process.stdout.write(`\r\x1b[2K${statusLine.slice(0, width)}`);
}

function clearStatus(): void {
  if (tty && statusLine) process.stdout.write('\r\x1b[2K');
}
