import { ExecutionContext, Injectable, ValidationPipe } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { VALIDATION_OPTIONS } from '../../http/validation.js';
import { CredentialsDto } from '../dto/credentials.dto.js';

/**
 * Validates the login body (guards run before pipes, so a bad body must be a 400 here,
 * not a passport "missing credentials" 401) and checks the credentials with LocalStrategy,
 * which puts the user on the request. The session itself is started by AuthService.login.
 */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  private readonly validation = new ValidationPipe(VALIDATION_OPTIONS);

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    await this.validation.transform(request.body, { type: 'body', metatype: CredentialsDto });
    return (await super.canActivate(context)) as boolean;
  }
}
