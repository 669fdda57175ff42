import { HttpException, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';

/** A 429 in the one error shape with Retry-After (whole seconds, at least 1). */
export function tooManyAttempts(response: Response, waitMs: number, reason: string): never {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  response.setHeader('Retry-After', String(seconds));
  throw new HttpException(
    `${reason}: try again in ${seconds} second${seconds === 1 ? '' : 's'}.`,
    HttpStatus.TOO_MANY_REQUESTS,
  );
}
