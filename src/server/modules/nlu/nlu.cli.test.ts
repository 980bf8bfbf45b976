import { describe, expect, it } from 'vitest';
import { DEMO_TENANTS_DIR } from '../../testing/test-db.ts';
import { TenantRegistry, loadTenantsDir } from '../tenants/index.ts';
import { nluCliEval, nluCliParse, nluCliTrain } from './nlu.cli.ts';
import { NluService } from './nlu.service.ts';

describe('the nlu commands', () => {
  const nlu = new NluService({ tenants: new TenantRegistry(loadTenantsDir(DEMO_TENANTS_DIR)) });

  it('parse prints the same JSON as the API', () => {
    const out = JSON.parse(nluCliParse(nlu, 'kiero pagar la multa MUL-2026-004512', { tenant: 'alacant' })) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['language', 'intent', 'alternatives', 'entities']);
    expect(out).toMatchObject({ language: { code: 'es' }, intent: { name: 'fine.pay' }, entities: [{ type: 'fine_ref', value: 'MUL-2026-004512' }] });
  });

  it('eval prints accuracy and macro-F1 per language and a confusion matrix', () => {
    const out = nluCliEval(nlu);
    expect(out).toMatch(/Independent set data\/nlu-eval: \d+ utterances, accuracy [\d.]+ %, macro-F1 [\d.]+/);
    for (const lang of ['es', 'ca', 'en']) expect(out).toMatch(new RegExp(`  ${lang}: \\d+ utterances, accuracy`));
    expect(out).toContain('confusion (rows: expected, columns: predicted)');
    expect(JSON.parse(nluCliEval(nlu, { json: true }))).toHaveProperty('heldOut.confusion.matrix');
  }, 120_000);

  it('train without a council retrains the base model from the files and prints before and after', async () => {
    const out = await nluCliTrain(new NluService());
    expect(out).toMatch(/^Trained the base model on \d+ utterances, 11 intents/);
    expect(out).toContain('Before:');
    expect(out).toContain('After:');
  }, 120_000);
});
