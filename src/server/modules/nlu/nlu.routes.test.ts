import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';

describe('POST /api/v1/nlu/parse', () => {
  let ta: TestApp;
  beforeAll(async () => {
    ta = await createTestApp();
  }, 120_000);
  afterAll(async () => {
    await ta.close();
  }, 60_000);

  it('answers language, intent, alternatives and entities for a council', async () => {
    const res = await ta.app.inject({ method: 'POST', url: '/api/v1/nlu/parse', payload: { text: 'vull cita a benalua dijous que ve a les deu', tenant: 'alacant' } });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ language: { code: string }; intent: { name: string }; alternatives: unknown[]; entities: { type: string; value: unknown }[] }>();
    expect(body.language.code).toBe('ca');
    expect(body.intent.name).toBe('appointment.book');
    expect(body.alternatives.length).toBeGreaterThan(0);
    expect(body.entities.map((e) => e.type)).toEqual(expect.arrayContaining(['office', 'date', 'time', 'datetime']));
    expect(body.entities.find((e) => e.type === 'office')?.value).toBe('benalua');
  });

  it('rejects an empty text and an unknown council with a translated error', async () => {
    const empty = await ta.app.inject({ method: 'POST', url: '/api/v1/nlu/parse?lang=en', payload: { text: '' } });
    expect(empty.statusCode).toBe(400);
    const unknown = await ta.app.inject({ method: 'POST', url: '/api/v1/nlu/parse', payload: { text: 'hola', tenant: 'nowhere' } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json<{ error: { code: string } }>().error.code).toBe('tenants.not_found');
  });

  it('keeps retraining for signed-in staff', async () => {
    const res = await ta.app.inject({ method: 'POST', url: '/api/v1/nlu/train' });
    expect(res.statusCode).toBe(401);
  });
});
