import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  DATABASE_RETRY_AFTER_SECONDS,
  isDatabaseUnavailable,
} from '../database/database-unavailable.js';
import { errorBody } from './error-body.js';
import { errorMessage } from './error-message.js';

/** body-parser's errors carry an HTTP status and a type instead of being HttpExceptions. */
interface BodyParserError {
  status?: number;
  statusCode?: number;
  type?: string;
}

const BODY_PARSER_MESSAGES: Record<string, string> = {
  'entity.parse.failed': 'The request body is not valid JSON.',
  'entity.too.large': 'The request body is too large.',
  'encoding.unsupported': 'The request body encoding is not supported.',
  'charset.unsupported': 'The request body charset is not supported.',
};

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
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request & { id?: string }>();
    const requestId = typeof request.id === 'string' ? request.id : undefined;
    const { status, messages } = this.describe(exception);
    if (status === 503) {
      this.logger.warn(
        isDatabaseUnavailable(exception)
          ? `database unreachable: ${errorMessage(exception)}`
          : `503: ${Array.isArray(messages) ? messages.join('; ') : messages}`,
      );
      if (!response.headersSent) {
        response.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      }
    } else if (status >= 500) {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      );
    }
    if (response.headersSent) return;
    response.status(status).json(errorBody(status, messages, requestId));
  }

  private describe(exception: unknown): { status: number; messages: string | string[] } {
    // Nest's Express adapter wraps body-parser's errors in an HttpException (cause: the error).
    const parserMessage = bodyParserMessage(
      exception instanceof HttpException ? exception.cause : exception,
    );
    if (parserMessage) return parserMessage;
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

/** Our words for a body-parser error (its own quote the body or name internals). */
function bodyParserMessage(error: unknown): { status: number; messages: string } | undefined {
  const parserError = error as BodyParserError | undefined;
  const status = parserError?.status ?? parserError?.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500 || !parserError?.type) {
    return undefined;
  }
  return {
    status,
    messages: BODY_PARSER_MESSAGES[parserError.type] ?? 'The request body could not be read.',
  };
}
