/**
 * Server-rendered HTML (the certificate verification page, the sandbox gateway's page, mails) with escaping by
 * default: `html` escapes every interpolated value unless it is already `SafeHtml`, so forgetting to escape a
 * council name or a payment concept cannot open an injection.
 */

/** Markup that is already safe to emit as is: built by `html`, or a trusted constant passed through `rawHtml`. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** What a template may interpolate; null, undefined and false render nothing, arrays render each item. */
export type HtmlValue = string | number | SafeHtml | null | undefined | false | readonly HtmlValue[];

/** Escapes text for an HTML element or a double- or single-quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (typeof value === 'string') return escapeHtml(value);
  if (typeof value === 'number') return String(value);
  return value.map(render).join('');
}

/** Tagged template: html`<p>${text}</p>` escapes `text`; nested html`` fragments are kept as they are. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Trusted markup (a constant style sheet, a fixed snippet): never pass it text that came from a request or a row. */
export function rawHtml(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
