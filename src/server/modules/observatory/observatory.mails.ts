/**
 * The observatory's e-mails: verification, "someone registered your address again" and the daily digest. Their HTML is
 * built with the escaping html`` template (a display name or a project title cannot inject markup).
 */
import { html } from '../../http/html.ts';
import { t } from '../../i18n.ts';
import type { Language } from '../../../shared/languages.ts';
import type { DigestRow, NotificationRow } from './notifications.repository.ts';
import type { Account } from './observatory.schemas.ts';
import { pickText } from './observatory.text.ts';
import type { Mail } from './observatory.types.ts';

/** The e-mail to an existing account when someone registers its address again (in the owner's language). */
export function registrationAttemptMail(publicUrl: string, account: Account): Mail {
  const lang = account.language;
  const link = `${publicUrl}/observatory/signin`;
  const subject = t(lang, 'observatory:mail.register_again_subject');
  const body = t(lang, 'observatory:mail.register_again_body');
  return { to: account.email, subject, text: `${body}\n${link}\n`, html: html`<p>${body}</p><p><a href="${link}">${link}</a></p>`.value };
}

/** The verification e-mail for a new account. */
export function verificationMail(publicUrl: string, account: Account, token: string): Mail {
  const link = `${publicUrl}/observatory/verify?token=${encodeURIComponent(token)}`;
  const subject = { es: 'Confirma tu correo en el Observatorio', ca: 'Confirma el teu correu a l\'Observatori', en: 'Confirm your e-mail for the Observatory' }[account.language];
  const body = { es: 'Abre este enlace para confirmar tu cuenta:', ca: 'Obri este enllaç per a confirmar el teu compte:', en: 'Open this link to confirm your account:' }[account.language];
  return { to: account.email, subject, text: `${body}\n${link}\n`, html: html`<p>${body}</p><p><a href="${link}">${link}</a></p>`.value };
}

/** One account's digest of unread notifications (all rows are the same account's); undefined for none. */
export function digestMail(publicUrl: string, list: readonly DigestRow[]): Mail | undefined {
  const first = list[0];
  if (!first) return undefined;
  const lang = first.language;
  const lines = list.map((n) => digestLine(n, lang, publicUrl));
  const subject = {
    es: `Observatorio: ${list.length} novedades`, ca: `Observatori: ${list.length} novetats`, en: `Observatory: ${list.length} updates`,
  }[lang];
  const hello = { es: `Hola, ${first.display_name}:`, ca: `Hola, ${first.display_name}:`, en: `Hello ${first.display_name},` }[lang];
  const optOut = {
    es: `Para dejar de recibir este resumen, desmarca la casilla en ${publicUrl}/observatory/me`,
    ca: `Per a deixar de rebre este resum, desmarca la casella en ${publicUrl}/observatory/me`,
    en: `To stop receiving this digest, untick the box at ${publicUrl}/observatory/me`,
  }[lang];
  return {
    to: first.email, subject,
    text: `${hello}\n\n${lines.map((l) => `- ${l.text} ${l.url}`).join('\n')}\n\n${optOut}\n`,
    html: html`<p>${hello}</p><ul>${lines.map((l) => html`<li><a href="${l.url}">${l.text}</a></li>`)}</ul><p>${optOut}</p>`.value,
  };
}

const DIGEST_LABELS: Record<string, Record<Language, string>> = {
  mention: { es: 'Te han mencionado en', ca: 'T\'han mencionat en', en: 'You were mentioned in' },
  reply: { es: 'Nueva respuesta en', ca: 'Nova resposta en', en: 'New reply in' },
  project_thread: { es: 'Nuevo mensaje sobre tu proyecto', ca: 'Nou missatge sobre el teu projecte', en: 'New message about your project' },
  request: { es: 'Nueva solicitud sobre', ca: 'Nova sol·licitud sobre', en: 'New request about' },
  request_status: { es: 'Tu solicitud ha cambiado de estado:', ca: 'La teua sol·licitud ha canviat d\'estat:', en: 'Your request changed status:' },
  project_published: { es: 'Publicado:', ca: 'Publicat:', en: 'Published:' },
  project_rejected: { es: 'Devuelto para revisar:', ca: 'Retornat per a revisar:', en: 'Returned for changes:' },
  project_updated: { es: 'Se ha actualizado un proyecto que sigues:', ca: 'S\'ha actualitzat un projecte que segueixes:', en: 'A project you follow was updated:' },
  project_adopted: { es: 'Otro ayuntamiento ha reutilizado', ca: 'Un altre ajuntament ha reutilitzat', en: 'Another council reused' },
  review_reminder: { es: 'Revisa si sigue vigente:', ca: 'Revisa si continua vigent:', en: 'Please check it is still current:' },
  flag: { es: 'Mensaje denunciado en', ca: 'Missatge denunciat en', en: 'Post flagged in' },
};

function digestLine(n: NotificationRow, lang: Language, base: string): { text: string; url: string } {
  const d = n.data;
  const title = typeof d.title === 'string' ? d.title : pickText((d.title ?? {}), lang).text || (typeof d.threadTitle === 'string' ? d.threadTitle : '');
  const url =
    n.subject_type === 'project' ? `${base}/observatory/projects/${typeof d.slug === 'string' ? d.slug : n.subject_id}`
    : n.subject_type === 'thread' ? `${base}/observatory/forum/t/${n.subject_id}`
    // Requests have no page of their own: the officer answers (or follows) them in the workspace.
    : n.subject_type === 'request' ? `${base}/observatory/me#requests`
    : `${base}/observatory`;
  const label = DIGEST_LABELS[n.kind]?.[lang] ?? n.kind;
  return { text: `${label} ${title}`.trim(), url };
}
