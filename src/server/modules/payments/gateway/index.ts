/** Card-payment gateways behind one interface: Redsys (and compatibles) and the embedded sandbox. */

/** The contract the payments module codes against. */
export type { PaymentGateway, CreatePaymentInput, RedirectForm, VerifiedNotification } from './payment-gateway.ts';
/** Redsys redirection integration: HMAC-SHA256 merchant signature and notification verification. */
export { RedsysGateway, REDSYS_URLS, redsysSignature, type RedsysConfig } from './redsys.gateway.ts';
/** The embedded demo gateway and its pages (register `sandboxGatewayRoutes(gateway)`). */
export { SandboxGateway, type SandboxGatewayOptions } from './sandbox.gateway.ts';
export { sandboxGatewayRoutes } from './sandbox.routes.ts';
/** The gateway each council's profile names (payments.gateway), secrets from CONNECTOR_* variables. */
export { createConfiguredGateways } from './gateways.config.ts';
