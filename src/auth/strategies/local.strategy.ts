import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-local';
import { AuthService } from '../auth.service.js';
import type { AuthenticatedUser } from '../authenticated-user.js';

/** passport-local on `{ username, password }`; AuthService throws UnauthorizedException. */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy) {
  constructor(private readonly auth: AuthService) {
    super({ usernameField: 'username', passwordField: 'password' });
  }

  validate(username: string, password: string): Promise<AuthenticatedUser> {
    return this.auth.validateUser(username, password);
  }
}
