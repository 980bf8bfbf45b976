import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { useApp } from '../../app-context.tsx';
import { ErrorAlert, Loading } from '../../components/form-bits.tsx';
import { formatDateTime } from '../../format.ts';
import { useGet } from '../../use-api.ts';
import { usePageTitle } from '../../use-page-title.ts';
import { obsApi } from './obs-api.ts';
import { FLAG_REASONS } from './obs-data.ts';
import { RequireOfficer } from './obs-session.tsx';
import type { FlagView } from './obs-types.ts';

type Decision = 'upheld' | 'dismissed';
/** How much of a flagged post the queue shows (characters); the thread has the rest. */
const EXCERPT = 300;

const excerpt = (md: string) => (md.length > EXCERPT ? `${md.slice(0, EXCERPT).trimEnd()}…` : md);

/** One report with its two decisions, each asked again before it is sent. */
function FlagItem({ flag, onDecided, onError }: { flag: FlagView; onDecided: (f: FlagView, d: Decision) => void; onError: (e: unknown) => void }) {
  const { t } = useTranslation('observatory-web');
  const { lang, timeZone } = useApp();
  const [pending, setPending] = useState<Decision | null>(null);
  const [isSending, setSending] = useState(false);
  const confirmRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (pending) confirmRef.current?.focus();
  }, [pending]);
  const headingId = `flag-${flag.id}-title`;
  const reason = (FLAG_REASONS as readonly string[]).includes(flag.reason) ? t(`flag_reasons.${flag.reason}`) : flag.reason;
  const send = async (decision: Decision) => {
    setSending(true);
    try {
      await obsApi(`/api/v1/forum/moderation/flags/${flag.id}`, { body: { decision } });
      onDecided(flag, decision);
    } catch (err) {
      onError(err);
      setPending(null);
    } finally {
      setSending(false);
    }
  };
  return (
    <li className="card obs-flag-item">
      <article aria-labelledby={headingId}>
        <h3 id={headingId}>{t('moderation.item_title', { title: flag.threadTitle })}</h3>
        <dl className="obs-dl">
          <dt>{t('moderation.reason')}</dt>
          <dd>{reason}{flag.note ? ` — ${flag.note}` : ''}</dd>
          <dt>{t('moderation.flagged_by')}</dt>
          <dd>{flag.reporter.displayName} (@{flag.reporter.handle})</dd>
          <dt>{t('moderation.when')}</dt>
          <dd><time dateTime={flag.createdAt}>{formatDateTime(flag.createdAt, lang, timeZone)}</time></dd>
          <dt>{t('moderation.author')}</dt>
          <dd>{flag.postAuthor.displayName} (@{flag.postAuthor.handle})</dd>
        </dl>
        <h4 className="visually-hidden">{t('moderation.excerpt')}</h4>
        <blockquote className="obs-flag-item__excerpt"><p>{excerpt(flag.bodyMd)}</p></blockquote>
        {flag.isPostHidden ? <p className="notice">{t('forum.hidden')}</p> : null}
        <p><Link href={`/forum/t/${flag.threadId}`}>{t('moderation.open_thread', { title: flag.threadTitle })}</Link></p>
        {pending ? (
          <div className="obs-confirm" role="group" aria-labelledby={`${headingId}-confirm`}>
            <p id={`${headingId}-confirm`} tabIndex={-1} ref={confirmRef}>
              <strong>{t(pending === 'upheld' ? 'moderation.confirm_hide' : 'moderation.confirm_dismiss')}</strong>
            </p>
            <div className="button-row">
              <button type="button" className="button" disabled={isSending} onClick={() => void send(pending)}>
                {t(pending === 'upheld' ? 'moderation.yes_hide' : 'moderation.yes_dismiss')}
              </button>
              <button type="button" className="button button--ghost" disabled={isSending} onClick={() => setPending(null)}>{t('moderation.cancel')}</button>
            </div>
          </div>
        ) : (
          <div className="button-row">
            <button type="button" className="button" onClick={() => setPending('upheld')} aria-label={t('moderation.hide_named', { title: flag.threadTitle, name: flag.postAuthor.displayName })}>
              {t('moderation.hide')}
            </button>
            <button type="button" className="button button--secondary" onClick={() => setPending('dismissed')} aria-label={t('moderation.dismiss_named', { title: flag.threadTitle, name: flag.postAuthor.displayName })}>
              {t('moderation.dismiss')}
            </button>
          </div>
        )}
      </article>
    </li>
  );
}

function ModerationQueue() {
  const { t } = useTranslation('observatory-web');
  const queue = useGet('/api/v1/forum/moderation/flags');
  const [status, setStatus] = useState('');
  const [error, setError] = useState<unknown>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const decided = (f: FlagView, d: Decision) => {
    setError(null);
    setStatus(t(d === 'upheld' ? 'moderation.hidden_done' : 'moderation.dismissed_done', { title: f.threadTitle }));
    queue.reload();
    // The decided item disappears: keep the keyboard in the page.
    headingRef.current?.focus();
  };
  return (
    <>
      <p className="lead">{t('moderation.intro')}</p>
      <p role="status" className="obs-status">{status}</p>
      <ErrorAlert error={queue.error ?? error} />
      <h2 className="visually-hidden" tabIndex={-1} ref={headingRef}>{t('moderation.queue', { count: queue.data?.length ?? 0 })}</h2>
      {queue.isLoading && !queue.data ? <Loading /> : null}
      {queue.data && queue.data.length === 0 ? <p>{t('moderation.empty')}</p> : null}
      {queue.data && queue.data.length > 0 ? (
        <ul className="card-list obs-flag-list" aria-label={t('moderation.queue', { count: queue.data.length })}>
          {queue.data.map((f) => <FlagItem key={f.id} flag={f} onDecided={decided} onError={setError} />)}
        </ul>
      ) : null}
    </>
  );
}

/** The forum's moderation queue: open reports, oldest first, for moderators. */
export function ModerationPage() {
  const { t } = useTranslation('observatory-web');
  usePageTitle(t('moderation.title'));
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('moderation.title')}</h1>
      <RequireOfficer>
        {(a) => (a.role === 'moderator' ? <ModerationQueue /> : <p className="notice" role="note">{t('moderation.moderators_only')}</p>)}
      </RequireOfficer>
    </section>
  );
}
