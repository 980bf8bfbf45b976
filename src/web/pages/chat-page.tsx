import { useTranslation } from 'react-i18next';
import { useApp } from '../app-context.tsx';
import { ReadingControls } from '../components/reading-controls.tsx';
import { Chat } from '../features/chat/chat.tsx';
import { useConversation } from '../features/chat/use-conversation.ts';
import { usePageTitle } from '../use-page-title.ts';

export function ChatPage() {
  const { t } = useTranslation('chat');
  const { lang } = useApp();
  usePageTitle(t('title'));
  const conversation = useConversation({ lang, channel: 'web', persist: true });
  return (
    <>
      <ReadingControls />
      <Chat conversation={conversation} lang={lang} headingLevel={1} />
      <p>
        <button type="button" className="button button--ghost" onClick={conversation.reset}>
          {t('restart')}
        </button>
      </p>
    </>
  );
}
