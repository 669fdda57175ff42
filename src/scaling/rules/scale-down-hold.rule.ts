import { defineRule } from './scaling-rule.js';

/**
 * Scale-down hold (the HPA's `behavior.scaleDown.stabilizationWindowSeconds`): the highest
 * recommendation of the last stabilizationSeconds applies, so a rise applies at once and a
 * fall only once the lower value has held for the whole window (scale-down-stabilizer.ts).
 */
export const scaleDownHoldRule = defineRule({
  name: 'hold',
  stage: 'stabilize',
  reasons: [
    {
      code: 'ScaleDownHeld',
      description: 'fewer replicas are recommended; the scale-down window holds the higher value',
      label: 'scale-down held',
    },
  ],
  evaluate(replicas, { scaleDownWindow, policy }) {
    if (replicas === null) return null;
    const held = scaleDownWindow(replicas);
    if (held.until === undefined || held.replicas <= replicas) return null;
    return {
      rule: 'hold',
      reason: 'ScaleDownHeld',
      replicas: held.replicas,
      until: held.until,
      note: `hold ${held.replicas} until ${new Date(held.until).toISOString().slice(11, 19)}Z (scale-down window ${policy.stabilizationSeconds} s)`,
    };
  },
});
