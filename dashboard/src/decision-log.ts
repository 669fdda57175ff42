import type { WireDecision } from './api.js';
import { formatCount, formatTime, traceText, type ReasonLabels } from './format.js';

const MAX_ROWS = 200;

/** The decision table under the chart, newest first: reason (its label), and why (message and trace). */
export function renderDecisionLog(decisions: WireDecision[], labels: ReasonLabels): void {
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
      const cells = [
        formatTime(decision.at),
        labels.label(decision.reason),
        formatCount(decision.activeUsers),
        replicas,
      ];
      for (const text of cells) {
        const cell = document.createElement('td');
        cell.textContent = text;
        row.append(cell);
      }
      row.children[1].setAttribute(
        'title',
        `${decision.reason}: ${labels.description(decision.reason)}`,
      );
      const why = document.createElement('td');
      why.textContent = decision.message;
      const trace = traceText(decision);
      if (trace) {
        const steps = document.createElement('div');
        steps.className = 'trace';
        steps.textContent = trace;
        why.append(steps);
      }
      row.append(why);
      return row;
    });
  body.replaceChildren(...rows);
}
