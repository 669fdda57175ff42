import type {
  OpenAPIObject,
  OperationObject,
  ReferenceObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger';

/** Where the one error shape (ErrorResponseDto) lives in the document. */
export const ERROR_SCHEMA_REF = '#/components/schemas/ErrorResponseDto';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * Responses any operation can give, whatever its controller declares: the HTTP pipeline
 * (configure-http-app.ts) parses a JSON body on every route before any handler runs, and
 * every route behind the session middleware reads the database.
 */
const PIPELINE_RESPONSES: Record<string, string> = {
  '400':
    'Invalid request: a body that is not JSON, or invalid fields or parameters (`details` lists each problem).',
  '413': 'The request body is larger than BODY_LIMIT.',
  '415': 'The request body has a media type, charset or Content-Encoding the API does not read.',
  '503': 'The database is unreachable: nothing was done, try again after `Retry-After` seconds.',
};

const NOT_LOGGED_IN = 'Not logged in: log in with POST /auth/login first.';

/** 429 (throttling) and 503 (database) in the error shape always carry Retry-After. */
const RETRY_AFTER_STATUSES = ['429', '503'];

/**
 * Makes the generated document say what the server does, for every route, in one place:
 *
 * - request bodies are closed (`additionalProperties: false`): the ValidationPipe rejects
 *   unknown fields (forbidNonWhitelisted), in nested DTOs too (they use @ValidateNested);
 * - the responses the pipeline can give anywhere (400, 413, 415, 503) and 401 on every
 *   operation that requires the session are declared where a controller did not, in the
 *   one error shape;
 * - every 429 and 503 in the error shape declares its `Retry-After` header;
 * - an operation naming a security scheme the document does not define is an error.
 *
 * Mutates and returns `document`.
 */
export function applyApiContract(document: OpenAPIObject): OpenAPIObject {
  const schemes = new Set(Object.keys(document.components?.securitySchemes ?? {}));
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const label = `${method.toUpperCase()} ${path}`;
      closeRequestBody(document, operation);
      const secured = securitySchemesOf(operation);
      for (const scheme of secured) {
        if (!schemes.has(scheme)) {
          throw new Error(
            `OpenAPI: ${label} requires security scheme "${scheme}", which the document does not define (defined: ${[...schemes].join(', ') || 'none'})`,
          );
        }
      }
      for (const [status, description] of Object.entries(PIPELINE_RESPONSES)) {
        operation.responses[status] ??= errorResponse(description);
      }
      if (secured.length > 0) operation.responses['401'] ??= errorResponse(NOT_LOGGED_IN);
      for (const status of RETRY_AFTER_STATUSES) {
        const response = operation.responses[status];
        if (response && !isReference(response) && hasErrorShape(response)) {
          response.headers = { ...response.headers, 'Retry-After': RETRY_AFTER_HEADER };
        }
      }
    }
  }
  return document;
}

const RETRY_AFTER_HEADER = {
  description: 'Seconds to wait before trying again.',
  required: true,
  schema: { type: 'integer', minimum: 1 },
};

function errorResponse(description: string): ResponseObject {
  return { description, content: { 'application/json': { schema: { $ref: ERROR_SCHEMA_REF } } } };
}

function hasErrorShape(response: ResponseObject): boolean {
  const schema = response.content?.['application/json']?.schema;
  return schema !== undefined && isReference(schema) && schema.$ref === ERROR_SCHEMA_REF;
}

function securitySchemesOf(operation: OperationObject): string[] {
  return (operation.security ?? []).flatMap((requirement) => Object.keys(requirement));
}

function closeRequestBody(document: OpenAPIObject, operation: OperationObject): void {
  const body = operation.requestBody;
  if (!body || isReference(body)) return;
  for (const media of Object.values(body.content)) {
    if (media.schema) closeObjects(document, media.schema, new Set());
  }
}

/**
 * Sets `additionalProperties: false` on an object schema and the object schemas its
 * properties and items nest (not through allOf, where it would reject the other parts).
 */
function closeObjects(
  document: OpenAPIObject,
  schemaOrRef: SchemaObject | ReferenceObject,
  seen: Set<SchemaObject>,
): void {
  const schema = resolve(document, schemaOrRef);
  if (!schema || seen.has(schema)) return;
  seen.add(schema);
  if (schema.properties) {
    schema.additionalProperties = false;
    for (const property of Object.values(schema.properties)) closeObjects(document, property, seen);
  }
  if (schema.items) closeObjects(document, schema.items, seen);
}

const LOCAL_SCHEMA = /^#\/components\/schemas\/(.+)$/;

function resolve(
  document: OpenAPIObject,
  schema: SchemaObject | ReferenceObject,
): SchemaObject | undefined {
  if (!isReference(schema)) return schema;
  const name = LOCAL_SCHEMA.exec(schema.$ref)?.[1];
  const target = name === undefined ? undefined : document.components?.schemas?.[name];
  return target === undefined ? undefined : resolve(document, target);
}

function isReference(value: object): value is ReferenceObject {
  return '$ref' in value;
}
