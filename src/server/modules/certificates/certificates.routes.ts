import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isLanguage, pickAcceptLanguage, type Language } from '../../../shared/languages.ts';
import type { CertificatesService } from './certificates.service.ts';
import { normalizeCsvCode } from './csv-code.ts';
import { renderVerifyPage } from './verify-page.ts';

function requestLanguage(req: FastifyRequest): Language {
  // req.lang comes from the context plugin; the fallback keeps the page usable when mounted alone.
  const decorated: unknown = (req as { lang?: unknown }).lang;
  return isLanguage(decorated) ? decorated : pickAcceptLanguage(req.headers['accept-language']) ?? 'es';
}

const ZCodeParams = z.object({ code: z.string().max(64) });
// Per-IP limits (applied when @fastify/rate-limit is registered): plenty for people, useless for guessing 100 bits.
const RATE_LIMIT = { rateLimit: { max: 60, timeWindow: 60_000 } };

/** The public verification pages: /verify (form), /verify/:code (the answer) and /verify/:code/pdf (the original). */
export function certificatesRoutes(service: CertificatesService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      '/verify',
      { schema: { tags: ['certificates'], summary: 'Document verification form', querystring: z.object({ code: z.string().max(64).optional() }) }, config: RATE_LIMIT },
      async (req, reply) => {
        const code = req.query.code ? normalizeCsvCode(req.query.code) : undefined;
        if (code) return reply.redirect(`/verify/${code}`, 303);
        const lang = requestLanguage(req);
        const html = renderVerifyPage(lang, req.query.code ? { status: 'not_found' } : undefined);
        return reply.code(req.query.code ? 404 : 200).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
      },
    );

    r.get(
      '/verify/:code',
      { schema: { tags: ['certificates'], summary: 'Whether a secure verification code (CSV) belongs to an authentic document', params: ZCodeParams }, config: RATE_LIMIT },
      async (req, reply) => {
        const lang = requestLanguage(req);
        const result = await service.verify(req.params.code, lang);
        const tz = result.document ? service.councilTimeZone(result.document.tenantId) : undefined;
        return reply
          .code(result.status === 'not_found' ? 404 : 200)
          .header('cache-control', 'no-store')
          .type('text/html; charset=utf-8')
          .send(renderVerifyPage(lang, result, tz));
      },
    );

    r.get(
      '/verify/:code/pdf',
      { schema: { tags: ['certificates'], summary: 'The original signed PDF of a verified document', params: ZCodeParams }, config: RATE_LIMIT },
      async (req, reply) => {
        const { pdf, fileName } = await service.originalPdf(req.params.code);
        return reply
          .header('cache-control', 'private, no-store')
          .header('content-disposition', `inline; filename="${fileName}"`)
          .header('x-content-type-options', 'nosniff')
          .type('application/pdf')
          .send(pdf);
      },
    );
  };
}
