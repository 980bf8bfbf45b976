import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiResponse } from '../../../shared/api/contract.ts';
import type { Language } from '../../../shared/languages.ts';
import { ApiError, client, ok } from '../../api.ts';
import { AppContext, useApp } from '../../app-context.tsx';
import { localized, type Boot } from '../../boot.ts';
import { Loading } from '../../components/form-bits.tsx';
import { LanguageSwitch } from '../../components/language-switch.tsx';
import { ReadingControls } from '../../components/reading-controls.tsx';
import { PrefsProvider, usePrefs } from '../../prefs.tsx';
import { SessionProvider, useSession } from '../../session.tsx';
import { usePageTitle } from '../../use-page-title.ts';
import { InlineSignIn, RequireCitizen } from '../account/signin.tsx';
import { Chat } from '../chat/chat.tsx';
import { spokenText } from '../chat/chat-types.ts';
import { useConversation } from '../chat/use-conversation.ts';
import { AppointmentPage } from '../procedures/appointment.tsx';
import { FilingForm } from '../procedures/filing.tsx';
import { PadronPage } from '../procedures/padron.tsx';
import { PayPage } from '../procedures/pay.tsx';
import { CameraCapture } from './camera.tsx';
import { useIdle } from './idle.ts';
import { beep, speak, stopSpeaking } from './speech.ts';
import { wipeKiosk } from './wipe.ts';

type KioskSelf = ApiResponse<'/api/v1/kiosks/me'>;
type Screen = 'home' | 'chat' | 'padron' | 'appointment' | 'pay' | 'filing';

/** /kiosk/<id>: the council's cyberkiosk. First visit with ?token= registers the device. */
export function KioskApp({ boot, lang, kioskId }: { boot: Boot; lang: Language; kioskId: string }) {
  const { t } = useTranslation('kiosk');
  const [kiosk, setKiosk] = useState<KioskSelf | null>(null);
  const [problem, setProblem] = useState<'not_registered' | 'error' | null>(null);
  useEffect(() => {
    const params = new URLSearchParams(location.search);
    const token = params.get('token');
    const run = async () => {
      try {
        if (token) {
          const self = await ok(client.POST('/api/v1/kiosks/activate', { body: { kioskId, token } }));
          // The secret must not stay in the address bar, the history or a screenshot.
          params.delete('token');
          const rest = params.toString();
          history.replaceState(null, '', `${location.pathname}${rest ? `?${rest}` : ''}`);
          setKiosk(self);
        } else {
          setKiosk(await ok(client.GET('/api/v1/kiosks/me')));
        }
      } catch (err) {
        setProblem(err instanceof ApiError && (err.status === 401 || err.status === 403 || err.status === 404) ? 'not_registered' : 'error');
      }
    };
    void run();
  }, [kioskId]);
  const tz = boot.tenant?.timeZone ?? 'Europe/Madrid';
  if (problem || !kiosk) {
    return (
      <main id="main" className="kiosk kiosk--plain">
        <h1>{t('title')}</h1>
        {problem ? (
          <p className="alert alert--error" role="alert">
            {t(problem === 'not_registered' ? 'not_registered' : 'error')}
          </p>
        ) : (
          <Loading />
        )}
      </main>
    );
  }
  return (
    <AppContext.Provider value={{ boot, lang, timeZone: tz }}>
      <PrefsProvider persist={false}>
        <SessionProvider>
          <InlineSignIn.Provider value>
            <KioskShell kiosk={kiosk} />
          </InlineSignIn.Provider>
        </SessionProvider>
      </PrefsProvider>
    </AppContext.Provider>
  );
}

function KioskShell({ kiosk }: { kiosk: KioskSelf }) {
  const { t } = useTranslation('kiosk');
  const { boot, lang } = useApp();
  const prefs = usePrefs();
  const session = useSession();
  const [screen, setScreen] = useState<Screen>('home');
  const [isAutoRead, setAutoRead] = useState(false);
  const [isSound, setSound] = useState(true);
  const [flash, setFlash] = useState('');
  const [captured, setCaptured] = useState<File[]>([]);
  const conversation = useConversation({ lang, channel: 'kiosk', persist: false });
  const startUrl = `${boot.basePath}/kiosk/${encodeURIComponent(kiosk.id)}`;
  const isBusy = conversation.messages.length > 0 || session.me !== null || screen !== 'home' || captured.length > 0;
  const wipe = useCallback(() => {
    session.forget();
    void wipeKiosk(startUrl);
  }, [session, startUrl]);
  const idle = useIdle(wipe, isBusy);
  const mainRef = useRef<HTMLElement>(null);
  const council = boot.tenant ? localized(boot.tenant.names, lang, boot.tenant.defaultLanguage) : '';
  usePageTitle(`${t(`screen.${screen}`)} · ${localized(kiosk.names, lang)}`);

  // Heartbeat: the staff fleet view sees the kiosk alive and when it was last used.
  const beat = useRef({ lang, screen, lastActivity: idle.lastActivity });
  beat.current = { lang, screen, lastActivity: idle.lastActivity };
  useEffect(() => {
    // One timer for the kiosk's life; it reads the current values through the ref when it fires.
    const send = () => {
      const b = beat.current;
      const info = { lang: b.lang, screen: b.screen, userAgent: navigator.userAgent.slice(0, 200) };
      void ok(client.POST('/api/v1/kiosks/heartbeat', { body: { lastActivityAt: b.lastActivity().toISOString(), info } })).catch(() => undefined);
    };
    send();
    const timer = window.setInterval(send, kiosk.heartbeatMs || 30_000);
    return () => window.clearInterval(timer);
  }, [kiosk.heartbeatMs]);

  // New assistant message: a visual banner, a tone, and the text read aloud when asked.
  const lastCount = useRef(0);
  useEffect(() => {
    const msgs = conversation.messages;
    if (msgs.length <= lastCount.current) {
      lastCount.current = msgs.length;
      return;
    }
    lastCount.current = msgs.length;
    const last = msgs[msgs.length - 1];
    if (last?.from !== 'assistant') return;
    setFlash(t('signal.new_message'));
    if (isSound) beep('message');
    if (isAutoRead) void speak(spokenText(last.replies, prefs.isEasyRead), lang);
    const timer = window.setTimeout(() => setFlash(''), 4000);
    return () => window.clearTimeout(timer);
  }, [conversation.messages, isAutoRead, isSound, lang, prefs.isEasyRead, t]);

  useEffect(() => {
    if (idle.secondsLeft !== null && isSound) beep('warning');
    // Only when the warning first appears.
  }, [idle.secondsLeft !== null]);

  const go = (s: Screen) => {
    stopSpeaking();
    setScreen(s);
    mainRef.current?.focus();
  };
  const callStaff = () => {
    go('chat');
    void conversation.send({ text: t('call_staff_message') });
  };

  return (
    <div className="kiosk">
      <header className="kiosk__header">
        <div className="kiosk__brand">
          <p className="kiosk__council">{council}</p>
          <p className="kiosk__name">{localized(kiosk.names, lang)}</p>
        </div>
        <LanguageSwitch languages={boot.tenant?.languages ?? ['es', 'ca', 'en']} current={lang} />
      </header>
      <div className="kiosk__tools" role="toolbar" aria-label={t('tools')}>
        <ReadingControls showContrast />
        <button type="button" className="button button--secondary" aria-pressed={isAutoRead} onClick={() => setAutoRead(!isAutoRead)}>
          {t('auto_read')}
        </button>
        <button type="button" className="button button--secondary" aria-pressed={isSound} onClick={() => setSound(!isSound)}>
          {t('sound')}
        </button>
        <button type="button" className="button button--secondary" onClick={() => void speak(mainRef.current?.innerText ?? '', lang)}>
          {t('read_screen')}
        </button>
      </div>
      <p className={`kiosk__signal${flash ? ' kiosk__signal--on' : ''}`} aria-hidden="true">
        {flash}
      </p>
      <main id="main" className="kiosk__main" tabIndex={-1} ref={mainRef}>
        {screen !== 'home' ? (
          <button type="button" className="button button--ghost kiosk__back" onClick={() => go('home')}>
            {t('back_home')}
          </button>
        ) : null}
        {screen === 'home' ? <KioskHome onGo={go} /> : null}
        {screen === 'chat' ? <Chat conversation={conversation} lang={lang} headingLevel={1} onSpeak={(text) => void speak(text, lang)} /> : null}
        {screen === 'padron' ? <PadronPage /> : null}
        {screen === 'appointment' ? <AppointmentPage /> : null}
        {screen === 'pay' ? <PayPage /> : null}
        {screen === 'filing' ? (
          <KioskFiling captured={captured} onCapture={(f) => setCaptured((cur) => [...cur, f])} />
        ) : null}
      </main>
      <footer className="kiosk__footer">
        <button type="button" className="button button--call" onClick={callStaff}>
          {t('call_staff')}
        </button>
        <button type="button" className="button button--finish" onClick={wipe}>
          {t('finish')}
        </button>
      </footer>
      {idle.secondsLeft !== null ? <IdleDialog secondsLeft={idle.secondsLeft} onStay={idle.stillHere} onFinish={wipe} /> : null}
    </div>
  );
}

function KioskHome({ onGo }: { onGo: (s: Screen) => void }) {
  const { t } = useTranslation('kiosk');
  const items: [Screen, string][] = [
    ['chat', t('home.chat')],
    ['padron', t('home.padron')],
    ['appointment', t('home.appointment')],
    ['pay', t('home.pay')],
    ['filing', t('home.filing')],
  ];
  return (
    <>
      <h1>{t('home.title')}</h1>
      <p className="lead">{t('home.intro')}</p>
      <ul className="kiosk__grid">
        {items.map(([s, label]) => (
          <li key={s}>
            <button type="button" className="kiosk__tile" onClick={() => onGo(s)}>
              {label}
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}

function KioskFiling({ captured, onCapture }: { captured: File[]; onCapture: (f: File) => void }) {
  const { t } = useTranslation('kiosk');
  const tw = useTranslation('web').t;
  usePageTitle(tw('filing.title'));
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{tw('filing.title')}</h1>
      <RequireCitizen>
        <h2>{t('camera.title')}</h2>
        <p>{t('camera.intro')}</p>
        <CameraCapture onCapture={onCapture} />
        <h2>{t('camera.form_title')}</h2>
        <FilingForm extraFiles={captured} />
      </RequireCitizen>
    </section>
  );
}

function IdleDialog({ secondsLeft, onStay, onFinish }: { secondsLeft: number; onStay: () => void; onFinish: () => void }) {
  const { t } = useTranslation('kiosk');
  const ref = useRef<HTMLDialogElement>(null);
  const stayRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    stayRef.current?.focus();
  }, []);
  return (
    <dialog ref={ref} className="kiosk__dialog" aria-labelledby="idle-title" aria-describedby="idle-text" onCancel={(e) => { e.preventDefault(); onStay(); }}>
      <h2 id="idle-title">{t('idle.title')}</h2>
      <p id="idle-text">{t('idle.text')}</p>
      <p className="kiosk__countdown" role="timer" aria-live="off">
        {t('idle.countdown', { seconds: secondsLeft })}
      </p>
      <div className="button-row">
        <button type="button" ref={stayRef} className="button" onClick={onStay}>
          {t('idle.stay')}
        </button>
        <button type="button" className="button button--secondary" onClick={onFinish}>
          {t('finish')}
        </button>
      </div>
    </dialog>
  );
}
