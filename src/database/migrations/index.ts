import { CreateUsersAndSessions1764180000000 } from './1764180000000-CreateUsersAndSessions.js';
import { CreateActiveUserCount1764190000000 } from './1764190000000-CreateActiveUserCount.js';
import { CreateScalingDecisions1764200000000 } from './1764200000000-CreateScalingDecisions.js';
import { AddSessionDetails1764210000000 } from './1764210000000-AddSessionDetails.js';
import { CreateAuthThrottle1764220000000 } from './1764220000000-CreateAuthThrottle.js';
import { StripeActiveUserCount1764230000000 } from './1764230000000-StripeActiveUserCount.js';
import { CountMaintenanceClaims1764261000000 } from './1764261000000-CountMaintenanceClaims.js';
import { AddDecisionSteps1764280000000 } from './1764280000000-AddDecisionSteps.js';

/** Every migration, oldest first. Add new ones here (TypeORM's glob loading does not fit ES modules + Jest). */
export const MIGRATIONS = [
  CreateUsersAndSessions1764180000000,
  CreateActiveUserCount1764190000000,
  CreateScalingDecisions1764200000000,
  AddSessionDetails1764210000000,
  CreateAuthThrottle1764220000000,
  StripeActiveUserCount1764230000000,
  CountMaintenanceClaims1764261000000,
  AddDecisionSteps1764280000000,
];
