import { createContext, useContext } from 'react';
import type { Language } from '../shared/languages.ts';
import type { Boot } from './boot.ts';

export interface AppContextValue {
  boot: Boot;
  lang: Language;
  timeZone: string;
}
export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const v = useContext(AppContext);
  if (!v) throw new Error('useApp outside AppContext');
  return v;
}
