import type { KiadaServiceCount } from '../../kubernetes/kiada-service-count.js';
import {
  parsePolicyVerdict,
  policyDigest,
  type PolicyVerdict,
} from '../../kubernetes/service-count-annotations.js';
import { resolvePolicy } from './resolve-policy.js';
import type { PolicyInForce, ScalingPolicy } from './scaling-policy.js';

export interface PolicyReading extends PolicyInForce {
  /** What the api writes into the resource's policy annotation (the operator's PolicyValid). */
  verdict: PolicyVerdict;
}

/**
 * The policy the api decides with, read from its KiadaServiceCount as a pure function of
 * the resource and the environment's policy, so every api replica reads the same one:
 * - no spec.policy: the environment's (SCALING_*);
 * - a valid spec.policy: it, merged over the environment's field by field;
 * - an invalid one: never any part of it, but the last valid policy the api applied, which
 *   it keeps in the resource's policy annotation (`applied`), else the environment's.
 */
export function readPolicy(
  resource: KiadaServiceCount | undefined,
  environment: ScalingPolicy,
  now: number,
): PolicyReading {
  const spec = resource?.spec.policy;
  const checked = policyDigest(spec);
  if (spec === undefined) {
    return {
      policy: environment,
      source: 'environment',
      verdict: { checked, valid: true, source: 'environment', applied: null },
    };
  }
  const check = resolvePolicy(spec, environment, now);
  if (check.valid) {
    return {
      policy: check.policy,
      source: 'resource',
      verdict: { checked, valid: true, source: 'resource', applied: spec },
    };
  }
  const applied = parsePolicyVerdict(resource?.metadata.annotations)?.applied ?? null;
  const previous = applied ? resolvePolicy(applied, environment, now) : undefined;
  const problems = check.problems.join('; ');
  if (applied && previous?.valid) {
    return {
      policy: previous.policy,
      source: 'resource',
      verdict: {
        checked,
        valid: false,
        message: `${problems}. The api keeps the last valid spec.policy until this is fixed`,
        source: 'resource',
        applied,
      },
    };
  }
  return {
    policy: environment,
    source: 'environment',
    verdict: {
      checked,
      valid: false,
      message: `${problems}. The api uses its SCALING_* settings until this is fixed`,
      source: 'environment',
      applied: null,
    },
  };
}
