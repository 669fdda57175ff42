import { STATUS_CODES } from 'node:http';

/** The one JSON shape of every error the API returns. */
export interface ErrorBody {
  statusCode: number;
  /** The HTTP reason phrase, e.g. "Bad Request". */
  error: string;
  /** A sentence a person can act on. */
  message: string;
  /** Each problem found, when there were several (validation). */
  details?: string[];
  requestId?: string;
}

export function errorBody(
  statusCode: number,
  messages: string | string[],
  requestId?: string,
): ErrorBody {
  const list = Array.isArray(messages) ? messages : [messages];
  return {
    statusCode,
    error: STATUS_CODES[statusCode] ?? 'Error',
    message: list.join('; '),
    ...(list.length > 1 ? { details: list } : {}),
    ...(requestId ? { requestId } : {}),
  };
}
