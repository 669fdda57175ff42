import { HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/** A 429 in the one error shape with Retry-After (whole seconds, at least 1). */
export function tooManyAttempts(response: FastifyReply, waitMs: number, reason: string): never {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  response.header('Retry-After', String(seconds));
  throw new HttpException(
    `${reason}: try again in ${seconds} second${seconds === 1 ? '' : 's'}.`,
    HttpStatus.TOO_MANY_REQUESTS,
  );
}
