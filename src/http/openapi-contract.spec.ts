import type { OpenAPIObject } from '@nestjs/swagger';
import { ERROR_SCHEMA_REF, applyApiContract } from './openapi-contract.js';

const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function sampleDocument(): OpenAPIObject {
  return {
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths: {
      '/things': {
        post: {
          requestBody: { required: true, ...json(ref('NewThing')) },
          responses: {
            '201': { description: 'created', ...json(ref('Thing')) },
            '400': { description: 'Own words.', ...json({ $ref: ERROR_SCHEMA_REF }) },
            '429': { description: 'Throttled.', ...json({ $ref: ERROR_SCHEMA_REF }) },
          },
        },
      },
      '/me': {
        get: { security: [{ session: [] }], responses: { '200': { description: 'me' } } },
      },
      '/ready': {
        get: {
          responses: {
            '200': { description: 'ok' },
            '503': { description: 'Own shape.', ...json({ type: 'object' }) },
          },
        },
      },
    },
    components: {
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'sid' } },
      schemas: {
        NewThing: {
          type: 'object',
          properties: { name: { type: 'string' }, parts: { type: 'array', items: ref('Part') } },
        },
        Part: { type: 'object', properties: { size: { type: 'integer' } } },
        Thing: { type: 'object', properties: { id: { type: 'integer' } } },
        ErrorResponseDto: { type: 'object', properties: { message: { type: 'string' } } },
      },
    },
  };
}

describe(applyApiContract.name, () => {
  it('closes request bodies and the objects they nest, and only those', () => {
    const { components } = applyApiContract(sampleDocument());
    expect(components?.schemas?.NewThing).toMatchObject({ additionalProperties: false });
    expect(components?.schemas?.Part).toMatchObject({ additionalProperties: false });
    expect(components?.schemas?.Thing).not.toHaveProperty('additionalProperties');
  });

  it('declares 400, 413, 415 and 503 in the error shape where the controller did not', () => {
    const { paths } = applyApiContract(sampleDocument());
    const responses = paths['/things'].post!.responses;
    expect(Object.keys(responses).sort()).toEqual(['201', '400', '413', '415', '429', '503']);
    expect(responses['400']).toMatchObject({ description: 'Own words.' });
    expect(responses['413']).toMatchObject(json({ $ref: ERROR_SCHEMA_REF }));
    // A 503 a controller documents its own way stays as it is.
    expect(paths['/ready'].get!.responses['503']).toEqual({
      description: 'Own shape.',
      ...json({ type: 'object' }),
    });
  });

  it('declares 401 on the operations that require a security scheme', () => {
    const { paths } = applyApiContract(sampleDocument());
    expect(paths['/me'].get!.responses['401']).toMatchObject(json({ $ref: ERROR_SCHEMA_REF }));
    expect(paths['/things'].post!.responses['401']).toBeUndefined();
  });

  it('declares Retry-After on every 429 and 503 in the error shape', () => {
    const { paths } = applyApiContract(sampleDocument());
    const retryAfter = { 'Retry-After': expect.objectContaining({ required: true }) };
    expect(paths['/things'].post!.responses['429']).toMatchObject({ headers: retryAfter });
    expect(paths['/things'].post!.responses['503']).toMatchObject({ headers: retryAfter });
    expect(paths['/ready'].get!.responses['503']).not.toHaveProperty('headers');
  });

  it('refuses an operation that requires a security scheme the document does not define', () => {
    const document = sampleDocument();
    document.paths['/me'].get!.security = [{ 'kiada.sid': [] }];
    expect(() => applyApiContract(document)).toThrow(
      'OpenAPI: GET /me requires security scheme "kiada.sid", which the document does not define (defined: session)',
    );
  });
});
