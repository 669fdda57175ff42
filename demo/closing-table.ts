import { table } from '../bench/lib/text-table.js';
import type { CrossingResult } from './wave.js';

const ms = (value: number) => `${Math.round(value).toLocaleString('en-US')} ms`;

function reaction(result: CrossingResult): string {
  const { crossing, reactionMs, afterReleaseMs } = result;
  if (crossing.replicasAfter === crossing.replicasBefore) return '- (nothing to scale)';
  if (reactionMs === null) return 'MISSED';
  const action = crossing.direction === 'up' ? 'login' : 'logout';
  const release = afterReleaseMs === null ? '' : ` (window, then ${ms(afterReleaseMs)})`;
  return `${ms(reactionMs)} after the ${action}${release}`;
}

/**
 * The demo's closing table: each crossing, the active users, the decisions' reasons, the
 * replicas and the reaction from the HTTP response to the Deployment's spec.replicas.
 */
export function closingTable(results: CrossingResult[]): string {
  const rows = results.map(({ crossing, decisions }, i) => [
    `${crossing.direction === 'up' ? 'up  ' : 'down'} ${crossing.bound} (${crossing.boundKind})`,
    crossing.users,
    decisions.map((d) => d.reason).join(' -> ') || 'none',
    crossing.replicasAfter === crossing.replicasBefore
      ? `${crossing.replicasAfter} (kept)`
      : `${crossing.replicasBefore} -> ${crossing.replicasAfter}`,
    reaction(results[i]),
  ]);
  const text = table(
    ['crossing', 'active users', 'decision', 'replicas', 'Deployment spec.replicas'],
    rows,
  );
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}
