import type { Language } from '../../../shared/languages.ts';
import { html, rawHtml, type SafeHtml } from '../../http/html.ts';
import { t } from '../../i18n.ts';
import type { VerificationResult } from './certificates.service.ts';

const INTL_LOCALE: Record<Language, string> = { es: 'es-ES', ca: 'ca-ES', en: 'en-GB' };

const STYLE = rawHtml(`<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}
.ok{border-left:6px solid #0b5a2a;padding-left:1rem}.no{border-left:6px solid #a4262c;padding-left:1rem}
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem}dt{font-weight:600}.hash{word-break:break-all;font-family:monospace}
input,button{font-size:1.1rem;padding:.5rem;min-height:44px}a{color:#0b4f8a}</style>`);

/**
 * The server-rendered verification page: plain HTML, no script, one heading that says the answer, and a link to
 * the original. `pdfHref` is relative so the page works behind any prefix or proxy.
 */
export function renderVerifyPage(lang: Language, result: VerificationResult | undefined, timeZone = 'Europe/Madrid'): string {
  const tr = (key: string, params?: Record<string, unknown>) => t(lang, `certificates:verify.${key}`, params);
  let body: SafeHtml | undefined;
  if (result) {
    const doc = result.document;
    if (result.status === 'not_found' || !doc) {
      body = html`<section role="status" class="no"><h2>${tr('notFound')}</h2><p>${tr('notFoundText')}</p></section>`;
    } else {
      const issued = new Intl.DateTimeFormat(INTL_LOCALE[lang], { dateStyle: 'long', timeStyle: 'short', timeZone }).format(doc.issuedAt);
      const isOk = result.status === 'authentic';
      body = html`<section role="status" class="${isOk ? 'ok' : 'no'}"><h2>${isOk ? tr('authentic') : tr('revoked')}</h2>
<p>${isOk ? tr('authenticText', { council: doc.councilName }) : tr('revokedText', { council: doc.councilName })}</p>
<dl><dt>${tr('codeLabel')}</dt><dd>${doc.displayCode}</dd>
<dt>${tr('kind')}</dt><dd>${t(lang, `certificates:kinds.${doc.kind}`)}</dd>
<dt>${tr('issuedAt')}</dt><dd>${issued}</dd>
<dt>${tr('sha256')}</dt><dd class="hash">${doc.sha256}</dd></dl>
<p><a href="${doc.code}/pdf" download="${doc.code}.pdf">${tr('download')}</a></p></section>`;
    }
  }
  return html`<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${tr('title')}</title>
${STYLE}</head>
<body><main><h1>${tr('title')}</h1>
${body}
<form method="get" action="/verify"><p>${tr('intro')}</p>
<label for="code">${tr('codeLabel')}</label><br>
<input id="code" name="code" autocomplete="off" spellcheck="false" maxlength="64" required>
<button type="submit">${tr('submit')}</button></form>
</main></body></html>`.toString();
}
