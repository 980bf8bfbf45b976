/** Wiring for the registry: moderation has no routes, no database and no dependencies. */
import { redact } from './moderation.redact.ts';
import { moderate } from './moderation.service.ts';

/**
 * `port` is what the assistant codes against: `moderate` itself (its whole result: category, reply with links,
 * the abuse escalation) and `redact` returning the redacted text.
 */
export function createModerationModule() {
  const service = { moderate, redact };
  const port = { redact: (text: string): string => redact(text).text, moderate };
  return { service, port };
}
