import type { Policy, WireSnapshot } from './api.js';
import { describeRule, formatCount } from './format.js';

const byId = (id: string) => document.getElementById(id)!;

/** The numbers above the chart and the resource's conditions. */
export function renderHeader(snapshot: WireSnapshot, policy: Policy | undefined): void {
  byId('active-users').textContent = formatCount(snapshot.activeUsers);
  byId('tier').textContent = describeRule(
    snapshot.rule,
    snapshot.ruleIndex,
    snapshot.recommendedReplicas,
    policy,
  );
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
