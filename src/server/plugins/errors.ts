import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { Language } from '../../shared/languages.ts';
import { AppError, statusOf, translateErrorCode, type ErrorCode } from '../errors.ts';

/** Fastify's own error codes (core and @fastify/multipart) mapped to ours, so every client sees one vocabulary. */
const FASTIFY_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'common.payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'common.unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'common.invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'common.invalid_json',
  FST_ERR_VALIDATION: 'common.validation',
  FST_REQ_FILE_TOO_LARGE: 'common.payload_too_large',
  FST_FILES_LIMIT: 'common.too_many_files',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'common.unsupported_media_type',
};

/** Answers with one of our codes, its table status and its message in `lang`. */
export function sendErrorCode(reply: FastifyReply, lang: Language, code: ErrorCode, details?: unknown) {
  return reply.status(statusOf(code)).send({ error: { code, message: translateErrorCode(code, lang), ...(details === undefined ? {} : { details }) } });
}

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
        return sendErrorCode(reply, lang, 'common.validation', details);
      }
      const fe = err as FastifyError;
      if (fe.statusCode === 429) {
        return sendErrorCode(reply, lang, 'common.rate_limited');
      }
      const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined;
      if (mapped) return sendErrorCode(reply, lang, mapped);
      if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
        return reply.status(fe.statusCode).send({ error: { code: 'common.bad_request', message: translateErrorCode('common.bad_request', lang) } });
      }
      req.log.error({ err }, 'unexpected error');
      return sendErrorCode(reply, lang, 'common.unexpected');
    });
  },
  { name: 'ventanilla-errors' },
);
