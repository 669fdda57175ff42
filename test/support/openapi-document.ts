/** Reading the app's own OpenAPI document (`/docs-json`) in the suites. */

interface Schema {
  $ref?: string;
  properties?: Record<string, Schema>;
  example?: unknown;
}

interface Operation {
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { content?: Record<string, unknown> }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

export async function fetchOpenApiDocument(baseUrl: string): Promise<OpenApiDocument> {
  const response = await fetch(`${baseUrl}/docs-json`);
  if (!response.ok) throw new Error(`GET /docs-json: ${response.status}`);
  return (await response.json()) as OpenApiDocument;
}

/** Every operation as schemathesis names it (`POST /auth/login`), with its definition. */
export function operationsOf(document: OpenApiDocument): Array<[string, Operation]> {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.has(method))
      .map(([method, operation]): [string, Operation] => [
        `${method.toUpperCase()} ${path}`,
        operation,
      ]),
  );
}

/**
 * Operations answering with a server-sent event stream (a 2xx declared `text/event-stream`):
 * a stream that stays open cannot be fuzzed (schemathesis reads a body to its end).
 */
export function eventStreamOperations(document: OpenApiDocument): string[] {
  return operationsOf(document)
    .filter(([, operation]) =>
      Object.entries(operation.responses ?? {}).some(
        ([status, response]) =>
          status.startsWith('2') && 'text/event-stream' in (response.content ?? {}),
      ),
    )
    .map(([name]) => name);
}

/** Operations that declare 429 (the throttled ones). */
export function operationsDeclaring(document: OpenApiDocument, status: string): string[] {
  return operationsOf(document)
    .filter(([, operation]) => status in (operation.responses ?? {}))
    .map(([name]) => name);
}

/** The `example` of each property of an operation's JSON request body (e.g. credentials). */
export function requestBodyExample(
  document: OpenApiDocument,
  operation: string,
): Record<string, unknown> {
  const found = operationsOf(document).find(([name]) => name === operation)?.[1];
  let schema = found?.requestBody?.content?.['application/json']?.schema;
  const ref = schema?.$ref?.replace('#/components/schemas/', '');
  if (ref !== undefined) schema = document.components?.schemas?.[ref];
  if (!schema?.properties) throw new Error(`${operation} has no JSON request body with properties`);
  return Object.fromEntries(
    Object.entries(schema.properties).map(([name, property]) => [name, property.example]),
  );
}
