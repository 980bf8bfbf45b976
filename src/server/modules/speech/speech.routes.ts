import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LANGUAGES } from '../../../shared/languages.ts';
import type { SpeechService } from './speech.service.ts';

const ZTtsQuerySchema = z.object({ lang: z.enum(LANGUAGES), text: z.string().min(1).max(4000), tenant: z.string().optional() });

export function speechRoutes(speech: SpeechService) {
  return async (app: FastifyInstance) => {
    app.withTypeProvider<ZodTypeProvider>().get(
      '/api/v1/tts',
      {
        // Speech is CPU work: a tighter limit than the rest of the API.
        config: { rateLimit: { max: 60, timeWindow: 60_000 } },
        schema: { tags: ['speech'], summary: 'Speak a text with espeak-ng (audio/wav)', querystring: ZTtsQuerySchema },
      },
      async (req, reply) => {
        const wav = await speech.speak(req.query.text, req.query.lang);
        return reply.type('audio/wav').header('cache-control', 'private, max-age=3600').send(wav);
      },
    );
  };
}
