import { randomBytes } from 'node:crypto';
import { pool } from '../bench/lib/pool.js';
import { now } from '../bench/lib/progress.js';
import { HttpUser } from '../test/support/http-user.js';
import { sleep, waitFor } from '../test/support/wait.js';
import { latestDecisions, type DecisionItem } from './api-client.js';
import type { ClusterView } from './cluster-view.js';
import type { Crossing, WavePlan } from './policy.js';
import { say } from './say.js';

/** What one crossing did, as measured. */
export interface CrossingResult {
  crossing: Crossing;
  /** The decisions recorded after the login or logout, oldest first. */
  decisions: DecisionItem[];
  /** From the HTTP response to the watch event with the Deployment's new spec.replicas. */
  reactionMs: number | null;
  /** Held crossings: from the window's release (its decision) to that watch event. */
  afterReleaseMs: number | null;
  /** What went wrong, when the crossing did not happen as the policy says. */
  problem?: string;
}

export interface WaveProgress {
  done: number;
  total: number;
  phase: string;
}

export interface WaveOptions {
  apiUrl: string;
  view: ClusterView;
  plan: WavePlan;
  windowSeconds: number;
  /** Between two logins or logouts (0: as fast as the api answers). */
  paceMs: number;
  /** After each crossing, so a person sees it (0: none). */
  pauseMs: number;
  progress: WaveProgress;
  /** Called with each crossing's result as soon as it is measured. */
  onCrossing(result: CrossingResult): void;
}

/** Reaction is awaited this long, plus the scale-down window for a held crossing. */
const REACTION_TIMEOUT_MS = 30_000;

/**
 * The scripted wave over real HTTP: signs up `plan.users` users, logs them in one by one up
 * past every boundary, then out one by one back to zero. At each crossing it waits for the
 * decisions (GET /scaling/decisions) and the Deployment's new spec.replicas (a watch)
 * before going on, so each reaction is measured from the one response that caused it.
 */
export async function runWave(options: WaveOptions): Promise<CrossingResult[]> {
  const { apiUrl, plan, progress } = options;
  const tag = randomBytes(3).toString('hex');
  const users = Array.from(
    { length: plan.users },
    (_, i) => new HttpUser(apiUrl, `demo-${tag}-${i + 1}`),
  );
  progress.total = users.length * 3;
  const results: CrossingResult[] = [];
  let lastDecisionId = (await latestDecisions(apiUrl, 1))[0]?.id ?? 0;

  const step = async (
    users: number,
    direction: Crossing['direction'],
    action: () => Promise<void>,
  ) => {
    const crossing = plan.crossings.find((c) => c.direction === direction && c.users === users);
    if (!crossing) {
      await action();
      progress.done++;
      if (options.paceMs > 0) await sleep(options.paceMs);
      return;
    }
    const result = await measure(options, crossing, action, lastDecisionId);
    progress.done++;
    lastDecisionId = Math.max(lastDecisionId, ...result.decisions.map((d) => d.id ?? 0));
    results.push(result);
    options.onCrossing(result);
    if (options.pauseMs > 0) await sleep(options.pauseMs);
  };

  progress.phase = `signing up ${users.length} users`;
  say(`${progress.phase} (POST /auth/signup; argon2id at production cost, ~20-60 ms each)`);
  await pool(users, 2, async (user) => {
    await user.signUp();
    progress.done++;
  });
  progress.phase = 'logging in';
  say(`logging them in one by one (POST /auth/login): up to ${users.length} active users`);
  for (const [i, user] of users.entries()) await step(i + 1, 'up', () => user.logIn());
  progress.phase = 'logging out';
  say(
    `logging them out one by one (POST /auth/logout): back to 0 through the scale-down window (${options.windowSeconds} s)`,
  );
  for (const [i, user] of [...users].reverse().entries()) {
    await step(users.length - i - 1, 'down', () => user.logOut());
  }
  progress.phase = 'done';
  return results;
}

async function measure(
  { apiUrl, view, windowSeconds }: WaveOptions,
  crossing: Crossing,
  action: () => Promise<void>,
  afterId: number,
): Promise<CrossingResult> {
  const from = view.changes.length;
  const timeoutMs = REACTION_TIMEOUT_MS + (crossing.held ? windowSeconds * 1000 : 0);
  await action();
  const respondedAt = now();
  const respondedEpoch = Date.now();
  const scales = crossing.replicasAfter !== crossing.replicasBefore;
  const reaction = scales
    ? view.replicasAt(crossing.replicasAfter, from, timeoutMs)
    : Promise.resolve(null);
  const settled = (d: DecisionItem) =>
    d.reason === crossing.reason &&
    d.replicas === crossing.replicasAfter &&
    d.activeUsers === crossing.users;
  let decisions: DecisionItem[] = [];
  const found = await waitFor(
    `a ${crossing.reason} decision for ${crossing.users} active users`,
    async () => {
      decisions = (await latestDecisions(apiUrl)).filter((d) => (d.id ?? 0) > afterId).reverse();
      return decisions.some(settled);
    },
    { timeoutMs, intervalMs: 100 },
  ).catch(() => false);
  const reactedAt = await reaction;
  const result: CrossingResult = {
    crossing,
    decisions,
    reactionMs: reactedAt === null ? null : reactedAt - respondedAt,
    afterReleaseMs: null,
  };
  const release = decisions.find(settled);
  if (crossing.held && release && reactedAt !== null) {
    result.afterReleaseMs = respondedEpoch + (reactedAt - respondedAt) - Date.parse(release.at);
  }
  const problems: string[] = [];
  if (!found) {
    const seen = decisions.map((d) => `${d.reason} ${d.replicas}`).join(', ') || 'none';
    problems.push(
      `no ${crossing.reason} decision for ${crossing.replicasAfter} replicas at ${crossing.users} users (seen: ${seen})`,
    );
  }
  if (crossing.held && !decisions.some((d) => d.reason === 'ScaleDownHeld')) {
    problems.push('no ScaleDownHeld decision: the window did not hold the scale-down');
  }
  if (scales && reactedAt === null) {
    problems.push(
      `Deployment spec.replicas did not become ${crossing.replicasAfter} within ${timeoutMs / 1000} s`,
    );
  }
  if (problems.length > 0) result.problem = problems.join('; ');
  return result;
}
