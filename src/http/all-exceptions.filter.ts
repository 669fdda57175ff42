import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  DATABASE_RETRY_AFTER_SECONDS,
  isDatabaseUnavailable,
} from '../database/database-unavailable.js';
import { FASTIFY_BODY_ERRORS } from './request-body.js';
import { errorBody } from '../common/error-body.js';
import { errorMessage } from '../common/error-message.js';

/** Fastify's own errors (FST_ERR_*) carry a code and an HTTP status. */
interface FastifyError {
  code?: unknown;
  statusCode?: unknown;
}

/**
 * Turns every error into the one JSON error shape. An unreachable database is a 503 with
 * Retry-After (the client can retry; nothing was done). Unknown errors become a 500 whose
 * body says nothing about internals (no stack, no SQL); the details go to the log only.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const requestId = typeof request.id === 'string' ? request.id : undefined;
    const { status, messages } = this.describe(exception);
    const headersSent = reply.sent || reply.raw.headersSent;

    if (status === 503) {
      this.logger.warn(
        isDatabaseUnavailable(exception)
          ? `database unreachable: ${errorMessage(exception)}`
          : `503: ${Array.isArray(messages) ? messages.join('; ') : messages}`,
      );
      if (!headersSent) reply.header('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
    } else if (status >= 500) {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      );
    }
    if (headersSent) return;
    reply.code(status).send(errorBody(status, messages, requestId));
  }

  private describe(exception: unknown): { status: number; messages: string | string[] } {
    // Nest's Fastify adapter wraps Fastify's 4xx errors in an HttpException (cause: the error).
    const fastifyMessage = fastifyErrorMessage(
      exception instanceof HttpException ? exception.cause : exception,
    );
    if (fastifyMessage) return fastifyMessage;
    if (exception instanceof HttpException) {
      const body = exception.getResponse();
      const message =
        typeof body === 'object' && body !== null && 'message' in body
          ? (body as { message: string | string[] }).message
          : exception.message;
      return { status: exception.getStatus(), messages: message };
    }
    if (isDatabaseUnavailable(exception)) {
      return {
        status: 503,
        messages: `The database is unreachable: try again in ${DATABASE_RETRY_AFTER_SECONDS} seconds.`,
      };
    }
    return { status: 500, messages: 'Internal server error.' };
  }
}

/** Our words for a Fastify body error (FST_ERR_CTP_*); Fastify's own for its other 4xx. */
function fastifyErrorMessage(error: unknown): { status: number; messages: string } | undefined {
  const { code, statusCode } = (error ?? {}) as FastifyError;
  if (typeof code !== 'string' || !code.startsWith('FST_ERR_')) return undefined;
  const known = FASTIFY_BODY_ERRORS[code];
  if (known) return { status: known.status, messages: known.message };
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return undefined;
  return { status: statusCode, messages: (error as Error).message };
}
