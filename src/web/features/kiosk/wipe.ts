import { apiUrl } from '../../api.ts';
import { stopSpeaking } from './speech.ts';

/** Every camera stream the kiosk opened, so the wipe can release them all. */
const streams = new Set<MediaStream>();
export function trackStream(s: MediaStream): void {
  streams.add(s);
}
export function releaseStream(s: MediaStream): void {
  for (const track of s.getTracks()) track.stop();
  streams.delete(s);
}

/** Deletes every cookie script can see, on every path and domain level it may have been set for. */
function clearScriptCookies(): void {
  const names = document.cookie
    .split(';')
    .map((c) => c.split('=')[0]?.trim())
    .filter((n): n is string => Boolean(n));
  const segments = location.pathname.split('/').filter(Boolean);
  const paths = ['/', ...segments.map((_, i) => `/${segments.slice(0, i + 1).join('/')}`)];
  for (const name of names) {
    for (const p of paths) document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=${p}`;
  }
}

/**
 * Leaves nothing of the last person: their sessions end on the server (which also clears the httpOnly
 * session cookie; the device cookie stays), storage and script cookies go, the camera and speech stop, and
 * the start page replaces the current history entry so Back shows nothing.
 */
export async function wipeKiosk(startUrl: string): Promise<void> {
  stopSpeaking();
  for (const s of [...streams]) releaseStream(s);
  try {
    await fetch(apiUrl('/api/v1/kiosks/wipe'), { method: 'POST', credentials: 'same-origin', keepalive: true });
  } catch {
    // Offline: the server ends idle sessions on its own; the local wipe still happens.
  }
  try {
    localStorage.clear();
    sessionStorage.clear();
  } catch {
    // Storage disabled: nothing to clear.
  }
  clearScriptCookies();
  location.replace(startUrl);
}
