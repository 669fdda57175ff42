import type { ValidationPipeOptions } from '@nestjs/common';

/**
 * The one validation policy: unknown fields are errors, values are transformed to the DTO
 * types. Used by the global pipe and by guards that must validate a body before they run
 * (LocalAuthGuard: guards run before pipes).
 */
export const VALIDATION_OPTIONS: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
  stopAtFirstError: false,
};
