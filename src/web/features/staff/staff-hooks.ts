/** What the staff console's pages share; staff-app.tsx imports the pages, so the pages import this, not it. */
import { useEffect, useRef } from 'react';

/** Focuses the page heading when a console page opens (keyboard and screen-reader users know where they are). */
export function useHeadingFocus() {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return ref;
}
