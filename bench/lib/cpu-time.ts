import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system) the process has used so far, from /proc/<pid>/stat; null once
 * it is gone. Divided by the requests served in between, it gives CPU per request, a figure
 * that depends much less on what else the machine runs than requests per second do.
 */
export function cpuSeconds(pid: number | undefined): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces), which ends at the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Runs `work` and returns its result with the CPU microseconds `pid` used per `units`. */
export async function withCpu<T extends { requests: number }>(
  pid: number | undefined,
  work: () => Promise<T>,
): Promise<T & { cpuUsPerRequest: number | null }> {
  const before = cpuSeconds(pid);
  const result = await work();
  const after = cpuSeconds(pid);
  const used = before === null || after === null ? null : after - before;
  return {
    ...result,
    cpuUsPerRequest:
      used === null || result.requests === 0 ? null : Math.round((used * 1e6) / result.requests),
  };
}
