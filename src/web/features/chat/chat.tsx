import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../../shared/languages.ts';
import { usePrefs } from '../../prefs.tsx';
import { CardView } from './card-view.tsx';
import { spokenText, type ChatMessage } from './chat-types.ts';
import type { useConversation } from './use-conversation.ts';

type Conversation = ReturnType<typeof useConversation>;

/**
 * The conversation: a log (role="log", aria-live="polite") so screen readers announce each new reply once,
 * quick replies as real buttons, cards with their actions, and a labelled composer.
 */
export function Chat({ conversation, lang, onSpeak, headingLevel = 2 }: { conversation: Conversation; lang: Language; onSpeak?: (text: string) => void; headingLevel?: 2 | 1 }) {
  const { t } = useTranslation('chat');
  const { isEasyRead } = usePrefs();
  const [text, setText] = useState('');
  const inputId = useId();
  const logRef = useRef<HTMLDivElement>(null);
  const { messages, status, error, send } = conversation;
  const last = messages[messages.length - 1];

  useEffect(() => {
    const el = logRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const value = text.trim();
    if (!value || status === 'sending') return;
    setText('');
    void send({ text: value });
  };

  const Heading = headingLevel === 1 ? 'h1' : 'h2';
  return (
    <section className="chat" aria-labelledby={`${inputId}-title`}>
      <Heading id={`${inputId}-title`}>{t('title')}</Heading>
      <div className="chat__log" role="log" aria-live="polite" aria-relevant="additions" aria-label={t('log_label')} ref={logRef} tabIndex={0}>
        {messages.length === 0 ? <p className="chat__empty">{t('empty')}</p> : null}
        {messages.map((m) => (
          <MessageView key={m.id} message={m} isLast={m === last} isEasyRead={isEasyRead} disabled={status === 'sending'} onSpeak={onSpeak} lang={lang} onQuick={(label, payload) => void send({ action: payload, label })} />
        ))}
      </div>
      <p className="chat__status" role="status">
        {status === 'sending' ? t('sending') : ''}
      </p>
      {status === 'error' ? (
        <p className="error" role="alert">
          {error ?? t('error')}
        </p>
      ) : null}
      <form className="chat__composer" onSubmit={submit}>
        <label htmlFor={inputId}>{t('input_label')}</label>
        <div className="chat__composer-row">
          <input id={inputId} type="text" value={text} autoComplete="off" enterKeyHint="send" maxLength={2000} onChange={(e) => setText(e.target.value)} />
          <button type="submit" className="button" disabled={status === 'sending'}>
            {t('send')}
          </button>
        </div>
      </form>
    </section>
  );
}

function MessageView({ message, isLast, isEasyRead, disabled, onSpeak, onQuick }: { message: ChatMessage; isLast: boolean; isEasyRead: boolean; disabled: boolean; lang: Language; onSpeak?: ((text: string) => void) | undefined; onQuick: (label: string, payload: string) => void }) {
  const { t } = useTranslation('chat');
  const mine = message.from === 'user';
  return (
    <div className={`chat__msg chat__msg--${message.from}`}>
      <p className="visually-hidden">{mine ? t('you_said') : t('assistant_said')}</p>
      {message.replies.map((r, i) => {
        if (r.type === 'text') return <p key={i}>{isEasyRead && r.easyRead ? r.easyRead : r.text}</p>;
        if (r.type === 'card') return <CardView key={i} card={r.card} />;
        // Quick replies stay visible as a record but only the latest ones can be pressed.
        return (
          <ul key={i} className="quick-replies" aria-label={t('quick_replies')}>
            {r.options.map((o) => (
              <li key={o.payload}>
                <button type="button" className="button button--secondary" disabled={!isLast || disabled} onClick={() => onQuick(o.label, o.payload)}>
                  {o.label}
                </button>
              </li>
            ))}
          </ul>
        );
      })}
      {!mine && onSpeak ? (
        <button type="button" className="button button--ghost" onClick={() => onSpeak(spokenText(message.replies, isEasyRead))}>
          {t('read_aloud')}
        </button>
      ) : null}
    </div>
  );
}
