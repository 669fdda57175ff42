import type { Policy } from './api.js';

const integer = new Intl.NumberFormat('en-US');

export const formatCount = (value: number | null | undefined): string =>
  value === null || value === undefined ? '–' : integer.format(value);

export const formatTime = (at: string | number): string =>
  new Date(at).toLocaleTimeString('en-GB', { hour12: false });

/** "tier 2: 1,000–9,999 users → 3" or "step 4 past 10,000 users → 6". */
export function describeRule(
  rule: 'tier' | 'step' | null,
  index: number | null,
  recommended: number | null,
  policy: Policy | undefined,
): string {
  if (rule === null || index === null || !policy) return '–';
  const replicas = recommended === null ? '' : ` → ${formatCount(recommended)}`;
  if (rule === 'tier') {
    const low = index === 0 ? 0 : policy.tiers[index - 1].belowUsers;
    const high = policy.tiers[index].belowUsers - 1;
    return `tier ${index + 1}: ${formatCount(low)}–${formatCount(high)} users${replicas}`;
  }
  const last = policy.tiers[policy.tiers.length - 1]?.belowUsers ?? 0;
  return `step ${index} past ${formatCount(last)} users${replicas}`;
}
