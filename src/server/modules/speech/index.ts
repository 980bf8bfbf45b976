/** Text-to-speech for kiosks and read-aloud (espeak-ng on the server). */
export { SpeechService, MAX_TTS_CHARS } from './speech.service.ts';
/** GET /api/v1/tts?lang=&text= */
export { speechRoutes } from './speech.routes.ts';
