import { ExecutionContext, Injectable, ValidationPipe } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { VALIDATION_OPTIONS } from '../../http/validation.js';
import { CredentialsDto } from '../dto/credentials.dto.js';
import { LoginLockout } from '../throttling/login-lockout.js';

/**
 * Validates the login body (guards run before pipes, so a bad body must be a 400 here,
 * not a passport "missing credentials" 401), refuses a (username, address) that is locked
 * out (LoginLockout: 429), and checks the credentials with LocalStrategy, which puts the
 * user on the request; a wrong password grows the lock-out streak, a right one ends it.
 * The session itself is started by AuthService.login.
 */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  private readonly validation = new ValidationPipe(VALIDATION_OPTIONS);

  constructor(private readonly lockout: LoginLockout) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const { username } = (await this.validation.transform(request.body, {
      type: 'body',
      metatype: CredentialsDto,
    })) as CredentialsDto;
    const attempt = await this.lockout.begin(
      username,
      request.ip ?? 'unknown',
      http.getResponse<FastifyReply>(),
    );
    // Wrong credentials throw here: the attempt was counted as a failure when claimed.
    const authenticated = (await super.canActivate(context)) as boolean;
    await attempt.succeeded();
    return authenticated;
  }
}
