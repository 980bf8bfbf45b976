import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Route, Router, Switch } from 'wouter';
import { isLanguage, type Language } from '../shared/languages.ts';
import { configureApi } from './api.ts';
import { AppContext } from './app-context.tsx';
import type { Boot } from './boot.ts';
import { Layout } from './components/layout.tsx';
import { MyAreaPage } from './features/account/my-area.tsx';
import { SignInPage } from './features/account/signin.tsx';
import { KioskApp } from './features/kiosk/kiosk.tsx';
import { AppointmentPage } from './features/procedures/appointment.tsx';
import { FilingPage, FilingStatusPage } from './features/procedures/filing.tsx';
import { PadronPage } from './features/procedures/padron.tsx';
import { PaymentResultPage, PayPage } from './features/procedures/pay.tsx';
import { WidgetDemoPage } from './pages/widget-demo.tsx';
import { ChatPage } from './pages/chat-page.tsx';
import { ComingSection, NotFoundPage } from './pages/coming.tsx';
import { CouncilHome, CouncilPicker } from './pages/home.tsx';
import { PrefsProvider } from './prefs.tsx';
import { SessionProvider } from './session.tsx';

// The staff console is its own chunk: citizens never download it.
// The observatory and the staff console are their own chunks: citizens never download them.
const ObservatoryApp = lazy(() => import('./features/observatory/observatory-app.tsx').then((m) => ({ default: m.ObservatoryApp })));
const StaffApp = lazy(() => import('./features/staff/staff-app.tsx').then((m) => ({ default: m.StaffApp })));

export function App({ boot }: { boot: Boot }) {
  const { i18n } = useTranslation('web');
  const [lang, setLang] = useState<Language>(isLanguage(i18n.language) ? i18n.language : boot.lang);
  configureApi({ basePath: boot.basePath });
  useEffect(() => {
    const onChange = (l: string) => {
      if (isLanguage(l)) setLang(l);
    };
    i18n.on('languageChanged', onChange);
    return () => i18n.off('languageChanged', onChange);
  }, [i18n]);
  const ctx = { boot, lang, timeZone: boot.tenant?.timeZone ?? 'Europe/Madrid' };
  return (
    <Router base={boot.basePath}>
      <AppContext.Provider value={ctx}>
        <Switch>
          {/* The kiosk has its own chrome, session and wipe; it never shares the citizen layout. */}
          <Route path="/kiosk/:kioskId">{(p) => <KioskApp boot={boot} lang={lang} kioskId={p.kioskId} />}</Route>
          <Route>
            <PrefsProvider persist>
              <SessionProvider>
                <Layout boot={boot} lang={lang}>
                  <Switch>
                    <Route path="/">{boot.tenant ? <CouncilHome boot={boot} lang={lang} /> : <CouncilPicker boot={boot} lang={lang} />}</Route>
                    <Route path="/chat" component={ChatPage} />
                    <Route path="/signin" component={SignInPage} />
                    <Route path="/my" component={MyAreaPage} />
                    <Route path="/procedures/padron" component={PadronPage} />
                    <Route path="/procedures/appointment" component={AppointmentPage} />
                    <Route path="/procedures/pay" component={PayPage} />
                    <Route path="/procedures/filing">{() => <FilingPage />}</Route>
                    <Route path="/procedures/filing-status" component={FilingStatusPage} />
                    <Route path="/payments/:id">{(p) => <PaymentResultPage id={p.id} />}</Route>
                    <Route path="/widget-demo" component={WidgetDemoPage} />
                    <Route path="/kiosk">
                      <ComingSection area="kiosk" />
                    </Route>
                    <Route path="/staff/*?">{() => <Suspense fallback={null}><StaffApp /></Suspense>}</Route>
                    <Route path="/observatory" nest>
                      <Suspense fallback={null}>
                        <ObservatoryApp />
                      </Suspense>
                    </Route>
                    <Route>
                      <NotFoundPage />
                    </Route>
                  </Switch>
                </Layout>
              </SessionProvider>
            </PrefsProvider>
          </Route>
        </Switch>
      </AppContext.Provider>
    </Router>
  );
}
