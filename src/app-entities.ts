import { AuthRateLimitRow, LoginFailureRow } from './auth/throttling/auth-throttle.entities.js';
import { ScalingDecision } from './scaling/decisions/scaling-decision.entity.js';
import { Session } from './sessions/session.entity.js';
import { User } from './users/user.entity.js';

/**
 * Every entity of the app. The app itself never uses this list: each feature module
 * registers its own entities (TypeOrmModule.forFeature, collected by autoLoadEntities).
 * The migration CLI and the spec that checks the migrations against the entities need
 * them all at once, so the composition root keeps the list.
 */
export const APP_ENTITIES = [User, Session, ScalingDecision, AuthRateLimitRow, LoginFailureRow];
