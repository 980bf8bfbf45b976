/** The languages Ventanilla speaks. `ca` is written in its Valencian forms for Valencian councils. */
export const LANGUAGES = ['es', 'ca', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** Picks the best supported language from an Accept-Language header, or undefined. */
export function pickAcceptLanguage(header: string | undefined, allowed: readonly Language[] = LANGUAGES): Language | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((x) => x.tag && !Number.isNaN(x.q))
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    const primary = tag.split('-')[0];
    // Valencian has its own tag; it is served by our `ca` catalogue.
    const mapped = primary === 'va' ? 'ca' : primary;
    if (isLanguage(mapped) && allowed.includes(mapped)) return mapped;
  }
  return undefined;
}
