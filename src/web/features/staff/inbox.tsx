/** The hand-off inbox: waiting conversations, accept, and a live chat over the inbox WebSocket. */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiResponse } from '../../../shared/api/contract.ts';
import { apiUrl, client, ok } from '../../api.ts';
import { useApp } from '../../app-context.tsx';
import { useSession } from '../../session.tsx';
import { ErrorAlert, Loading } from '../../components/form-bits.tsx';
import { formatDateTime } from '../../format.ts';
import { usePageTitle } from '../../use-page-title.ts';
import { useHeadingFocus } from './staff-hooks.ts';

type Inbox = ApiResponse<'/api/v1/handoff/requests'>;
type Item = Inbox['items'][number];
/** One turn of a conversation; the socket's `turn` messages carry the same shape (the WebSocket is not in the contract). */
type Turn = ApiResponse<'/api/v1/handoff/requests/{id}/messages', 'post'>;
type SocketMessage =
  | { type: 'turn'; requestId: number; turn: Turn }
  | { type: 'inbox' }
  | { type: 'watching'; requestId: number }
  | { type: 'error'; code: string };

function socketUrl(): string {
  const u = new URL(apiUrl('/api/v1/handoff/ws'), window.location.href);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.toString();
}

export function InboxPage() {
  const { t } = useTranslation('staff');
  const { lang, timeZone } = useApp();
  const refreshSession = useSession().refresh;
  usePageTitle(t('inbox.title'));
  const heading = useHeadingFocus();
  const [inbox, setInbox] = useState<Inbox | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [active, setActive] = useState<number | null>(null);
  const [turns, setTurns] = useState<Turn[]>([]);
  const [text, setText] = useState('');
  const [status, setStatus] = useState('');
  const socket = useRef<WebSocket | null>(null);
  const activeRef = useRef<number | null>(null);
  const chatInput = useRef<HTMLTextAreaElement>(null);

  const load = useCallback(async () => {
    try {
      setInbox(await ok(client.GET('/api/v1/handoff/requests')));
    } catch (err) {
      setError(err);
    }
  }, []);

  useEffect(() => {
    void load();
    const ws = new WebSocket(socketUrl());
    socket.current = ws;
    ws.onmessage = (ev) => {
      const m = JSON.parse(String(ev.data)) as SocketMessage;
      if (m.type === 'inbox') void load();
      if (m.type === 'turn' && m.requestId === activeRef.current)
        setTurns((prev) => (prev.some((x) => x.seq === m.turn.seq) ? prev : [...prev, m.turn]));
      if (m.type === 'watching') setStatus(t('inbox.live'));
    };
    // 4401: the server ended the socket because the session ended (sign-out elsewhere, expiry, account disabled
    // or role removed). Asking who is signed in again shows the sign-in form instead of a dead inbox.
    ws.onclose = (ev) => {
      if (ev.code === 4401) void refreshSession();
    };
    return () => ws.close();
  }, [load, t, refreshSession]);

  // Keyboard users land in the message box as soon as a conversation opens.
  useEffect(() => {
    if (active) chatInput.current?.focus();
  }, [active]);

  const watch = (requestId: number, after: number) => {
    const ws = socket.current;
    const msg = JSON.stringify({ type: 'watch', requestId, after });
    if (ws?.readyState === WebSocket.OPEN) ws.send(msg);
    else ws?.addEventListener('open', () => ws.send(msg), { once: true });
  };

  const open = async (item: Item, isAccepting: boolean) => {
    setError(null);
    try {
      const params = { path: { id: item.id } };
      const res = isAccepting
        ? await ok(client.POST('/api/v1/handoff/requests/{id}/accept', { params }))
        : await ok(client.GET('/api/v1/handoff/requests/{id}/transcript', { params }));
      await load();
      activeRef.current = item.id;
      setActive(item.id);
      setTurns(res.turns);
      watch(item.id, res.turns.at(-1)?.seq ?? 0);
    } catch (err) {
      setError(err);
      void load();
    }
  };

  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (!active || !text.trim()) return;
    try {
      const turn = await ok(client.POST('/api/v1/handoff/requests/{id}/messages', { params: { path: { id: active } }, body: { text } }));
      setTurns((prev) => (prev.some((x) => x.seq === turn.seq) ? prev : [...prev, turn]));
      setText('');
    } catch (err) {
      setError(err);
    }
  };

  const close = async () => {
    if (!active) return;
    try {
      await ok(client.POST('/api/v1/handoff/requests/{id}/close', { params: { path: { id: active } } }));
      activeRef.current = null;
      setActive(null);
      setTurns([]);
      setStatus(t('inbox.closed'));
      void load();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-labelledby="inbox-title">
      <h1 id="inbox-title" tabIndex={-1} ref={heading}>
        {t('inbox.title')}
      </h1>
      <ErrorAlert error={error} />
      <p role="status" className="visually-hidden">
        {status}
      </p>
      {inbox ? (
        <>
          <p className="notice">
            {inbox.officeHours.isOpen ? t('inbox.open_now') : (inbox.officeHours.message ?? t('inbox.closed_now'))}{' '}
            {inbox.officeHours.hours.map((h) => `${h.days.join(', ')} ${h.open}–${h.close}`).join('; ')}
          </p>
          <h2>{t('inbox.waiting')}</h2>
          {inbox.items.length === 0 ? <p>{t('inbox.empty')}</p> : null}
          <ul className="item-list">
            {inbox.items.map((item) => (
              <li key={item.id} className="card">
                <p>
                  <strong>{t('inbox.request', { id: item.id })}</strong> · {t(`inbox.reason.${item.reason}`)} ·{' '}
                  {t(`inbox.channel.${item.channel}`)}
                  {item.kioskId ? ` (${item.kioskId})` : ''} · {item.language ?? ''} ·{' '}
                  {formatDateTime(item.waitingSince, lang, timeZone)}
                </p>
                {item.status === 'queued' ? (
                  <button type="button" className="button" onClick={() => void open(item, true)}>
                    {t('inbox.accept', { id: item.id })}
                  </button>
                ) : item.isMine ? (
                  <button type="button" className="button button--secondary" onClick={() => void open(item, false)}>
                    {t('inbox.open', { id: item.id })}
                  </button>
                ) : (
                  <p>{t('inbox.taken_by', { name: item.acceptedByName ?? '' })}</p>
                )}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <Loading />
      )}
      {active ? (
        <section aria-labelledby="chat-title" className="staff-chat">
          <h2 id="chat-title">{t('inbox.chat_title', { id: active })}</h2>
          <div role="log" aria-live="polite" aria-label={t('inbox.transcript')}>
            <ol className="item-list">
              {turns.map((turn) => (
                <li key={turn.seq} className={`turn turn--${turn.role}`}>
                  <strong>{t(`inbox.role.${turn.role}`)}:</strong> {turn.text}
                </li>
              ))}
            </ol>
          </div>
          <form className="form" onSubmit={(e) => void send(e)}>
            <label htmlFor="chat-text">{t('inbox.message')}</label>
            <textarea
              id="chat-text"
              ref={chatInput}
              rows={3}
              value={text}
              onChange={(e) => setText(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && !e.shiftKey) {
                  e.preventDefault();
                  void send(e);
                }
              }}
            />
            <p className="field__hint">{t('inbox.enter_hint')}</p>
            <div className="button-row">
              <button type="submit" className="button">
                {t('inbox.send')}
              </button>
              <button type="button" className="button button--secondary" onClick={() => void close()}>
                {t('inbox.close')}
              </button>
            </div>
          </form>
        </section>
      ) : null}
    </section>
  );
}
