import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { AppError } from '../../errors.ts';
import type { Language } from '../../../shared/languages.ts';

/** espeak-ng voices; `ca` has Catalan phonology, which Valencian listeners understand well. */
const VOICES: Record<Language, string> = { es: 'es', ca: 'ca', en: 'en-gb' };
/** Longest text spoken in one request, in characters: a screen's worth, not a document. */
export const MAX_TTS_CHARS = 1200;
/** Words per minute: slower than espeak's 175 default, for older listeners. */
const WORDS_PER_MINUTE = 150;

/**
 * Server-side text-to-speech with espeak-ng, for kiosks whose browser has no voices for the language.
 * Small in-memory cache: kiosks repeat the same prompts all day.
 */
export class SpeechService {
  private readonly cache = new Map<string, Buffer>();

  constructor(
    private readonly binary = 'espeak-ng',
    private readonly cacheEntries = 200,
  ) {}

  async speak(text: string, lang: Language): Promise<Buffer> {
    const clean = text.replace(/\s+/g, ' ').trim();
    if (!clean) throw new AppError('speech.empty_text');
    if (clean.length > MAX_TTS_CHARS) throw new AppError('speech.text_too_long', { params: { max: MAX_TTS_CHARS } });
    const key = createHash('sha256').update(`${lang}\u0000${clean}`).digest('hex');
    const hit = this.cache.get(key);
    if (hit) return hit;
    const wav = await new Promise<Buffer>((resolve, reject) => {
      // Text goes as an argument after "--": never through a shell, never parsed as an option.
      execFile(this.binary, ['-v', VOICES[lang], '-s', String(WORDS_PER_MINUTE), '--stdout', '--', clean], { encoding: 'buffer', maxBuffer: 32 * 1024 * 1024, timeout: 15_000 }, (err, stdout) => {
        if (err) {
          const code = (err as NodeJS.ErrnoException).code;
          reject(new AppError('speech.unavailable', { log: code === 'ENOENT' ? 'espeak-ng is not installed' : `espeak-ng failed: ${err.message}` }));
          return;
        }
        resolve(stdout);
      });
    });
    if (this.cache.size >= this.cacheEntries) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(key, wav);
    return wav;
  }
}
