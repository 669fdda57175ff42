import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** Lets a request through only with a live session (the session hooks put its user on it). */
@Injectable()
export class AuthenticatedGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (request.user) return true;
    throw new UnauthorizedException('You are not logged in: log in with POST /auth/login first.');
  }
}
