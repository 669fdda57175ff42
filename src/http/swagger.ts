import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { applyApiContract } from './openapi-contract.js';
import { describePlatformRoutes } from './platform-openapi.js';

export interface SwaggerOptions {
  /** The session cookie: the document's security scheme, named after it. */
  sessionCookieName: string;
}

/**
 * Swagger UI at /docs and the OpenAPI JSON at /docs-json, with the session cookie as scheme.
 * The scheme is named after the cookie, so `@ApiCookieAuth(<cookie name>)` refers to it.
 */
export function setUpSwagger(app: INestApplication, { sessionCookieName }: SwaggerOptions): void {
  describePlatformRoutes();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('kiada-autoscaler')
      .setDescription(
        'Sign-up, session log-in/log-out and the scaling status of the application-aware autoscaler. ' +
          'Log in with POST /auth/login: the browser keeps the session cookie, so "Try it out" works on the other endpoints.',
      )
      .setVersion('0.1.0')
      .addCookieAuth(
        sessionCookieName,
        { type: 'apiKey', in: 'cookie', name: sessionCookieName },
        sessionCookieName,
      )
      .build(),
    { extraModels: [ErrorResponseDto] },
  );
  SwaggerModule.setup('docs', app, applyApiContract(document), { jsonDocumentUrl: 'docs-json' });
}
