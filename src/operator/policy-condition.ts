import type { KiadaServiceCount, PolicySource } from '../kubernetes/kiada-service-count.js';
import { parsePolicyVerdict, policyDigest } from '../kubernetes/service-count-annotations.js';
import type { ConditionCore } from './desired-status.js';

export const CONDITION_POLICY_VALID = 'PolicyValid';

export interface PolicyReport {
  policyValid: ConditionCore;
  /** Where the api's policy comes from; undefined until an api has said. */
  policySource?: PolicySource;
}

/**
 * PolicyValid and the policy's source, as a pure function of the resource: the api checks
 * spec.policy (it knows its SCALING_* settings, which the policy is merged over) and writes
 * its verdict into the policy annotation; the operator, which owns the status, reports it.
 * A verdict about another spec.policy than the current one (the api has not read the change
 * yet, or no api runs) is Unknown.
 */
export function policyReport(resource: Pick<KiadaServiceCount, 'metadata' | 'spec'>): PolicyReport {
  const type = CONDITION_POLICY_VALID;
  const verdict = parsePolicyVerdict(resource.metadata.annotations);
  if (!verdict || verdict.checked !== policyDigest(resource.spec.policy)) {
    return {
      policyValid: {
        type,
        status: 'Unknown',
        reason: 'PolicyNotChecked',
        message: resource.spec.policy
          ? 'No api has checked this spec.policy yet'
          : 'No api has reported its policy yet',
      },
      ...(verdict ? { policySource: verdict.source } : {}),
    };
  }
  if (!verdict.valid) {
    return {
      policyValid: {
        type,
        status: 'False',
        reason: 'InvalidPolicy',
        message: verdict.message ?? 'spec.policy is not valid',
      },
      policySource: verdict.source,
    };
  }
  return {
    policyValid: {
      type,
      status: 'True',
      reason: 'PolicyApplied',
      message:
        verdict.source === 'resource'
          ? 'The api applies spec.policy (fields left out come from its SCALING_* settings)'
          : 'No spec.policy: the api applies its SCALING_* settings',
    },
    policySource: verdict.source,
  };
}
