import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { isLanguage } from '../shared/languages.ts';
import { App } from './app.tsx';
import { readBoot } from './boot.ts';
import { initI18n } from './i18n.ts';
import './styles.css';

const boot = readBoot();
// The server already chose the language (query, cookie, Accept-Language, council default); a choice
// remembered in this browser wins when the council offers it.
function readStoredLanguage(): string | null {
  try {
    return localStorage.getItem('lang');
  } catch {
    return null; // storage disabled (kiosk, private window)
  }
}
const stored = readStoredLanguage();
const allowed = boot.tenant?.languages ?? ['es', 'ca', 'en'];
const hasExplicitLang = new URLSearchParams(location.search).has('lang');
const lang = !hasExplicitLang && isLanguage(stored) && allowed.includes(stored) ? stored : boot.lang;
document.documentElement.lang = lang;

void initI18n(lang).then(() => {
  const root = document.getElementById('root');
  if (!root) return;
  createRoot(root).render(
    <StrictMode>
      <App boot={boot} />
    </StrictMode>,
  );
});
