import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { localDateOf, localTimeOf } from '../../../../shared/zoned-time.ts';
import { AppError } from '../../../errors.ts';
import type { CreatePaymentInput, PaymentGateway, RedirectForm, RefundRequest, RefundResult, VerifiedNotification } from './payment-gateway.ts';
import { REDSYS_SIGNATURE_VERSION, RedsysGateway, redsysSignature } from './redsys.gateway.ts';

/** What the sandbox page needs to show and finish a payment; carried in the signed id, so no table is needed. */
export interface SandboxPayment {
  orderId: string;
  amountCents: number;
  description: string;
  urlOk: string;
  urlKo: string;
  notifyUrl: string;
  language?: 'es' | 'ca' | 'en';
  /** Expiry, epoch milliseconds. */
  expiresAt: number;
}

export interface SandboxGatewayOptions {
  /** A server secret (SESSION_SECRET fits); the sandbox's keys are derived from it. */
  secret: string;
  /** The public base URL of this server, e.g. http://localhost:3000. */
  publicUrl: string;
  /**
   * Sends the notification to the merchant (us). Default: an HTTP POST of the form fields to notifyUrl, like Redsys.
   * The composition root may pass the payments service's handler directly to skip the loopback request.
   */
  deliver?: (notifyUrl: string, fields: Record<string, string>) => Promise<void>;
  /** How long a sandbox payment page stays usable, ms (default 30 minutes). */
  ttlMs?: number;
  now?: () => number;
  /** Called for each refund request before it is accepted; a test makes the sandbox fail by throwing here. */
  onRefund?: (request: RefundRequest) => Promise<void> | void;
}

/** A refund the sandbox was asked for (it takes every one; tests read them). */
export interface SandboxRefund extends RefundRequest {
  /** Epoch milliseconds. */
  at: number;
}

function derive(secret: string, label: string, bytes: number): Buffer {
  return createHmac('sha256', secret).update(label).digest().subarray(0, bytes);
}

async function postForm(url: string, fields: Record<string, string>): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`notification to ${url} answered ${res.status}`);
}

/**
 * An embedded gateway for demos and tests: a page with Pay and Cancel buttons on this server, then a notification
 * signed exactly like Redsys's (3DES per-order key + HMAC-SHA256) with a sandbox merchant key, so the payments module
 * verifies both gateways with the same code path.
 */
export class SandboxGateway implements PaymentGateway {
  readonly name = 'sandbox';
  readonly merchantCode = '999008881';
  /** Like a Redsys merchant with refunds enabled: refund cases go back to the card without a person. */
  readonly refunds = 'auto' as const;
  /** Every refund taken, oldest first (in memory: the sandbox keeps no table). */
  readonly refundsTaken: SandboxRefund[] = [];
  private readonly merchantKey: string;
  private readonly tokenKey: Buffer;
  private readonly protocol: RedsysGateway;
  private readonly deliver: (notifyUrl: string, fields: Record<string, string>) => Promise<void>;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: SandboxGatewayOptions) {
    this.merchantKey = derive(opts.secret, 'ventanilla/sandbox-gateway/merchant-key', 24).toString('base64');
    this.tokenKey = derive(opts.secret, 'ventanilla/sandbox-gateway/page-token', 32);
    this.protocol = new RedsysGateway({ merchantKey: this.merchantKey, merchantCode: this.merchantCode, terminal: '1', url: this.pageUrl('0000'), name: 'sandbox' });
    this.deliver = opts.deliver ?? postForm;
    this.ttlMs = opts.ttlMs ?? 30 * 60_000;
    this.now = opts.now ?? Date.now;
  }

  /** The page's address: the order in the path, the signed payment in the query (path parameters are length-capped). */
  pageUrl(orderId: string, token?: string): string {
    const base = `${this.opts.publicUrl.replace(/\/+$/, '')}/payments/sandbox/${encodeURIComponent(orderId)}`;
    return token ? `${base}?p=${token}` : base;
  }

  createPayment(input: CreatePaymentInput): { redirectForm: RedirectForm } {
    // Same validation as Redsys (order format, positive integer cents), so the demo catches what production would.
    this.protocol.merchantFields(input);
    // The page lives as long as our order is open (a page outliving its order could take money for a closed order).
    const { expiresAt, ...rest } = input;
    const payment: SandboxPayment = { ...rest, expiresAt: expiresAt ?? this.now() + this.ttlMs };
    // GET with the fields in the URL: a browser submitting a GET form would drop a query string from the action.
    return { redirectForm: { url: this.pageUrl(input.orderId), method: 'GET', fields: { p: this.sign(payment) } } };
  }

  /** The signed page id: base64url(JSON).base64url(HMAC). Tampering with the amount or the URLs breaks it. */
  private sign(payment: SandboxPayment): string {
    const body = Buffer.from(JSON.stringify(payment), 'utf8').toString('base64url');
    return `${body}.${createHmac('sha256', this.tokenKey).update(body).digest('base64url')}`;
  }

  /** The payment behind a signed token, or a 404 when it is forged, damaged, expired or for another order. */
  openPayment(id: string, orderId?: string): SandboxPayment {
    const notFound = () => new AppError('gateway.sandbox_not_found');
    const [body, mac, extra] = id.split('.');
    if (!body || !mac || extra !== undefined || id.length > 4096) throw notFound();
    const expected = createHmac('sha256', this.tokenKey).update(body).digest();
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw notFound();
    const payment = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as SandboxPayment;
    if (payment.expiresAt < this.now() || (orderId !== undefined && payment.orderId !== orderId)) throw notFound();
    return payment;
  }

  /** The notification the sandbox sends for a decision, in Redsys's format and signed with the sandbox key. */
  notificationFor(payment: SandboxPayment, isPaid: boolean, at = new Date(this.now())): Record<string, string> {
    // Redsys writes the date as DD/MM/YYYY and the hour as HH:MM, in Spanish peninsular time.
    const [year, month, day] = localDateOf(at, 'Europe/Madrid').split('-');
    const params: Record<string, string> = {
      Ds_Date: `${day}/${month}/${year}`,
      Ds_Hour: localTimeOf(at, 'Europe/Madrid'),
      Ds_Amount: String(payment.amountCents),
      Ds_Currency: '978',
      Ds_Order: payment.orderId,
      Ds_MerchantCode: this.merchantCode,
      Ds_Terminal: '001',
      // 0000 authorised; 9915 "cancelled by the user" as Redsys reports it.
      Ds_Response: isPaid ? '0000' : '9915',
      Ds_TransactionType: '0',
      Ds_SecurePayment: isPaid ? '1' : '0',
      Ds_AuthorisationCode: isPaid ? String(randomInt(100_000, 1_000_000)) : '',
    };
    const merchantParameters = Buffer.from(JSON.stringify(params), 'utf8').toString('base64url');
    const signature = redsysSignature(this.merchantKey, payment.orderId, merchantParameters).replace(/\+/g, '-').replace(/\//g, '_');
    return { Ds_SignatureVersion: REDSYS_SIGNATURE_VERSION, Ds_MerchantParameters: merchantParameters, Ds_Signature: signature };
  }

  /**
   * The citizen pressed Pay or Cancel: send the notification (server to server) and return where the browser goes.
   * Pressing twice sends two notifications, as real gateways may: the payments module must treat them idempotently.
   */
  async decide(id: string, orderId: string, isPaid: boolean): Promise<{ redirectTo: string }> {
    const payment = this.openPayment(id, orderId);
    await this.deliver(payment.notifyUrl, this.notificationFor(payment, isPaid));
    return { redirectTo: isPaid ? payment.urlOk : payment.urlKo };
  }

  verifyNotification(body: unknown): VerifiedNotification {
    return this.protocol.verifyNotification(body);
  }

  /** Takes the refund (after `onRefund`, which may throw to simulate an outage) and answers like Redsys: "0900". */
  async refund(request: RefundRequest): Promise<RefundResult> {
    await this.opts.onRefund?.(request);
    this.refundsTaken.push({ ...request, at: this.now() });
    return { response: '0900' };
  }
}
