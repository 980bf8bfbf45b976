import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Route, Router, Switch } from 'wouter';
import { isLanguage, type Language } from '../shared/languages.ts';
import type { Boot } from './boot.ts';
import { Layout } from './components/layout.tsx';
import { ComingSection, NotFoundPage } from './pages/coming.tsx';
import { CouncilHome, CouncilPicker } from './pages/home.tsx';

export function App({ boot }: { boot: Boot }) {
  const { i18n } = useTranslation('web');
  const [lang, setLang] = useState<Language>(isLanguage(i18n.language) ? i18n.language : boot.lang);
  useEffect(() => {
    const onChange = (l: string) => {
      if (isLanguage(l)) setLang(l);
    };
    i18n.on('languageChanged', onChange);
    return () => i18n.off('languageChanged', onChange);
  }, [i18n]);
  return (
    <Router base={boot.basePath}>
      <Layout boot={boot} lang={lang}>
        <Switch>
          <Route path="/">{boot.tenant ? <CouncilHome boot={boot} lang={lang} /> : <CouncilPicker boot={boot} lang={lang} />}</Route>
          <Route path="/kiosk/*?">
            <ComingSection area="kiosk" />
          </Route>
          <Route path="/staff/*?">
            <ComingSection area="staff" />
          </Route>
          <Route path="/observatory/*?">
            <ComingSection area="observatory" />
          </Route>
          <Route>
            <NotFoundPage />
          </Route>
        </Switch>
      </Layout>
    </Router>
  );
}
