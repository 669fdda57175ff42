import type { WireDecision } from './api.js';
import { formatCount, formatTime } from './format.js';

const MAX_ROWS = 200;

/** The decision table under the chart, newest first. */
export function renderDecisionLog(decisions: WireDecision[]): void {
  const body = document.getElementById('decisions')!;
  const rows = [...decisions]
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
    .slice(0, MAX_ROWS)
    .map((decision) => {
      const row = document.createElement('tr');
      row.dataset.reason = decision.reason;
      const replicas =
        decision.previousReplicas === null
          ? formatCount(decision.replicas)
          : `${formatCount(decision.previousReplicas)} → ${formatCount(decision.replicas)}`;
      for (const text of [
        formatTime(decision.at),
        decision.reason,
        formatCount(decision.activeUsers),
        replicas,
        decision.message,
      ]) {
        const cell = document.createElement('td');
        cell.textContent = text;
        row.append(cell);
      }
      return row;
    });
  body.replaceChildren(...rows);
}
