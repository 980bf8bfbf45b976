import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../testing/test-db.ts';
import { exportConversationsForDni } from './assistant-privacy.repository.ts';
import { AssistantRepository } from './assistant.repository.ts';

let t: TestDb;
let repo: AssistantRepository;

beforeAll(async () => {
  t = await createTestDb();
  repo = new AssistantRepository(t.db);
}, 60_000);
afterAll(async () => {
  await t.close();
});

async function conversation(dni: string | null, turns: string[]): Promise<string> {
  const id = randomUUID();
  await repo.createConversation({ id, tenantId: 'alacant', channel: 'web', kioskId: null, language: 'es', state: {}, ownerTokenSha256: randomUUID(), citizenDni: dni });
  for (const [i, text] of turns.entries()) await repo.addTurn('alacant', id, { role: i % 2 === 0 ? 'assistant' : 'citizen', text });
  return id;
}

describe('the export of a citizen’s conversations', () => {
  it('returns each of her conversations with its turns in order, one without turns too, and nobody else’s', async () => {
    const first = await conversation('11111111H', ['hola', 'quiero cita', '¿Para qué es la cita?']);
    const empty = await conversation('11111111H', []);
    await conversation('22222222J', ['otra persona']);
    await conversation(null, ['anónimo']);
    const out = await exportConversationsForDni(t.db, 'alacant', '11111111H');
    expect(out.map((c) => c.id)).toEqual([first, empty]);
    expect(out[0]?.turns.map((x) => [x.seq, x.role, x.text])).toEqual([[1, 'assistant', 'hola'], [2, 'citizen', 'quiero cita'], [3, 'assistant', '¿Para qué es la cita?']]);
    expect(out[0]?.turns[0]?.at).toMatch(/^\d{4}-\d{2}-\d{2}T.+Z$/);
    expect(out[1]).toMatchObject({ id: empty, channel: 'web', language: 'es', status: 'active', turns: [] });
    expect(await exportConversationsForDni(t.db, 'medina-rioseco', '11111111H')).toEqual([]);
  });
});
