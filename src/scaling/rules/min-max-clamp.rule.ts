import { defineRule } from './scaling-rule.js';

/** Min/max clamp: the answer within [minReplicas, maxReplicas]; the maximum caps every rule before it. */
export const minMaxClampRule = defineRule({
  name: 'clamp',
  stage: 'recommend',
  reasons: [
    {
      code: 'ClampedToMin',
      description: 'minReplicas raised the answer',
      label: 'minimum',
    },
    {
      code: 'ClampedToMax',
      description: 'maxReplicas capped the answer',
      label: 'maximum',
    },
  ],
  evaluate(replicas, { policy: { minReplicas, maxReplicas } }) {
    if (replicas === null) return null;
    if (replicas < minReplicas) {
      return {
        rule: 'clamp',
        reason: 'ClampedToMin',
        replicas: minReplicas,
        note: `min ${minReplicas}`,
      };
    }
    if (replicas > maxReplicas) {
      return {
        rule: 'clamp',
        reason: 'ClampedToMax',
        replicas: maxReplicas,
        note: `max ${maxReplicas}`,
      };
    }
    return null;
  },
});
