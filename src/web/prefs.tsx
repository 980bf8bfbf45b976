import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

/** Reading preferences: text size, easy-read wording and high contrast. */
export interface Prefs {
  textScale: number;
  isEasyRead: boolean;
  isHighContrast: boolean;
}
interface PrefsValue extends Prefs {
  set: (p: Partial<Prefs>) => void;
  reset: () => void;
}

export const TEXT_SCALES = [1, 1.25, 1.5, 2] as const;
const DEFAULTS: Prefs = { textScale: 1, isEasyRead: false, isHighContrast: false };
const KEY = 'prefs';

function load(persist: boolean): Prefs {
  if (!persist) return DEFAULTS;
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? { ...DEFAULTS, ...(JSON.parse(raw) as Partial<Prefs>) } : DEFAULTS;
  } catch {
    return DEFAULTS;
  }
}

const PrefsContext = createContext<PrefsValue | null>(null);

/** `persist` is false on kiosks: the next person must not inherit anything. */
export function PrefsProvider({ children, persist }: { children: ReactNode; persist: boolean }) {
  const [prefs, setPrefs] = useState<Prefs>(() => load(persist));
  useEffect(() => {
    const root = document.documentElement;
    root.style.fontSize = `${prefs.textScale * 100}%`;
    root.classList.toggle('high-contrast', prefs.isHighContrast);
    if (persist) {
      try {
        localStorage.setItem(KEY, JSON.stringify(prefs));
      } catch {
        // Storage disabled: the preference lasts for this page only.
      }
    }
  }, [prefs, persist]);
  useEffect(
    () => () => {
      document.documentElement.style.fontSize = '';
      document.documentElement.classList.remove('high-contrast');
    },
    [],
  );
  const value = useMemo<PrefsValue>(() => ({ ...prefs, set: (p) => setPrefs((cur) => ({ ...cur, ...p })), reset: () => setPrefs(DEFAULTS) }), [prefs]);
  return <PrefsContext.Provider value={value}>{children}</PrefsContext.Provider>;
}

export function usePrefs(): PrefsValue {
  const p = useContext(PrefsContext);
  if (!p) throw new Error('usePrefs outside PrefsProvider');
  return p;
}
