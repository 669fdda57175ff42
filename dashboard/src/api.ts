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

export interface WireSnapshot extends WirePoint {
  recommendedReplicas: number | null;
  rule: 'tier' | 'step' | null;
  ruleIndex: number | null;
  conditions: WireCondition[];
}

export interface WireDecision {
  id: number | null;
  at: string;
  reason: string;
  message: string;
  activeUsers: number | null;
  previousReplicas: number | null;
  replicas: number | null;
}

export interface Policy {
  tiers: Array<{ belowUsers: number; replicas: number }>;
  stepUsers: number;
  minReplicas: number;
  maxReplicas: number;
  stabilizationSeconds: number;
}

export interface WireStatus {
  policy: Policy;
  resource: { namespace: string; name: string };
}

export interface WireHistory {
  from: string;
  to: string;
  points: WirePoint[];
  decisions: WireDecision[];
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
