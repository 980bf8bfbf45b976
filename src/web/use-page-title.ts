import { useEffect } from 'react';

/** Each view sets a distinct document title (WCAG 2.4.2) and moves focus to the main content on change. */
export function usePageTitle(title: string): void {
  useEffect(() => {
    if (title) document.title = title;
  }, [title]);
}
