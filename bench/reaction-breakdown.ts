// Where the reaction time goes: each crossing of the reaction benchmark, cut into stages
// from the `timing` fields the api and the operator log with a change of replicas
// (ScalingService "Desired replicas", ServiceCountWriter "Set KiadaServiceCount",
// KiadaServiceCountReconciler "Scaled deployment"). Every process runs on this machine, so
// their wall clocks (Date.now(), ms) and the bench's agree.
import { roundSummary, summary, type Summary } from './lib/statistics.js';

/** One crossing as the bench saw it, in epoch ms. */
export interface CrossingTimes {
  /** Replicas the crossing goes to. */
  target: number;
  sentAt: number;
  respondedAt: number;
  /** When the bench's watch saw Deployment kiada's spec.replicas at target (null: missed). */
  deploymentSeenAt: number | null;
}

interface ApiTiming {
  countStartedAt?: number;
  countedAt?: number;
  decidedAt: number;
  writeStartedAt?: number;
  writtenAt?: number;
  replicas: number;
}

interface OperatorTiming {
  decidedAt?: number;
  queuedAt?: number;
  reconcileStartedAt: number;
  scaleStartedAt: number;
  scaledAt: number;
  replicas: number;
}

/** The stages, in order; they add up to response -> Deployment seen by the bench. */
export const STAGES = [
  ['toCount', 'response -> count starts (<= 0: started before the response arrived)'],
  ['count', 'count: read of the kept count'],
  ['policy', 'policy: tier policy, window, decision'],
  ['crWrite', 'CR write: writer queue + PATCH of the KiadaServiceCount'],
  ['watchDelivery', "watch delivery: the api's write -> operator informer event"],
  ['reconcile', 'reconcile: work queue + plan, up to the scale request'],
  ['scale', 'scale: PATCH of the Deployment scale subresource'],
  ['toBench', "Deployment change -> the bench's watch"],
] as const;
export type Stage = (typeof STAGES)[number][0];

function timingLines<T>(log: string): T[] {
  const out: T[] = [];
  for (const line of log.split('\n')) {
    if (!line.includes('"timing"')) continue;
    try {
      const parsed = JSON.parse(line) as { timing?: T };
      if (parsed.timing) out.push(parsed.timing);
    } catch {
      // not a JSON log line
    }
  }
  return out;
}

/**
 * The breakdown of each crossing (null where a log line is missing, e.g. an app without
 * the timing fields) and a summary per stage.
 */
export function reactionBreakdown(crossings: CrossingTimes[], apiLog: string, operatorLog: string) {
  const api = timingLines<ApiTiming>(apiLog);
  const decisions = api.filter((t) => t.countedAt !== undefined || t.countStartedAt !== undefined);
  const writes = api.filter((t) => t.writtenAt !== undefined);
  const scales = timingLines<OperatorTiming>(operatorLog);
  const rows = crossings.map((crossing, i) => {
    const until = crossings[i + 1]?.sentAt ?? Infinity;
    // The decision this crossing caused: the first to its target after the request was sent.
    const decision = decisions.find(
      (t) =>
        t.replicas === crossing.target && t.decidedAt >= crossing.sentAt && t.decidedAt < until,
    );
    const write = decision && writes.find((t) => t.decidedAt === decision.decidedAt);
    const scale = decision && scales.find((t) => t.decidedAt === decision.decidedAt);
    const d = (later?: number | null, earlier?: number | null) =>
      later === undefined || later === null || earlier === undefined || earlier === null
        ? null
        : later - earlier;
    const stages: Record<Stage, number | null> = {
      toCount: d(decision?.countStartedAt, crossing.respondedAt),
      count: d(decision?.countedAt, decision?.countStartedAt),
      policy: d(decision?.decidedAt, decision?.countedAt),
      crWrite: d(write?.writtenAt, decision?.decidedAt),
      watchDelivery: d(scale?.queuedAt, write?.writtenAt),
      reconcile: d(scale?.scaleStartedAt, scale?.queuedAt),
      scale: d(scale?.scaledAt, scale?.scaleStartedAt),
      toBench: d(crossing.deploymentSeenAt, scale?.scaledAt),
    };
    return { target: crossing.target, stages };
  });
  const stats = {} as Record<Stage, Summary>;
  for (const [stage] of STAGES) {
    stats[stage] = roundSummary(summary(rows.map((row) => row.stages[stage])));
  }
  const matched = rows.filter((row) => Object.values(row.stages).every((v) => v !== null)).length;
  return { matched, crossings: rows.length, stages: stats, rows };
}
