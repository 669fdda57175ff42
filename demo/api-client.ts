import type { WireDecision } from '../dashboard/src/api.js';

/** A decision as GET /scaling/decisions answers it (declared once, with the dashboard's). */
export type DecisionItem = WireDecision;

/** The parts of the api's answers the demo reads (docs/rest-api.md). */
export interface ScalingStatus {
  activeUsers: number | null;
  desiredReplicas: number | null;
  lastDecision: DecisionItem | null;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export function scalingStatus(apiUrl: string): Promise<ScalingStatus> {
  return getJson<ScalingStatus>(`${apiUrl}/scaling/status`);
}

/** The newest decisions, newest first. */
export async function latestDecisions(apiUrl: string, limit = 20): Promise<DecisionItem[]> {
  return (await getJson<{ items: DecisionItem[] }>(`${apiUrl}/scaling/decisions?limit=${limit}`))
    .items;
}
