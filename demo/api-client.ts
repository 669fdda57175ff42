/** The parts of the api's answers the demo reads (README, "REST API"). */
export interface DecisionItem {
  id: number | null;
  at: string;
  reason: string;
  message: string;
  activeUsers: number | null;
  previousReplicas: number | null;
  replicas: number | null;
}

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
