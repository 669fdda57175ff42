import type { Policy, WireSnapshot } from './api.js';
import { formatCount, formatTime } from './format.js';

const byId = (id: string) => document.getElementById(id)!;

/** The numbers above the chart and the resource's conditions. */
export function renderHeader(snapshot: WireSnapshot, policy: Policy | undefined): void {
  byId('active-users').textContent = formatCount(snapshot.activeUsers);
  byId('tier').textContent = snapshot.trace ?? '–';
  const source = byId('policy-source');
  source.textContent = `policy: ${snapshot.policySource}`;
  source.dataset.source = snapshot.policySource;
  source.title = policy?.invalid
    ? `spec.policy is not valid (the last valid policy applies): ${policy.invalid}`
    : snapshot.policySource === 'resource'
      ? "spec.policy of the KiadaServiceCount, over the api's SCALING_* settings"
      : "the api's SCALING_* settings (no spec.policy)";
  byId('open-schedules').textContent = snapshot.openSchedules.length
    ? snapshot.openSchedules
        .map((open) => `${open.name} (min ${open.minReplicas}) until ${formatTime(open.until)}`)
        .join(', ')
    : 'none open';
  byId('desired').textContent = formatCount(snapshot.desiredReplicas);
  byId('observed').textContent = formatCount(snapshot.replicas);
  byId('ready').textContent = formatCount(snapshot.readyReplicas);

  const list = byId('conditions');
  list.replaceChildren(
    ...snapshot.conditions.map((condition) => {
      const item = document.createElement('li');
      item.className = 'condition';
      item.dataset.type = condition.type;
      item.dataset.status = condition.status;
      // A conflict (another owner, an HPA) or a pause is worth a colour of its own.
      item.dataset.attention = String(
        (condition.type === 'Scaled' && condition.status === 'False') ||
          (condition.type === 'Paused' && condition.status === 'True') ||
          (condition.type === 'SignalFresh' && condition.status === 'False'),
      );
      const name = document.createElement('b');
      name.textContent = `${condition.type}: ${condition.status}`;
      const reason = document.createElement('span');
      reason.textContent = ` ${condition.reason}`;
      item.title = condition.message;
      item.append(name, reason);
      return item;
    }),
  );
}

export function renderConnection(state: 'live' | 'reconnecting' | 'connecting'): void {
  const element = byId('connection');
  element.dataset.state = state;
  element.textContent = state;
}
