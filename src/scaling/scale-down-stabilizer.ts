interface Recommendation {
  replicas: number;
  /** When this value stopped being the recommendation (epoch ms); undefined while it still is. */
  until?: number;
}

/** What the window applies against a recommendation: the value, and until when it holds one above it. */
export interface Stabilized {
  replicas: number;
  /** When the applied value next falls if nothing else is recommended; undefined when settled. */
  until?: number;
}

/**
 * Scale-down stabilization with the HorizontalPodAutoscaler's semantics
 * (`behavior.scaleDown.stabilizationWindowSeconds`): the applied value is the highest
 * recommendation in force at any time during the last `windowMs`. A rise therefore applies
 * at once; a fall applies only after the lower value has been the recommendation for the
 * whole window. Recommendations count from when they were made until they were replaced
 * (event-driven input, not periodic samples).
 *
 * Keeps only recommendations that can still decide the result (strictly decreasing from the
 * oldest), so memory stays bounded. Time and the window come from the caller (the window
 * is the policy's, which a change of spec.policy may change).
 */
export class ScaleDownStabilizer {
  private history: Recommendation[] = [];

  /** Records the recommendation made at `now` and returns the value to apply. */
  recommend(replicas: number, now: number, windowMs: number): number {
    this.history = withRecommendation(this.history, replicas, now);
    return this.stabilized(now, windowMs) ?? replicas;
  }

  /** What recording `replicas` at `now` would apply, without recording it (pure query). */
  preview(replicas: number, now: number, windowMs: number): Stabilized {
    const history = expired(withRecommendation(this.history, replicas, now), now, windowMs);
    return { replicas: history[0]?.replicas ?? replicas, until: changeAt(history, windowMs) };
  }

  /** The value to apply at `now`, given the recommendations made so far. */
  stabilized(now: number, windowMs: number): number | undefined {
    this.history = expired(this.history, now, windowMs);
    return this.history[0]?.replicas;
  }

  /**
   * When the applied value will next fall if no new recommendation arrives (epoch ms), or
   * undefined when it is settled. The caller re-evaluates then.
   */
  nextChangeAt(now: number, windowMs: number): number | undefined {
    this.history = expired(this.history, now, windowMs);
    return changeAt(this.history, windowMs);
  }
}

function withRecommendation(
  history: readonly Recommendation[],
  replicas: number,
  now: number,
): Recommendation[] {
  const current = history[history.length - 1];
  if (current?.replicas === replicas) return [...history];
  const next = history.map((entry, index) =>
    index === history.length - 1 ? { ...entry, until: now } : entry,
  );
  // Lower-or-equal older values expire before this one: they can never be the maximum again.
  while (next.length > 0 && next[next.length - 1].replicas <= replicas) next.pop();
  next.push({ replicas });
  return next;
}

function expired(history: Recommendation[], now: number, windowMs: number): Recommendation[] {
  let first = 0;
  while (first < history.length) {
    const oldest = history[first];
    if (oldest.until === undefined || oldest.until > now - windowMs) break;
    first += 1;
  }
  return first === 0 ? history : history.slice(first);
}

function changeAt(history: readonly Recommendation[], windowMs: number): number | undefined {
  const oldest = history[0];
  return oldest?.until === undefined ? undefined : oldest.until + windowMs;
}
