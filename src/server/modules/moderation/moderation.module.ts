/** Wiring for the registry: moderation has no routes, no database and no dependencies. */
import type { Language } from '../../../shared/languages.ts';
import { redact } from './moderation.redact.ts';
import { moderate, type ModerationCategory } from './moderation.service.ts';

/** The assistant's verdict shape (structurally identical to its ModerationVerdict). */
export type PortVerdict = { kind: 'ok' } | { kind: Exclude<ModerationCategory, 'ok'>; reply?: string; easyRead?: string };

export function createModerationModule() {
  const service = { moderate, redact };
  const port = {
    redact: (text: string): string => redact(text).text,
    moderate(text: string, opts: { lang: Language; previousAbuse?: number; ineCode?: string }): PortVerdict {
      const r = moderate(text, opts);
      if (r.category === 'ok') return { kind: 'ok' };
      const verdict: PortVerdict = { kind: r.category };
      if (r.reply) {
        verdict.reply = r.reply.text;
        verdict.easyRead = r.reply.easyRead;
      }
      return verdict;
    },
  };
  return { service, port };
}
