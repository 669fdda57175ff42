interface Recommendation {
  replicas: number;
  /** When this value stopped being the recommendation (epoch ms); undefined while it still is. */
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
 * oldest), so memory stays bounded. Time comes from the caller.
 */
export class ScaleDownStabilizer {
  private readonly history: Recommendation[] = [];

  constructor(private readonly windowMs: number) {}

  /** Records the raw recommendation made at `now` and returns the value to apply. */
  recommend(replicas: number, now: number): number {
    const current = this.history[this.history.length - 1];
    if (current?.replicas !== replicas) {
      if (current) current.until = now;
      // Lower-or-equal older values expire before this one: they can never be the maximum again.
      while (
        this.history.length > 0 &&
        this.history[this.history.length - 1].replicas <= replicas
      ) {
        this.history.pop();
      }
      this.history.push({ replicas });
    }
    return this.stabilized(now) ?? replicas;
  }

  /** The value to apply at `now`, given the recommendations made so far. */
  stabilized(now: number): number | undefined {
    this.expire(now);
    return this.history[0]?.replicas;
  }

  /**
   * When the applied value will next fall if no new recommendation arrives (epoch ms), or
   * undefined when it is settled. The caller re-evaluates then.
   */
  nextChangeAt(now: number): number | undefined {
    this.expire(now);
    const oldest = this.history[0];
    return oldest?.until === undefined ? undefined : oldest.until + this.windowMs;
  }

  private expire(now: number): void {
    while (this.history.length > 0) {
      const oldest = this.history[0];
      if (oldest.until === undefined || oldest.until > now - this.windowMs) return;
      this.history.shift();
    }
  }
}
