import type { ErrorBody } from './error-body.js';

/** The one JSON error shape, for OpenAPI (see error-body.ts). */
export class ErrorResponseDto implements ErrorBody {
  /** @example 400 */
  statusCode: number;
  /** @example Bad Request */
  error: string;
  /** @example username must be longer than or equal to 3 characters */
  message: string;
  /** Each problem found, when there were several. */
  details?: string[];
  /** @example 0b0c4f4e-3f0c-4a53-9d6e-2b8c1f3e5a77 */
  requestId?: string;
}
