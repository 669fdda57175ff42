import { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ConfigError } from '../config/index.js';

/** The messages of the body errors, in our words (a parser's own quote the body back). */
export const BODY_MESSAGES = {
  invalidJson: 'The request body is not valid JSON.',
  tooLarge: 'The request body is too large.',
  encoding: 'The request body encoding is not supported.',
  charset: 'The request body charset is not supported.',
  mediaType:
    'The request body has a media type the API does not read: send application/json (or application/x-www-form-urlencoded).',
  length: 'The request body does not match its Content-Length.',
} as const;

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** BODY_LIMIT (`10kb`, `1mb`, `512`, as body-parser's `bytes` read it) in bytes. */
export function parseBodyLimit(value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(value);
  if (!match) {
    throw new ConfigError('BODY_LIMIT', 'must be a size such as 10kb, 1mb or 4096', value);
  }
  return Math.floor(Number(match[1]) * UNITS[(match[2] ?? 'b').toLowerCase()]);
}

type Done = (error: Error | null, body?: unknown) => void;
type JsonParser = (request: FastifyRequest, body: string | Buffer, done: Done) => void;

const UTF8 = new Set(['utf-8', 'utf8']);

function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match?.[1].toLowerCase();
}

/**
 * The JSON body parser, as body-parser's `json({ strict: true })` was: UTF-8 only (another
 * charset is a 415), an empty body reads as `{}`, the top level must be an object or an
 * array, and a bad body is a 400 in our words. Parsing itself is Fastify's (secure-json-parse:
 * `__proto__` and `constructor.prototype` keys are refused).
 */
export function jsonBodyParser(fastify: FastifyInstance) {
  const parse = fastify.getDefaultJsonParser('error', 'error') as unknown as JsonParser;
  return (request: FastifyRequest, body: Buffer, done: Done): void => {
    const charset = charsetOf(request.headers['content-type']);
    if (charset !== undefined && !UTF8.has(charset)) {
      return done(new UnsupportedMediaTypeException(BODY_MESSAGES.charset));
    }
    const text = body.toString('utf8');
    const start = text.trimStart();
    if (start.length === 0) return done(null, {});
    if (start[0] !== '{' && start[0] !== '[') {
      return done(new BadRequestException(BODY_MESSAGES.invalidJson));
    }
    parse(request, text, (error, parsed) =>
      error ? done(new BadRequestException(BODY_MESSAGES.invalidJson)) : done(null, parsed),
    );
  };
}

const DECODERS: Record<string, () => Transform> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/**
 * Content-Encoding of request bodies, as body-parser read them: gzip, deflate and br are
 * decoded (BODY_LIMIT applies to the decoded body), anything else is a 415.
 */
export function registerBodyDecoding(fastify: FastifyInstance): void {
  fastify.addHook('preParsing', async (request, _reply, payload) => {
    const encoding = request.headers['content-encoding']?.trim().toLowerCase();
    if (encoding === undefined || encoding === '' || encoding === 'identity') return payload;
    const decoder = DECODERS[encoding];
    if (!decoder) throw new UnsupportedMediaTypeException(BODY_MESSAGES.encoding);
    const decoded = decoder() as Transform & { receivedEncodedLength: number };
    // Fastify compares what was received with Content-Length: the encoded bytes.
    decoded.receivedEncodedLength = 0;
    payload.on('data', (chunk: Buffer) => (decoded.receivedEncodedLength += chunk.length));
    payload.on('error', (error) => decoded.destroy(error));
    decoded.on('error', () => undefined);
    return payload.pipe(decoded);
  });
}

/** Our words for Fastify's own body errors (FST_ERR_CTP_*), by code. */
export const FASTIFY_BODY_ERRORS: Record<string, { status: number; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, message: BODY_MESSAGES.tooLarge },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, message: BODY_MESSAGES.mediaType },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, message: BODY_MESSAGES.length },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, message: BODY_MESSAGES.invalidJson },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, message: BODY_MESSAGES.invalidJson },
};
