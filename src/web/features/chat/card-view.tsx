import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { apiUrl } from '../../api.ts';
import type { Card } from './chat-types.ts';

/** Server paths are relative to the council (/t/<id>) unless they are already absolute URLs. */
export function resolveUrl(url: string): string {
  if (/^https?:\/\//.test(url) || url.startsWith('/t/')) return url;
  return url.startsWith('/') ? apiUrl(url) : url;
}

/** Prints a PDF without leaving the page: a hidden frame loads it and opens the print dialog. */
export function printDocument(url: string): void {
  const frame = document.createElement('iframe');
  frame.setAttribute('aria-hidden', 'true');
  frame.tabIndex = -1;
  frame.style.position = 'fixed';
  frame.style.width = '0';
  frame.style.height = '0';
  frame.style.border = '0';
  frame.src = resolveUrl(url);
  frame.addEventListener('load', () => {
    try {
      frame.contentWindow?.focus();
      frame.contentWindow?.print();
    } catch {
      window.open(resolveUrl(url), '_blank', 'noopener');
    }
    window.setTimeout(() => frame.remove(), 60_000);
  });
  document.body.append(frame);
}

/** Download and print buttons for a signed PDF (certificate, receipt), plus any extra actions after them. */
export function DocumentActions({ url, downloadLabel, printLabel, children }: { url: string; downloadLabel: string; printLabel: string; children?: ReactNode }) {
  return (
    <div className="button-row">
      <a className="button" href={resolveUrl(url)} download>
        {downloadLabel}
      </a>
      <button type="button" className="button button--secondary" onClick={() => printDocument(url)}>
        {printLabel}
      </button>
      {children}
    </div>
  );
}

export function CardView({ card }: { card: Card }) {
  const { t } = useTranslation('chat');
  const links = card.links ?? [];
  return (
    <div className={`chat-card chat-card--${card.kind}`}>
      <p className="chat-card__title">{card.title}</p>
      {card.text ? <p>{card.text}</p> : null}
      {card.kind === 'document' && card.url ? (
        <>
          {card.code ? <p>{t('card.code', { code: card.code })}</p> : null}
          <DocumentActions url={card.url} downloadLabel={t('card.download')} printLabel={t('card.print')} />
        </>
      ) : null}
      {card.kind === 'payment' && card.url ? (
        <form method={card.method ?? 'POST'} action={resolveUrl(card.url)}>
          {Object.entries(card.fields ?? {}).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          <button type="submit" className="button">
            {t('card.pay')}
          </button>
        </form>
      ) : null}
      {(card.kind === 'link' || card.kind === 'form' || card.kind === 'signin') && card.url ? (
        <a className="button" href={resolveUrl(card.url)}>
          {card.kind === 'signin' ? t('card.signin') : card.kind === 'form' ? t('card.open_form') : t('card.open_link')}
        </a>
      ) : null}
      {links.length ? (
        <ul className="chat-card__links">
          {links.map((l) => (
            <li key={l.url}>
              <a href={resolveUrl(l.url)}>{l.title}</a>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
