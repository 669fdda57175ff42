import { AuthRateLimitRow, LoginFailureRow } from '../auth/throttling/auth-throttle.entities.js';
import { ScalingDecision } from '../scaling/decisions/scaling-decision.entity.js';
import { Session } from '../sessions/session.entity.js';
import { User } from '../users/user.entity.js';

/** Every entity, for the migration CLI (the app itself uses autoLoadEntities). */
export const ENTITIES = [User, Session, ScalingDecision, AuthRateLimitRow, LoginFailureRow];
