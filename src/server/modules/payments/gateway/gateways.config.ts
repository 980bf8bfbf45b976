/**
 * The card gateway each council's profile asks for (`payments.gateway` in tenants/<id>.yaml). Councils on the
 * sandbox get undefined and keep the process-wide gateways; a Redsys council gets its own merchant, whose secret
 * comes from the CONNECTOR_* variable the profile names, like the connectors' secrets.
 */
import { ConnectorConfigError } from '../../connectors/index.ts';
import type { TenantProfile } from '../../tenants/index.ts';
import type { PaymentGateway } from './payment-gateway.ts';
import { RedsysGateway } from './redsys.gateway.ts';

/**
 * Builds every configured gateway once at start. A missing or malformed secret stops the start with a message that
 * names the council, the field and the variable (never the value), rather than failing in front of a citizen.
 */
export function createConfiguredGateways(
  profiles: readonly TenantProfile[],
  env: Record<string, string>,
  opts: { isSandboxAllowed?: boolean } = {},
): (tenantId: string) => PaymentGateway | undefined {
  const problems: string[] = [];
  const byTenant = new Map<string, PaymentGateway>();
  for (const p of profiles) {
    const g = p.payments.gateway;
    switch (g.kind) {
      case 'sandbox':
        // A receipt "paid" on the sandbox is marked paid and sealed without any money moving: never by accident.
        if (opts.isSandboxAllowed === false && p.procedures.some((id) => id === 'tax.pay' || id === 'fine.pay')) {
          problems.push(`${p.id}: offers payments on the sandbox gateway, which takes no money; name a real payments.gateway (redsys) or set ALLOW_SANDBOX_PAYMENTS=true for a demo`);
        }
        break;
      case 'redsys': {
        const key = env[g.secretEnv];
        if (!key) {
          problems.push(`${p.id}: payments.gateway.secretEnv names ${g.secretEnv}, which is not set`);
          break;
        }
        try {
          byTenant.set(
            p.id,
            new RedsysGateway({ merchantKey: key, merchantCode: g.merchantCode, terminal: g.terminal, url: g.url, ...(g.currency ? { currency: g.currency } : {}), ...(g.merchantName ? { merchantName: g.merchantName } : {}), ...(g.refunds ? { refunds: g.refunds } : {}) }),
          );
        } catch {
          problems.push(`${p.id}: ${g.secretEnv} must hold the Redsys merchant key (base64, 24 bytes once decoded)`);
        }
        break;
      }
      default: {
        const never: never = g;
        throw new Error(`unknown payment gateway ${JSON.stringify(never)}`);
      }
    }
  }
  if (problems.length) throw new ConnectorConfigError(problems);
  return (tenantId) => byTenant.get(tenantId);
}
