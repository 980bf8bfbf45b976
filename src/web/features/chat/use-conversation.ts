import { useCallback, useRef, useState } from 'react';
import type { Language } from '../../../shared/languages.ts';
import { ApiError, client, ok } from '../../api.ts';
import type { ChatMessage } from './chat-types.ts';

export type ChatStatus = 'idle' | 'sending' | 'error';

const STORE_KEY = 'conversation';

interface Stored {
  id: string;
  /** The conversation's owner token: the server's cookie is scoped to /api/v1/conversations, which the
   * council's /t/<id> prefix does not match, so the token travels as x-conversation-token. */
  token: string;
  messages: ChatMessage[];
}

function loadStored(persist: boolean): Stored | null {
  if (!persist) return null;
  try {
    const raw = sessionStorage.getItem(STORE_KEY);
    return raw ? (JSON.parse(raw) as Stored) : null;
  } catch {
    return null;
  }
}

let seq = 0;
const nextId = () => `m${Date.now().toString(36)}${(seq++).toString(36)}`;

/**
 * One conversation with the assistant. The citizen page keeps it for the tab (sessionStorage) so a reload
 * does not lose the thread; the kiosk keeps it only in memory.
 */
export function useConversation(opts: { lang: Language; channel: 'web' | 'kiosk'; persist: boolean }) {
  const stored = useRef(loadStored(opts.persist));
  const [conversationId, setConversationId] = useState<string | null>(stored.current?.id ?? null);
  const [messages, setMessages] = useState<ChatMessage[]>(stored.current?.messages ?? []);
  const [status, setStatus] = useState<ChatStatus>('idle');
  const [error, setError] = useState<string | null>(null);
  const idRef = useRef(conversationId);
  const tokenRef = useRef(stored.current?.token ?? '');
  const tokenHeader = (): Record<string, string> => (tokenRef.current ? { 'x-conversation-token': tokenRef.current } : {});

  const save = useCallback(
    (id: string | null, msgs: ChatMessage[]) => {
      if (!opts.persist) return;
      try {
        if (id) sessionStorage.setItem(STORE_KEY, JSON.stringify({ id, token: tokenRef.current, messages: msgs.slice(-100) }));
      } catch {
        // Storage full or disabled: the thread still works in memory.
      }
    },
    [opts.persist],
  );

  const ensureConversation = useCallback(async (): Promise<string> => {
    if (idRef.current) return idRef.current;
    const created = await ok(client.POST('/api/v1/conversations', { body: { lang: opts.lang, channel: opts.channel } }));
    idRef.current = created.id;
    tokenRef.current = created.token ?? '';
    setConversationId(created.id);
    const welcome = created.replies;
    if (welcome.length) setMessages((cur) => [{ id: nextId(), from: 'assistant', replies: welcome }, ...cur]);
    return created.id;
  }, [opts.lang, opts.channel]);

  const send = useCallback(
    async (input: { text: string; label?: string } | { action: string; label: string }) => {
      const userText = 'text' in input ? input.text : input.label;
      const mine: ChatMessage = { id: nextId(), from: 'user', replies: [{ type: 'text', text: userText }] };
      setMessages((cur) => [...cur, mine]);
      setStatus('sending');
      setError(null);
      try {
        const id = await ensureConversation();
        const body = 'action' in input ? { action: input.action } : { text: input.text };
        const { replies } = await ok(client.POST('/api/v1/conversations/{id}/messages', { params: { path: { id } }, body, headers: tokenHeader() }));
        const theirs: ChatMessage = { id: nextId(), from: 'assistant', replies };
        setMessages((cur) => {
          const all = [...cur, theirs];
          save(id, all);
          return all;
        });
        setStatus('idle');
        return theirs;
      } catch (err) {
        setStatus('error');
        setError(err instanceof ApiError ? err.message : null);
        return null;
      }
    },
    [ensureConversation, save],
  );

  const reset = useCallback(() => {
    idRef.current = null;
    tokenRef.current = '';
    setConversationId(null);
    setMessages([]);
    setStatus('idle');
    setError(null);
    try {
      sessionStorage.removeItem(STORE_KEY);
    } catch {
      // nothing stored
    }
  }, []);

  return { conversationId, messages, status, error, send, reset };
}
