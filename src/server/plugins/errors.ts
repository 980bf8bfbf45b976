import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, translateErrorCode } from '../errors.ts';

/** Fastify's own error codes mapped to ours, so every client sees one vocabulary. */
const FASTIFY_CODES: Record<string, { code: string; status: number }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'common.payload_too_large', status: 413 },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'common.unsupported_media_type', status: 415 },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'common.invalid_json', status: 400 },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'common.invalid_json', status: 400 },
  FST_ERR_VALIDATION: { code: 'common.validation', status: 400 },
  FST_CSRF_INVALID_TOKEN: { code: 'common.csrf', status: 403 },
  FST_CSRF_MISSING_SECRET: { code: 'common.csrf', status: 403 },
  FST_REQ_FILE_TOO_LARGE: { code: 'common.payload_too_large', status: 413 },
  FST_FILES_LIMIT: { code: 'common.too_many_files', status: 413 },
  FST_INVALID_MULTIPART_CONTENT_TYPE: { code: 'common.unsupported_media_type', status: 415 },
};

/** One error shape: { error: { code, message } }, translated; a 5xx never shows internals. */
export const errorsPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err: FastifyError | AppError | Error, req, reply) => {
      const lang = req.lang ?? 'es';
      if (err instanceof AppError) {
        if (err.status >= 500) req.log.error({ err, code: err.code }, 'app error');
        return reply.status(err.status).send({
          error: { code: err.code, message: err.userMessage(lang), ...(err.details === undefined ? {} : { details: err.details }) },
        });
      }
      if (hasZodFastifySchemaValidationErrors(err)) {
        const details = err.validation.map((v) => ({
          path: `${err.validationContext ?? 'body'}${v.instancePath.replace(/\//g, '.')}`,
          message: v.message ?? '',
        }));
        return reply.status(400).send({ error: { code: 'common.validation', message: translateErrorCode('common.validation', lang), details } });
      }
      const fe = err as FastifyError;
      if (fe.statusCode === 429) {
        return reply.status(429).send({ error: { code: 'common.rate_limited', message: translateErrorCode('common.rate_limited', lang) } });
      }
      const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined;
      if (mapped) {
        return reply.status(mapped.status).send({ error: { code: mapped.code, message: translateErrorCode(mapped.code, lang) } });
      }
      if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
        return reply.status(fe.statusCode).send({ error: { code: 'common.bad_request', message: translateErrorCode('common.bad_request', lang) } });
      }
      req.log.error({ err }, 'unexpected error');
      return reply.status(500).send({ error: { code: 'common.unexpected', message: translateErrorCode('common.unexpected', lang) } });
    });
  },
  { name: 'ventanilla-errors' },
);
