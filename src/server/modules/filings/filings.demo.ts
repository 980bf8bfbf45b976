import { createHash } from 'node:crypto';
import type { Queryable } from '../../db/db.ts';
import type { TenantProfile } from '../tenants/index.ts';
import { filingExists, insertDemoFiling, rekeyFiling } from './filings.demo.repository.ts';

/** The namespace of the demo seed's name-based UUIDs (a fixed random UUID; changing it would re-key every demo row). */
const DEMO_NAMESPACE = '3f1c6f0e-8b7a-4c1d-9e52-6a0d2f4b7c18';

/**
 * A name-based UUID (RFC 9562 version 5: SHA-1 of namespace + name): the same name gives the same id at every
 * start, so the seed stays idempotent, and the id is a real UUID that the routes' strict schemas accept.
 */
export function demoUuid(name: string): string {
  const hash = createHash('sha1').update(Buffer.from(DEMO_NAMESPACE.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The demo filing of a citizen; older seeds used `demo-filing-<tenant>-<dni>`, which no filing route accepts. */
export const demoFilingId = (tenantId: string, dni: string): string => demoUuid(`filing:${tenantId}:${dni}`);

/** One demo filing per citizen, in the council's first department; returns 1 when it was new. */
export async function seedDemoFiling(q: Queryable, tenant: TenantProfile, dni: string, year: number): Promise<number> {
  const dept = tenant.departments[0];
  if (!dept) return 0;
  const id = demoFilingId(tenant.id, dni);
  if (await filingExists(q, id)) return 0;
  const legacy = `demo-filing-${tenant.id}-${dni}`;
  if (await filingExists(q, legacy)) {
    await rekeyFiling(q, legacy, id);
    return 0;
  }
  await insertDemoFiling(q, { id, tenantId: tenant.id, year, dni, subject: 'Solicitud de ejemplo (demo)', body: 'Texto de una solicitud de ejemplo para la demostración.', departmentId: dept.id });
  return 1;
}
