/**
 * Moderation of a citizen's message: crisis first (112 and 024 at once, 016 for gender violence), then
 * abuse (a calm reply that never repeats the words), then what the council does not handle (a polite
 * refusal that says where to go). Pure and synchronous: lexicons are read once from data/moderation.
 */
import type { Language } from '../../../shared/languages.ts';
import { t } from '../../i18n.ts';
import { findHits, loadLexicons, type LexiconHit } from './moderation.lexicon.ts';
import { moderationTokens } from './moderation.normalize.ts';
import { destinationFor, isReferral, LEGAL_DESTINATION, REFERRALS, type Destination, type Referral } from './moderation.referrals.ts';

export type ModerationCategory = 'ok' | 'abuse' | 'crisis' | 'out_of_scope';
export type ModerationTopic = 'legal' | 'medical' | 'political' | 'other_administration' | 'self_harm' | 'violence' | 'emergency';

/** A link for the reply: a phone number to call (`tel:112`) or an official website. */
export interface ModerationLink {
  label: string;
  url: string;
}

/** What to say instead of (crisis, abuse) or before (out of scope) the normal dialog. */
export interface ModerationReply {
  /** Plain language, at most 25 words per sentence. */
  text: string;
  /** Easy-read variant: one short idea per line, lines separated by "\n". */
  easyRead: string;
  links?: ModerationLink[];
}

export interface ModerationResult {
  category: ModerationCategory;
  topic?: ModerationTopic;
  /** For `other_administration`: which body the reply points to. */
  referral?: Referral;
  /** For crisis about a partner or ex-partner: the reply adds 016. */
  isGenderViolence?: boolean;
  /** For abuse: the chat should end now (third abusive message); the reply says so. */
  shouldEndConversation?: boolean;
  reply?: ModerationReply;
  /** The lexicon lines that decided, for audits and the evaluation script (never shown to citizens). */
  matched?: string[];
}

export interface ModerateOptions {
  /** Language of the reply (the message itself may mix languages: all lexicons are checked). */
  lang: Language;
  /** Abusive messages already seen in this conversation: 1 adds a warning, 2 or more ends the chat. */
  previousAbuse?: number;
  /** The council's INE code, to name the right regional health service ("03014" -> GVA). */
  ineCode?: string;
}

// Violence first: "threatened to kill me" also contains the self-harm word "matarme"; every crisis reply gives 024 anyway.
const CRISIS_ORDER = ['gender_violence', 'violence', 'self_harm', 'emergency'] as const;
const OUT_OF_SCOPE_ORDER = ['medical', 'legal', 'political', 'other_administration'] as const;

function callLinks(lang: Language, numbers: readonly ('112' | '024' | '016')[]): ModerationLink[] {
  return numbers.map((n) => ({ label: t(lang, `moderation:links.call${n}`), url: `tel:${n}` }));
}

function replyFor(lang: Language, key: string, params: Record<string, string> = {}, links?: ModerationLink[]): ModerationReply {
  const reply: ModerationReply = {
    text: t(lang, `moderation:${key}.text`, params),
    easyRead: t(lang, `moderation:${key}.easyRead`, params),
  };
  if (links && links.length > 0) reply.links = links;
  return reply;
}

function websiteLink(lang: Language, destination: Destination): ModerationLink {
  const name = destination.name[lang];
  return { label: name.charAt(0).toUpperCase() + name.slice(1), url: destination.url };
}

function crisisResult(hits: readonly LexiconHit[], lang: Language): ModerationResult | undefined {
  const sections = new Set(hits.map((h) => h.entry.section));
  const kind = CRISIS_ORDER.find((k) => sections.has(`crisis.${k}`));
  if (!kind) return undefined;
  const isGenderViolence = kind === 'gender_violence';
  const topic: ModerationTopic = isGenderViolence ? 'violence' : kind;
  const numbers = isGenderViolence ? (['112', '016', '024'] as const) : kind === 'self_harm' ? (['024', '112'] as const) : (['112', '024'] as const);
  const result: ModerationResult = { category: 'crisis', topic, reply: replyFor(lang, `crisis.${kind}`, {}, callLinks(lang, numbers)) };
  if (isGenderViolence) result.isGenderViolence = true;
  return result;
}

function abuseResult(lang: Language, previousAbuse: number): ModerationResult {
  if (previousAbuse >= 2) return { category: 'abuse', shouldEndConversation: true, reply: replyFor(lang, 'abuse.end') };
  return { category: 'abuse', reply: replyFor(lang, previousAbuse === 1 ? 'abuse.warning' : 'abuse.calm') };
}

function outOfScopeResult(hits: readonly LexiconHit[], lang: Language, ineCode: string | undefined): ModerationResult | undefined {
  const candidates = hits.filter((h) => h.entry.section.startsWith('out_of_scope.'));
  if (candidates.length === 0) return undefined;
  // The longest phrase is the most specific ("pensión alimenticia" is legal, not a Social Security pension).
  const rank = (h: LexiconHit) => {
    const topic = h.entry.section.slice('out_of_scope.'.length).split(':')[0] ?? '';
    return (h.end - h.start) * 10 + (OUT_OF_SCOPE_ORDER.length - OUT_OF_SCOPE_ORDER.indexOf(topic as (typeof OUT_OF_SCOPE_ORDER)[number]));
  };
  const best = [...candidates].sort((a, b) => rank(b) - rank(a))[0];
  if (!best) return undefined;
  const [topicName = '', referralName = ''] = best.entry.section.slice('out_of_scope.'.length).split(':');
  switch (topicName) {
    case 'legal':
      return {
        category: 'out_of_scope',
        topic: 'legal',
        reply: replyFor(lang, 'out_of_scope.legal', { name: LEGAL_DESTINATION.name[lang], url: LEGAL_DESTINATION.url }, [websiteLink(lang, LEGAL_DESTINATION)]),
      };
    case 'medical': {
      const health = destinationFor('health_service', ineCode);
      return {
        category: 'out_of_scope',
        topic: 'medical',
        reply: replyFor(lang, 'out_of_scope.medical', { name: health.name[lang], url: health.url }, [websiteLink(lang, health), ...callLinks(lang, ['112'])]),
      };
    }
    case 'political':
      return { category: 'out_of_scope', topic: 'political', reply: replyFor(lang, 'out_of_scope.political') };
    case 'other_administration': {
      if (!isReferral(referralName)) throw new Error(`moderation lexicon ${best.entry.file}:${best.entry.line}: unknown referral "${referralName}"`);
      const destination = destinationFor(referralName, ineCode);
      return {
        category: 'out_of_scope',
        topic: 'other_administration',
        referral: referralName,
        reply: replyFor(lang, 'out_of_scope.other_administration', { name: destination.name[lang], url: destination.url }, [websiteLink(lang, destination)]),
      };
    }
    default:
      throw new Error(`moderation lexicon ${best.entry.file}:${best.entry.line}: unknown section "${best.entry.section}"`);
  }
}

/**
 * Classifies one citizen message and, unless it is `ok`, gives the reply to show. Crisis wins over
 * everything, then abuse, then out of scope.
 */
export function moderate(text: string, options: ModerateOptions): ModerationResult {
  const { hits } = findHits(moderationTokens(text), loadLexicons());
  const matched = hits.map((h) => `${h.entry.file}:${h.entry.line} ${h.entry.source}`);
  const crisis = crisisResult(hits, options.lang);
  if (crisis) return { ...crisis, matched };
  if (hits.some((h) => h.entry.section === 'abuse')) return { ...abuseResult(options.lang, options.previousAbuse ?? 0), matched };
  // "Para la pensión me piden el padrón" is council business: naming another body is not asking it.
  const isCouncilBusiness = hits.some((h) => h.entry.section === 'in_scope');
  const outOfScope = isCouncilBusiness ? undefined : outOfScopeResult(hits, options.lang, options.ineCode);
  if (outOfScope) return { ...outOfScope, matched };
  return { category: 'ok' };
}

/**
 * Every reply this module can give in `lang` (all abuse levels, crisis kinds, refusals and referrals),
 * for audits: the plain-language and inclusive-language tests run over this list.
 */
export function allModerationReplies(lang: Language, ineCode?: string): { key: string; reply: ModerationReply }[] {
  const out: { key: string; reply: ModerationReply }[] = [];
  for (const level of ['calm', 'warning', 'end'] as const) out.push({ key: `abuse.${level}`, reply: replyFor(lang, `abuse.${level}`) });
  for (const kind of CRISIS_ORDER) out.push({ key: `crisis.${kind}`, reply: replyFor(lang, `crisis.${kind}`, {}, callLinks(lang, ['112', '024', '016'])) });
  out.push({ key: 'out_of_scope.legal', reply: replyFor(lang, 'out_of_scope.legal', { name: LEGAL_DESTINATION.name[lang], url: LEGAL_DESTINATION.url }) });
  const health = destinationFor('health_service', ineCode);
  out.push({ key: 'out_of_scope.medical', reply: replyFor(lang, 'out_of_scope.medical', { name: health.name[lang], url: health.url }) });
  out.push({ key: 'out_of_scope.political', reply: replyFor(lang, 'out_of_scope.political') });
  for (const referral of REFERRALS) {
    const d = destinationFor(referral, ineCode);
    out.push({ key: `out_of_scope.other_administration:${referral}`, reply: replyFor(lang, 'out_of_scope.other_administration', { name: d.name[lang], url: d.url }) });
  }
  return out;
}
