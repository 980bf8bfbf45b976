import { createCipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../../errors.ts';
import { RefundRefusedError, type CreatePaymentInput, type PaymentGateway, type RedirectForm, type RefundRequest, type RefundResult, type VerifiedNotification } from './payment-gateway.ts';

/** Redsys's endpoints for the redirection integration. */
export const REDSYS_URLS = {
  test: 'https://sis-t.redsys.es:25443/sis/realizarPago',
  production: 'https://sis.redsys.es/sis/realizarPago',
} as const;

export const REDSYS_SIGNATURE_VERSION = 'HMAC_SHA256_V1';

export interface RedsysConfig {
  /** The merchant's secret key from the Redsys console (base64, 24 bytes once decoded). */
  merchantKey: string;
  merchantCode: string;
  terminal: string;
  /** ISO 4217 numeric; 978 is the euro. */
  currency?: string;
  /** Where the browser form posts: REDSYS_URLS.test, .production, or our sandbox page. */
  url: string;
  merchantName?: string;
  /** Name stored with payments; "redsys" unless a compatible gateway reuses this adapter. */
  name?: string;
  /**
   * 'auto': refund cases are sent to Redsys (Ds_Merchant_TransactionType 3) without a person. Off ('manual') unless the
   * council's profile turns it on, since refunds must be enabled for the merchant in the Redsys console first.
   */
  refunds?: 'auto' | 'manual';
  /** Redsys's REST address for refunds; by default the form address with /sis/rest/trataPeticionREST. */
  restUrl?: string;
}

/** The REST address beside a form address (…/sis/realizarPago → …/sis/rest/trataPeticionREST), if it is one. */
export function redsysRestUrl(formUrl: string): string | undefined {
  return /\/sis\/realizarPago\/?$/.test(formUrl) ? formUrl.replace(/\/sis\/realizarPago\/?$/, '/sis/rest/trataPeticionREST') : undefined;
}

/** Ds_Response of an accepted refund (or confirmation): "0900". 0000-0099 are accepted too, as for payments. */
const isRefundAccepted = (code: string): boolean => code === '0900' || code === '900' || (/^\d{1,4}$/.test(code) && Number(code) <= 99);

/**
 * Redsys's Ds_ConsumerLanguage codes. Our `ca` is Valencian (its forms are "vull", "meua", "este"), so the payment
 * page is asked in Valencian (010), not in Catalan (003).
 */
const CONSUMER_LANGUAGE = { es: '001', en: '002', ca: '010' } as const;

function invalid(log: string): AppError {
  return new AppError('gateway.invalid_notification', { log });
}

/**
 * The per-order key: the order number, zero-padded to a multiple of 8 bytes, encrypted with 3DES-CBC (zero IV, no
 * padding) under the merchant key. A leaked signature therefore says nothing about other orders' signatures.
 */
export function redsysOrderKey(merchantKeyBase64: string, order: string): Buffer {
  const key = Buffer.from(merchantKeyBase64, 'base64');
  if (key.length !== 24) throw new Error('The Redsys merchant key must be 24 bytes once base64-decoded');
  const data = Buffer.from(order, 'utf8');
  const padded = Buffer.alloc(Math.ceil(data.length / 8) * 8);
  data.copy(padded);
  const cipher = createCipheriv('des-ede3-cbc', key, Buffer.alloc(8));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(padded), cipher.final()]);
}

/** HMAC-SHA256 of the Ds_MerchantParameters string (exactly as sent) under the per-order key, standard base64. */
export function redsysSignature(merchantKeyBase64: string, order: string, merchantParameters: string): string {
  return createHmac('sha256', redsysOrderKey(merchantKeyBase64, order)).update(merchantParameters, 'utf8').digest('base64');
}

/** Base64 and its URL-safe variant (Redsys signs notifications with "-" and "_"), padding optional. */
function decodeAnyBase64(s: string): Buffer {
  return Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

function field(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  return typeof v === 'string' ? v : undefined;
}

/** Euros with 2 decimals as Redsys wants them: an integer string of cents, no separators. */
function amountField(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents <= 0) throw new AppError('gateway.invalid_amount', { log: `amount ${cents}` });
  return String(cents);
}

/** The Redsys redirection integration (also served by compatible gateways and by our sandbox). */
export class RedsysGateway implements PaymentGateway {
  readonly name: string;
  readonly refunds: 'auto' | 'manual';
  private readonly restUrl: string | undefined;

  constructor(private readonly config: RedsysConfig) {
    this.name = config.name ?? 'redsys';
    // Fail at start-up, not on the first payment.
    redsysOrderKey(config.merchantKey, '0000');
    this.restUrl = config.restUrl ?? redsysRestUrl(config.url);
    this.refunds = config.refunds === 'auto' && this.restUrl ? 'auto' : 'manual';
  }

  /** The signed REST request that refunds `amountCents` of an authorised order (transaction type 3). */
  refundFields(request: RefundRequest): Record<string, string> {
    const params: Record<string, string> = {
      DS_MERCHANT_AMOUNT: amountField(request.amountCents),
      DS_MERCHANT_ORDER: request.orderId,
      DS_MERCHANT_MERCHANTCODE: this.config.merchantCode,
      DS_MERCHANT_CURRENCY: this.config.currency ?? '978',
      DS_MERCHANT_TRANSACTIONTYPE: '3',
      DS_MERCHANT_TERMINAL: this.config.terminal,
    };
    const merchantParameters = Buffer.from(JSON.stringify(params), 'utf8').toString('base64');
    return { Ds_SignatureVersion: REDSYS_SIGNATURE_VERSION, Ds_MerchantParameters: merchantParameters, Ds_Signature: redsysSignature(this.config.merchantKey, request.orderId, merchantParameters) };
  }

  /**
   * Asks Redsys's REST service for the refund. An HTTP or network error is an outage (retried by the caller); an
   * `errorCode` (SIS…) or a Ds_Response other than accepted is a refusal a person must look at. The answer is
   * checked like a notification (signature under the order's key), so a forged "0900" cannot close a case. Retrying
   * after a lost answer cannot refund twice: Redsys refuses refunds beyond what the order charged.
   */
  async refund(request: RefundRequest): Promise<RefundResult> {
    if (!this.restUrl) throw new RefundRefusedError('no Redsys REST address configured');
    const res = await fetch(this.restUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(this.refundFields(request)),
      signal: AbortSignal.timeout(15_000),
    });
    if (!res.ok) throw new Error(`Redsys REST answered HTTP ${res.status}`);
    const answer: unknown = await res.json();
    if (typeof answer === 'object' && answer !== null && typeof (answer as { errorCode?: unknown }).errorCode === 'string') {
      throw new RefundRefusedError((answer as { errorCode: string }).errorCode);
    }
    let verified: VerifiedNotification;
    try {
      verified = this.verifyNotification(answer);
    } catch {
      // Not retried: Redsys may have refunded already; a person checks in its console.
      throw new RefundRefusedError('answer without a valid signature');
    }
    if (verified.orderId !== request.orderId) throw new RefundRefusedError(`answer for order ${verified.orderId}`);
    if (!isRefundAccepted(verified.responseCode)) throw new RefundRefusedError(`Ds_Response ${verified.responseCode}`);
    return { response: verified.responseCode };
  }

  /** The signed fields for an order, exposed for tests and for gateways that embed the protocol. */
  merchantFields(input: CreatePaymentInput): Record<string, string> {
    if (!/^\d{4}[0-9A-Za-z]{0,8}$/.test(input.orderId)) {
      throw new AppError('gateway.invalid_order', { log: `Redsys order numbers are 4-12 characters, the first 4 digits: ${input.orderId}` });
    }
    const params: Record<string, string> = {
      DS_MERCHANT_AMOUNT: amountField(input.amountCents),
      DS_MERCHANT_ORDER: input.orderId,
      DS_MERCHANT_MERCHANTCODE: this.config.merchantCode,
      DS_MERCHANT_CURRENCY: this.config.currency ?? '978',
      DS_MERCHANT_TRANSACTIONTYPE: '0',
      DS_MERCHANT_TERMINAL: this.config.terminal,
      DS_MERCHANT_MERCHANTURL: input.notifyUrl,
      DS_MERCHANT_URLOK: input.urlOk,
      DS_MERCHANT_URLKO: input.urlKo,
      // Redsys caps the description at 125 characters.
      DS_MERCHANT_PRODUCTDESCRIPTION: input.description.slice(0, 125),
    };
    if (this.config.merchantName) params.DS_MERCHANT_MERCHANTNAME = this.config.merchantName;
    if (input.language) params.DS_MERCHANT_CONSUMERLANGUAGE = CONSUMER_LANGUAGE[input.language];
    const merchantParameters = Buffer.from(JSON.stringify(params), 'utf8').toString('base64');
    return {
      Ds_SignatureVersion: REDSYS_SIGNATURE_VERSION,
      Ds_MerchantParameters: merchantParameters,
      Ds_Signature: redsysSignature(this.config.merchantKey, input.orderId, merchantParameters),
    };
  }

  createPayment(input: CreatePaymentInput): { redirectForm: RedirectForm } {
    return { redirectForm: { url: this.config.url, method: 'POST', fields: this.merchantFields(input) } };
  }

  verifyNotification(body: unknown): VerifiedNotification {
    if (typeof body !== 'object' || body === null) throw invalid('notification body is not an object');
    const b = body as Record<string, unknown>;
    const version = field(b, 'Ds_SignatureVersion');
    const params = field(b, 'Ds_MerchantParameters');
    const signature = field(b, 'Ds_Signature');
    if (version !== REDSYS_SIGNATURE_VERSION || !params || !signature) throw invalid('missing Ds_SignatureVersion, Ds_MerchantParameters or Ds_Signature');
    let raw: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(decodeAnyBase64(params).toString('utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      raw = parsed as Record<string, unknown>;
    } catch (err) {
      throw invalid(`Ds_MerchantParameters is not base64 JSON: ${(err as Error).message}`);
    }
    // Redsys answers with Ds_Order; some integrations echo the request's upper-case names.
    const order = field(raw, 'Ds_Order') ?? field(raw, 'DS_ORDER');
    if (!order) throw invalid('no Ds_Order in the notification');
    const expected = createHmac('sha256', redsysOrderKey(this.config.merchantKey, order)).update(params, 'utf8').digest();
    const given = decodeAnyBase64(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid(`bad signature for order ${order}`);
    const amount = field(raw, 'Ds_Amount') ?? field(raw, 'DS_AMOUNT') ?? '';
    if (!/^\d{1,12}$/.test(amount)) throw invalid(`bad Ds_Amount for order ${order}`);
    const responseCode = field(raw, 'Ds_Response') ?? field(raw, 'DS_RESPONSE') ?? '';
    const response = /^\d{1,4}$/.test(responseCode) ? Number(responseCode) : Number.NaN;
    const merchantCode = field(raw, 'Ds_MerchantCode');
    if (merchantCode !== undefined && merchantCode !== this.config.merchantCode) throw invalid(`notification for merchant ${merchantCode}`);
    const authorisationCode = (field(raw, 'Ds_AuthorisationCode') ?? '').trim();
    return {
      orderId: order,
      // Redsys: 0000-0099 authorised; everything else is a refusal or an error.
      isAuthorised: response >= 0 && response <= 99,
      amountCents: Number(amount),
      responseCode,
      ...(authorisationCode ? { authorisationCode } : {}),
      raw,
    };
  }
}
