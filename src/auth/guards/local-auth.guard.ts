import { ExecutionContext, Injectable, ValidationPipe } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { VALIDATION_OPTIONS } from '../../http/validation.js';
import { CredentialsDto } from '../dto/credentials.dto.js';

/**
 * Validates the login body (guards run before pipes, so a bad body must be a 400 here,
 * not a passport "missing credentials" 401), checks the credentials with LocalStrategy and
 * logs the user in. passport 0.7's req.logIn regenerates the session (a new session id, so
 * a planted id is worthless: no fixation), stores the user id and saves the session before
 * the handler runs.
 */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  private readonly validation = new ValidationPipe(VALIDATION_OPTIONS);

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    await this.validation.transform(request.body, { type: 'body', metatype: CredentialsDto });
    const authenticated = (await super.canActivate(context)) as boolean;
    await super.logIn(request);
    return authenticated;
  }
}
