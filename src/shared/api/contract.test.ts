import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, generateApiTypes } from '../../../scripts/generate-api-types.ts';

describe('the API contract', () => {
  it('the committed src/shared/api/openapi.d.ts is what the server documents today (else run npm run api:generate)', async () => {
    const committed = readFileSync(API_TYPES_FILE, 'utf8');
    const current = await generateApiTypes();
    // A line diff names the drift; comparing the whole text would print two 300 KB strings.
    const a = committed.split('\n');
    const b = current.split('\n');
    const first = a.findIndex((line, i) => line !== b[i]);
    const at = first < 0 ? (a.length === b.length ? -1 : Math.min(a.length, b.length)) : first;
    const context = at < 0 ? '' : `line ${at + 1}:\n  committed: ${a[at] ?? '(end of file)'}\n  server:    ${b[at] ?? '(end of file)'}`;
    expect(context, 'src/shared/api/openapi.d.ts differs from the server; run npm run api:generate').toBe('');
  }, 120_000);
});
