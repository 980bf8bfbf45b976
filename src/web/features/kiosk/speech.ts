import type { Language } from '../../../shared/languages.ts';
import { apiUrl } from '../../api.ts';

const BCP47: Record<Language, string[]> = { es: ['es'], ca: ['ca', 'va'], en: ['en'] };
let current: HTMLAudioElement | null = null;

function voiceFor(lang: Language): SpeechSynthesisVoice | undefined {
  if (typeof speechSynthesis === 'undefined') return undefined;
  const prefixes = BCP47[lang];
  return speechSynthesis.getVoices().find((v) => prefixes.some((p) => v.lang.toLowerCase().startsWith(p)));
}

/** Stops whatever is being read (a new message, a new person, the wipe). */
export function stopSpeaking(): void {
  if (typeof speechSynthesis !== 'undefined') speechSynthesis.cancel();
  if (current) {
    current.pause();
    current.src = '';
    current = null;
  }
}

/**
 * Reads a text aloud: the browser's own voice when it has one for the language (no network, instant),
 * otherwise the server's espeak-ng audio, which speaks es, ca and en on every kiosk.
 */
export async function speak(text: string, lang: Language): Promise<'browser' | 'server' | 'none'> {
  stopSpeaking();
  const clean = text.replace(/\s+/g, ' ').trim().slice(0, 4000);
  if (!clean) return 'none';
  const voice = voiceFor(lang);
  if (voice) {
    const u = new SpeechSynthesisUtterance(clean);
    u.voice = voice;
    u.lang = voice.lang;
    u.rate = 0.9;
    speechSynthesis.speak(u);
    return 'browser';
  }
  const audio = new Audio(apiUrl(`/api/v1/tts?lang=${lang}&text=${encodeURIComponent(clean)}`));
  current = audio;
  try {
    await audio.play();
    return 'server';
  } catch {
    return 'none';
  }
}

/** A short tone: the sound half of the "something new" signal (the visual half is on screen). */
export function beep(kind: 'message' | 'warning'): void {
  try {
    const Ctx = window.AudioContext;
    const ctx = new Ctx();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = kind === 'warning' ? 440 : 880;
    gain.gain.value = 0.15;
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + (kind === 'warning' ? 0.4 : 0.15));
    osc.addEventListener('ended', () => void ctx.close());
  } catch {
    // No audio device: the visual signal remains.
  }
}
