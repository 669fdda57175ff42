/** The JSON the api serves (docs/rest-api.md, docs/dashboard.md); times are RFC 3339 strings. */

export interface WirePoint {
  at: string;
  activeUsers: number | null;
  desiredReplicas: number | null;
  replicas: number | null;
  readyReplicas: number | null;
}

export interface WireCondition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

/** A schedule's window that is open now (opened: null when long ago). */
export interface WireOpenSchedule {
  name: string;
  minReplicas: number;
  timeZone: string;
  opened: string | null;
  until: string;
}

export interface WireSnapshot extends WirePoint {
  recommendedReplicas: number | null;
  /** The rules that applied, then the result: "tier 1 -> 2; schedule night min 4 until 06:00 UTC; -> 4". */
  trace: string | null;
  policySource: string;
  openSchedules: WireOpenSchedule[];
  conditions: WireCondition[];
}

/** One rule that changed a decision's answer. */
export interface WireStep {
  rule: string;
  reason: string;
  replicas: number;
  note: string;
}

export interface WireDecision {
  id: number | null;
  at: string;
  reason: string;
  message: string;
  activeUsers: number | null;
  previousReplicas: number | null;
  replicas: number | null;
  steps: WireStep[];
}

export interface Policy {
  source: string;
  invalid: string | null;
  tiers: Array<{ belowUsers: number; replicas: number }>;
  stepUsers: number;
  minReplicas: number;
  maxReplicas: number;
  stabilizationSeconds: number;
}

/** A reason code, what it means and its short label (the api's, from the rules' declarations). */
export interface WireReason {
  code: string;
  description: string;
  label: string;
}

export interface WireStatus {
  policy: Policy;
  reasons: WireReason[];
  resource: { namespace: string; name: string };
}

/** A window of one of the policy's schedules. */
export interface WireWindow {
  name: string;
  minReplicas: number;
  from: string;
  to: string;
}

export interface WireHistory {
  from: string;
  to: string;
  points: WirePoint[];
  decisions: WireDecision[];
  windows: WireWindow[];
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

export const fetchStatus = () => getJson<WireStatus>('../scaling/status');

/** The last `seconds` (1 to 21600), up to now. */
export const fetchHistory = (seconds: number) =>
  getJson<WireHistory>(
    `../scaling/history?seconds=${Math.min(21_600, Math.max(1, Math.ceil(seconds)))}`,
  );

export const fetchDecisions = (limit: number) =>
  getJson<{ items: WireDecision[] }>(`../scaling/decisions?limit=${limit}`).then(
    (page) => page.items,
  );
