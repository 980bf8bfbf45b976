import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isLanguage, pickAcceptLanguage, type Language } from '../../../../shared/languages.ts';
import { AppError } from '../../../errors.ts';
import { html, rawHtml } from '../../../http/html.ts';
import { t } from '../../../i18n.ts';
import type { SandboxGateway } from './sandbox.gateway.ts';

const INTL_LOCALE: Record<Language, string> = { es: 'es-ES', ca: 'ca-ES', en: 'en-GB' };
const STYLE = rawHtml(`<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem}dt{font-weight:600}
button{font-size:1.1rem;padding:.6rem 1.2rem;margin:.5rem .5rem 0 0;min-height:44px}.pay{background:#0b5a2a;color:#fff;border:0}
.notice{background:#fff4ce;padding:.5rem 1rem;border-left:4px solid #8a6d00}</style>`);

function requestLanguage(req: FastifyRequest, fallback: Language | undefined): Language {
  // req.lang comes from the context plugin; the fallbacks keep the page usable when mounted alone.
  const decorated: unknown = (req as { lang?: unknown }).lang;
  return fallback ?? (isLanguage(decorated) ? decorated : pickAcceptLanguage(req.headers['accept-language']) ?? 'es');
}

const ZParams = z.object({ orderId: z.string().min(4).max(12) });
const ZQuery = z.object({ p: z.string().min(10).max(4096) });
const ZDecision = z.object({ decision: z.enum(['pay', 'cancel']) });

/**
 * The sandbox gateway's pages: GET shows the order with Pay and Cancel buttons (plain forms, no script), POST sends
 * the signed notification and redirects the browser back to the council's OK/KO page.
 */
export function sandboxGatewayRoutes(gateway: SandboxGateway) {
  return async (app: FastifyInstance) => {
    // Browsers post forms url-encoded; this parser lives only inside this plugin.
    if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) {
      app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'))));
      });
    }
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get('/payments/sandbox/:orderId', { schema: { tags: ['payments'], summary: 'Sandbox gateway payment page', params: ZParams, querystring: ZQuery, hide: true } }, async (req, reply) => {
      const payment = gateway.openPayment(req.query.p, req.params.orderId);
      const lang = requestLanguage(req, payment.language);
      const tr = (k: string) => t(lang, `gateway:sandbox.${k}`);
      const amount = new Intl.NumberFormat(INTL_LOCALE[lang], { style: 'currency', currency: 'EUR' }).format(payment.amountCents / 100);
      // Relative action: works behind the /t/<council>/ prefix and any reverse proxy.
      const action = `${encodeURIComponent(req.params.orderId)}?p=${encodeURIComponent(req.query.p)}`;
      const page = html`<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${tr('title')}</title>
${STYLE}</head>
<body><main>
<h1>${tr('title')}</h1>
<p class="notice">${tr('notice')}</p>
<dl><dt>${tr('order')}</dt><dd>${payment.orderId}</dd>
<dt>${tr('concept')}</dt><dd>${payment.description}</dd>
<dt>${tr('amount')}</dt><dd>${amount}</dd></dl>
<form method="post" action="${action}"><input type="hidden" name="decision" value="pay"><button class="pay" type="submit">${tr('pay')}</button></form>
<form method="post" action="${action}"><input type="hidden" name="decision" value="cancel"><button type="submit">${tr('cancel')}</button></form>
</main></body></html>`;
      return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(page.toString());
    });

    r.post(
      '/payments/sandbox/:orderId',
      {
        // No CSRF token on this form: the signed payment token in the URL is already a secret a forged form cannot know.
        config: { csrf: false },
        schema: { tags: ['payments'], summary: 'Sandbox gateway decision', params: ZParams, querystring: ZQuery, body: ZDecision, hide: true },
      },
      async (req, reply) => {
        let target: string;
        try {
          target = (await gateway.decide(req.query.p, req.params.orderId, req.body.decision === 'pay')).redirectTo;
        } catch (err) {
          if (err instanceof AppError) throw err;
          throw new AppError('gateway.delivery_failed', { log: (err as Error).message, cause: err });
        }
        return reply.redirect(target, 303);
      },
    );
  };
}
