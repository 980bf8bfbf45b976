/**
 * The answers that interrupt or replace a procedure: what moderation stopped (with its links), not understanding,
 * a Q&A answer with its sources, and calling a person.
 */
import type { Language } from '../../../../shared/languages.ts';
import { AppError } from '../../../errors.ts';
import { t } from '../../../i18n.ts';
import type { ModerationResult } from '../../moderation/index.ts';
import type { AskPort, HandoffReason } from '../assistant.ports.ts';
import { card, pushMenu, quick, say, text, tr } from './dialog.text.ts';
import { MISUNDERSTOOD_BELOW, type Turn } from './dialog.types.ts';

/**
 * A message moderation stopped: its reply (and links: emergency numbers, where to go) instead of the dialog.
 * A crisis calls a person at once; the abuse that moderation says ends the chat closes the conversation.
 */
export function answerModeration(turn: Turn, verdict: ModerationResult, lang: Language): void {
  turn.isResolved = false;
  turn.handledAs = `moderation.${verdict.category}`;
  const reply = verdict.reply;
  const links = () => {
    if (!reply?.links?.length) return;
    const title = t(lang, verdict.category === 'crisis' ? 'assistant:help_links.crisis' : 'assistant:help_links.elsewhere');
    turn.replies.push(card({ kind: 'link', title, links: reply.links.map((l) => ({ title: l.label, url: l.url })) }));
  };
  switch (verdict.category) {
    case 'crisis':
      turn.replies.push(text(reply?.text ?? tr(turn, 'crisis'), reply?.easyRead ?? tr(turn, 'crisis_easy')));
      links();
      // A person is called at once, not merely offered: the emergency numbers come first, then the queue.
      requestHandoff(turn, 'crisis');
      turn.handledAs = 'moderation.crisis';
      return;
    case 'abuse':
      turn.state.abuseCount = (turn.state.abuseCount ?? 0) + 1;
      turn.replies.push(text(reply?.text ?? tr(turn, 'abuse')));
      if (verdict.shouldEndConversation) turn.isClosing = true;
      return;
    case 'out_of_scope':
      turn.replies.push(text(reply?.text ?? tr(turn, 'out_of_scope', { phone: turn.ctx.tenant.contact.phone ?? '010' })));
      links();
      return;
    case 'ok':
      return;
  }
}

export function misunderstood(turn: Turn): void {
  turn.isMisunderstood = true;
  turn.isResolved = false;
  turn.handledAs = 'misunderstood';
  turn.state.misunderstandings += 1;
  if (turn.state.misunderstandings >= 2) {
    turn.state.pending = { kind: 'handoff_offer' };
    say(turn, 'offer_person');
    turn.replies.push(quick([{ label: tr(turn, 'offer_person_yes'), payload: 'handoff' }, { label: tr(turn, 'offer_person_no'), payload: 'no' }]));
    return;
  }
  say(turn, 'not_understood');
  pushMenu(turn);
}

export async function answerQuestion(turn: Turn, ask: AskPort | undefined): Promise<void> {
  let answer;
  try {
    answer = ask ? await ask.ask({ question: turn.input.text ?? '', lang: turn.lang, tenantId: turn.ctx.tenant.id }) : undefined;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
  }
  if (!answer) {
    turn.isResolved = false;
    say(turn, 'qa_unavailable');
    offerPerson(turn);
    return;
  }
  const sources = answer.sources.length > 0 ? card({ kind: 'sources', title: tr(turn, 'sources'), links: answer.sources.map((s) => ({ title: s.title, url: s.url })) }) : undefined;
  if (answer.handoffSuggested || answer.confidence < MISUNDERSTOOD_BELOW) {
    turn.isResolved = false;
    say(turn, 'dont_know');
    if (sources) turn.replies.push(sources);
    offerPerson(turn);
    return;
  }
  turn.replies.push(text(answer.answer));
  if (sources) turn.replies.push(sources);
}

function offerPerson(turn: Turn): void {
  turn.replies.push(quick([{ label: tr(turn, 'offer_person_yes'), payload: 'handoff' }]));
}

export function requestHandoff(turn: Turn, reason: HandoffReason): void {
  turn.handoff = reason;
  turn.handledAs = 'handoff.human';
  turn.isResolved = false;
  turn.state.pending = undefined;
  turn.state.misunderstandings = 0;
  turn.replies.push(text(tr(turn, 'handoff_requested', { phone: turn.ctx.tenant.contact.phone ?? '010' }), tr(turn, 'handoff_requested_easy')));
}
