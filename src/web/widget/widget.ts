/**
 * The embeddable assistant: <script src="https://<ventanilla>/widget.js" data-tenant="<id>" async></script>.
 * A launcher button and a chat panel in a shadow DOM (the host page's styles cannot reach in, ours cannot leak
 * out), keyboard and screen-reader accessible, talking to the conversations API of the server it came from.
 * No framework: it must stay small (budget: 60 KB gzipped) on every municipal page.
 */
/// <reference types="vite/client" />
import ca from '../../../locales/ca/widget.json' with { type: 'json' };
import en from '../../../locales/en/widget.json' with { type: 'json' };
import es from '../../../locales/es/widget.json' with { type: 'json' };
import createClient from 'openapi-fetch';
import type { ApiResponse, paths } from '../../shared/api/contract.ts';
import css from './widget.css?inline';

type Lang = 'es' | 'ca' | 'en';
type Texts = typeof es;
const TEXTS: Record<Lang, Texts> = { es, ca, en };

type Reply = ApiResponse<'/api/v1/conversations/{id}/messages', 'post'>['replies'][number];

function pickLang(script: HTMLScriptElement): Lang {
  const wanted = (script.dataset.lang ?? document.documentElement.lang ?? navigator.language ?? 'es').toLowerCase().slice(0, 2);
  if (wanted === 'va') return 'ca';
  return wanted === 'ca' || wanted === 'en' ? wanted : 'es';
}

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

export function mountWidget(script: HTMLScriptElement): HTMLElement | null {
  const tenant = script.dataset.tenant;
  if (!tenant || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(tenant)) return null;
  const origin = new URL(script.src, location.href).origin;
  const base = `${origin}/t/${tenant}`;
  const lang = pickLang(script);
  const tx = TEXTS[lang];

  const host = h('div', { 'data-ventanilla-widget': tenant });
  const root = host.attachShadow({ mode: 'open' });
  // A constructed sheet is not blocked by the host page's style-src CSP; a <style> is the fallback.
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } catch {
    root.append(h('style', {}, css));
  }

  const launcher = h('button', { type: 'button', class: 'launcher', 'aria-expanded': 'false', 'aria-controls': 'vw-panel' });
  launcher.append(h('span', { 'aria-hidden': 'true', class: 'launcher__icon' }, '💬'), h('span', { class: 'launcher__label' }, tx.open));
  const panel = h('div', { id: 'vw-panel', class: 'panel', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'vw-title', lang });
  panel.hidden = true;
  const header = h('div', { class: 'panel__header' });
  const title = h('h2', { id: 'vw-title' }, tx.title);
  const close = h('button', { type: 'button', class: 'close', 'aria-label': tx.close }, '×');
  header.append(title, close);
  const log = h('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': tx.log, tabindex: '0' });
  log.append(h('p', { class: 'msg msg--bot' }, tx.hello));
  const status = h('p', { class: 'status', role: 'status' });
  const form = h('form', { class: 'composer' });
  const label = h('label', { for: 'vw-input' }, tx.input);
  const input = h('input', { id: 'vw-input', type: 'text', autocomplete: 'off', maxlength: '2000' });
  const send = h('button', { type: 'submit', class: 'send' }, tx.send);
  const row = h('div', { class: 'row' });
  row.append(input, send);
  form.append(label, row);
  panel.append(header, log, status, form);
  root.append(launcher, panel);

  let conversationId: string | null = null;
  let token = '';
  let isBusy = false;

  // Cross-site: no cookies; the conversation id and its token are the only state.
  const client = createClient<paths, 'application/json'>({ baseUrl: base, credentials: 'omit', headers: { accept: 'application/json', 'accept-language': lang } });
  const ok = async <T>(pending: Promise<{ data?: T; response: Response }>): Promise<T> => {
    const { data, response } = await pending;
    if (!response.ok || data === undefined) throw Object.assign(new Error(String(response.status)), { status: response.status });
    return data;
  };

  // tel: links (emergency numbers in a crisis reply) are left as they are, like absolute URLs.
  const abs = (url: string) => (/^(https?:\/\/|tel:)/.test(url) ? url : url.startsWith('/t/') ? `${origin}${url}` : `${base}${url}`);

  const addMessage = (from: 'me' | 'bot', replies: Reply[]) => {
    for (const old of log.querySelectorAll('.quick button')) (old as HTMLButtonElement).disabled = true;
    const box = h('div', { class: `msg msg--${from}` });
    box.append(h('span', { class: 'sr' }, from === 'me' ? tx.you : tx.bot));
    for (const r of replies) {
      if (r.type === 'text') box.append(h('p', {}, r.text));
      else if (r.type === 'card') {
        const c = h('div', { class: 'card' });
        c.append(h('p', { class: 'card__title' }, r.card.title));
        if (r.card.text) c.append(h('p', {}, r.card.text));
        const links = [...(r.card.url ? [{ title: r.card.title, url: r.card.url }] : []), ...(r.card.links ?? [])];
        for (const l of links) {
          const a = h('a', { href: abs(l.url), target: '_blank', rel: 'noopener' }, l.title);
          c.append(a);
        }
        box.append(c);
      } else {
        const ul = h('ul', { class: 'quick' });
        for (const o of r.options) {
          const li = h('li');
          const b = h('button', { type: 'button' }, o.label);
          b.addEventListener('click', () => void turn({ action: o.payload }, o.label));
          li.append(b);
          ul.append(li);
        }
        box.append(ul);
      }
    }
    log.append(box);
    log.scrollTop = log.scrollHeight;
  };

  const turn = async (body: { text: string } | { action: string }, shown: string) => {
    if (isBusy) return;
    isBusy = true;
    send.disabled = true;
    addMessage('me', [{ type: 'text', text: shown }]);
    status.textContent = tx.sending;
    try {
      if (!conversationId) {
        const created = await ok(client.POST('/api/v1/conversations', { body: { lang, channel: 'widget' } }));
        conversationId = created.id;
        token = created.token ?? '';
      }
      const { replies } = await ok(
        client.POST('/api/v1/conversations/{id}/messages', { params: { path: { id: conversationId } }, body, headers: token ? { 'x-conversation-token': token } : {} }),
      );
      addMessage('bot', replies);
      status.textContent = '';
    } catch (err) {
      status.textContent = (err as { status?: number }).status === 404 && !conversationId ? tx.unavailable : tx.error;
    } finally {
      isBusy = false;
      send.disabled = false;
    }
  };

  const focusables = () => Array.from(panel.querySelectorAll<HTMLElement>('button:not([disabled]), input, a[href], [tabindex="0"]'));
  const open = () => {
    panel.hidden = false;
    launcher.setAttribute('aria-expanded', 'true');
    input.focus();
  };
  const shut = () => {
    panel.hidden = true;
    launcher.setAttribute('aria-expanded', 'false');
    launcher.focus();
  };
  launcher.addEventListener('click', () => (panel.hidden ? open() : shut()));
  close.addEventListener('click', shut);
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      shut();
      return;
    }
    if (e.key !== 'Tab') return;
    // Focus trap: Tab and Shift+Tab cycle inside the open panel.
    const items = focusables();
    const first = items[0];
    const last = items[items.length - 1];
    const active = root.activeElement;
    if (e.shiftKey && active === first) {
      e.preventDefault();
      last?.focus();
    } else if (!e.shiftKey && active === last) {
      e.preventDefault();
      first?.focus();
    }
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    void turn({ text }, text);
  });

  document.body.append(host);
  return host;
}

const current = document.currentScript;
if (current instanceof HTMLScriptElement) {
  const s = current;
  if (document.body) mountWidget(s);
  else document.addEventListener('DOMContentLoaded', () => mountWidget(s), { once: true });
}
