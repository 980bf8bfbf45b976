/**
 * Moderation: what the assistant checks on every citizen message and on every transcript it stores.
 * No database, no network, no model download: lexicons and term lists are reviewable text files in
 * data/moderation, read once; every call is synchronous (well under a millisecond per message).
 *
 * For the dialog manager, per citizen message:
 *   const verdict = moderate(text, { lang, previousAbuse, ineCode: tenant.ineCode });
 *   switch (verdict.category) {
 *     case 'crisis':        // show verdict.reply (text/easyRead + tel: links for 112, 024, 016) AT ONCE,
 *                           // skip intent handling; consider a hand-off with reason 'crisis'.
 *     case 'abuse':         // show verdict.reply, never echo the message; count it in the conversation
 *                           // (pass the count as previousAbuse next time); close when shouldEndConversation.
 *     case 'out_of_scope':  // show verdict.reply (where to go, with the official website link).
 *     case 'ok':            // carry on with NLU / Q&A.
 *   }
 * Before storing or logging anything the citizen typed: `redact(text).text` (or `redactDeep(payload)`).
 * Audit your own reply catalogue with `plainLanguageCheck(text, lang)` and `lintInclusiveLanguage(text, lang)`.
 */

/** `moderate`: classifies a message as ok/abuse/crisis/out_of_scope (crisis wins) with a ready reply in `lang`; `allModerationReplies`: every reply, for audits. */
export { moderate, allModerationReplies } from './moderation.service.ts';
/** Result and option shapes of `moderate`. */
export type {
  ModerationResult,
  ModerationReply,
  ModerationLink,
  ModerationCategory,
  ModerationTopic,
  ModerateOptions,
} from './moderation.service.ts';
/** The other administrations a refusal can point to, and their names/websites (health service per region). */
export { REFERRALS, destinationFor, type Referral, type Destination } from './moderation.referrals.ts';

/** Replaces DNI/NIE, IBAN, card, phone and e-mail with "[DNI]", "[NIE]", "[IBAN]", "[CARD]", "[PHONE]", "[EMAIL]". */
export { redact, redactDeep, findPersonalData, PII_PLACEHOLDERS, type PiiType, type PiiFinding, type RedactionResult } from './moderation.redact.ts';
/** Pino `hooks` + `formatters` that redact free text in every log line: `pino({ ...pinoRedactionOptions() })`. */
export { pinoRedactionOptions } from './moderation.redact.ts';

/** Plain-language audit (sentence length, long words, jargon); `{ isEasyRead: true }` for easy-read text. */
export { plainLanguageCheck, type PlainLanguageReport, type PlainLanguageIssue, type PlainLanguageOptions } from './moderation.plain-language.ts';
/** Inclusive-language lint of one text, or of whole catalogues (`lintCatalogues(['assistant'])`). */
export { lintInclusiveLanguage, lintCatalogues, type InclusiveFinding, type CatalogueFinding } from './moderation.inclusive.ts';

/** Evaluation on data/moderation/eval.tsv and pii.tsv (scripts/moderation-eval.ts prints it); the data directory. */
export { MODERATION_DATA_DIR } from './moderation.lexicon.ts';
export {
  readEvalSet,
  readPiiSet,
  evaluateModeration,
  evaluateRedaction,
  formatEvaluation as formatModerationEvaluation,
  type ModerationEvaluation,
  type RedactionEvaluation,
} from './moderation.evaluation.ts';

/**
 * The module for the registry: no routes and no dependencies. `port` is the assistant's ModerationPort
 * (`moderate` as is, `redact` returning the text), typed from ModerationResult on the assistant's side.
 */
export { createModerationModule } from './moderation.module.ts';
