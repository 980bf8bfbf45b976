import { useEffect, useRef, useState } from 'react';

export const IDLE_WARN_MS = 90_000;
export const IDLE_GRACE_MS = 30_000;

/**
 * Watches for touches, clicks and keys. After IDLE_WARN_MS without any, `warning` holds the seconds left;
 * after the grace period `onExpire` runs. `stillHere` starts the count again.
 */
export function useIdle(onExpire: () => void, isActive: boolean) {
  const last = useRef(Date.now());
  const [secondsLeft, setSecondsLeft] = useState<number | null>(null);
  const expire = useRef(onExpire);
  expire.current = onExpire;
  useEffect(() => {
    if (!isActive) return;
    const mark = () => {
      // While the warning shows, only the "I'm still here" button counts (a stray touch should not hide it silently).
      if (secondsLeft === null) last.current = Date.now();
    };
    const events = ['pointerdown', 'keydown', 'touchstart', 'input', 'wheel'] as const;
    for (const e of events) window.addEventListener(e, mark, { passive: true, capture: true });
    const timer = window.setInterval(() => {
      const idle = Date.now() - last.current;
      if (idle >= IDLE_WARN_MS + IDLE_GRACE_MS) {
        window.clearInterval(timer);
        expire.current();
      } else if (idle >= IDLE_WARN_MS) {
        setSecondsLeft(Math.ceil((IDLE_WARN_MS + IDLE_GRACE_MS - idle) / 1000));
      }
    }, 1000);
    return () => {
      for (const e of events) window.removeEventListener(e, mark, { capture: true });
      window.clearInterval(timer);
    };
  }, [isActive, secondsLeft]);
  return {
    secondsLeft,
    lastActivity: () => new Date(last.current),
    stillHere: () => {
      last.current = Date.now();
      setSecondsLeft(null);
    },
  };
}
