import { describe, expect, it } from 'vitest';
import { escapeHtml, html, rawHtml } from './html.ts';

describe('html template', () => {
  it('escapes every interpolated string, in text and in attributes', () => {
    const name = `<b>"x"</b> & 'co'`;
    const escaped = '&#60;b&#62;&#34;x&#34;&#60;/b&#62; &#38; &#39;co&#39;';
    expect(html`<p title="${name}">${name}</p>`.toString()).toBe(`<p title="${escaped}">${escaped}</p>`);
  });

  it('keeps nested fragments and trusted markup as they are, and escapes inside them once', () => {
    const items = ['a<b', 'c&d'];
    const out = html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>${rawHtml('<hr>')}`;
    expect(out.toString()).toBe('<ul><li>a&#60;b</li><li>c&#38;d</li></ul><hr>');
  });

  it('renders numbers, and nothing for null, undefined and false', () => {
    expect(html`${1}|${null}|${undefined}|${false}|${0}`.toString()).toBe('1||||0');
  });

  it('escapes the five characters that can end a text or an attribute', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&#38;&#60;&#62;&#34;&#39;');
    expect(escapeHtml('Sant Joan d’Alacant')).toBe('Sant Joan d’Alacant');
  });
});
