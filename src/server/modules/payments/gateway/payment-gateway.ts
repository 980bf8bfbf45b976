/**
 * What the payments module needs from a card-payment gateway. The citizen's browser is sent to the gateway with an
 * auto-submitted form; the gateway later tells us the outcome server to server (the notification), which is the
 * only thing that may mark a receipt paid. Money is integer cents (euros).
 */
export interface CreatePaymentInput {
  /** Our order number, unique per payment attempt. Redsys: 4-12 characters, the first 4 digits. */
  orderId: string;
  amountCents: number;
  /** Shown to the citizen on the gateway's page. */
  description: string;
  /** Where the browser returns after a successful / failed payment (informative only: never trusted). */
  urlOk: string;
  urlKo: string;
  /** Where the gateway posts the signed notification. */
  notifyUrl: string;
  /** The citizen's language, for the gateway's page. */
  language?: 'es' | 'ca' | 'en';
  /** When our order stops being open (epoch ms): a gateway page that can expire should not outlive it. */
  expiresAt?: number;
}

/** A form the browser submits to reach the gateway. */
export interface RedirectForm {
  url: string;
  method: 'POST' | 'GET';
  fields: Record<string, string>;
}

export interface VerifiedNotification {
  orderId: string;
  /** True only for an authorised (paid) operation. */
  isAuthorised: boolean;
  /** The amount the gateway charged, integer cents: compare it with what we asked for. */
  amountCents: number;
  /** The gateway's authorisation code, when it gave one. */
  authorisationCode?: string;
  /** The gateway's response code ("0000", "9915"...). */
  responseCode: string;
  /** The decoded parameters as the gateway sent them, for the audit log. */
  raw: Record<string, unknown>;
}

/** A refund to send: the whole amount the gateway charged for one of our orders. */
export interface RefundRequest {
  orderId: string;
  amountCents: number;
}

/** The gateway took the refund; `response` is its answer as it gave it (for the staff console). */
export interface RefundResult {
  response: string;
}

/**
 * Thrown by `refund` when the gateway refused this refund itself (an error code, not an outage): retrying cannot
 * help, a person must look. Any other error is retried.
 */
export class RefundRefusedError extends Error {
  readonly isPermanent = true;
  constructor(readonly response: string) {
    super(`refund refused by the gateway: ${response}`);
  }
}

export interface PaymentGateway {
  /** Short stable name stored with payments: "redsys", "sandbox". */
  readonly name: string;
  createPayment(input: CreatePaymentInput): { redirectForm: RedirectForm };
  /**
   * Checks a notification body (form fields or JSON). Throws AppError `gateway.invalid_notification` (400) when the
   * signature or content is wrong; never returns unverified data.
   */
  verifyNotification(body: unknown): VerifiedNotification;
  /**
   * 'auto' when this gateway (for this council) may be asked for refunds without a person: `refund` is then defined.
   * 'manual' (or absent): refund cases wait for staff on the console.
   */
  readonly refunds?: 'auto' | 'manual';
  /** Sends a refund of an authorised order; throws RefundRefusedError when refused, anything else on an outage. */
  refund?(request: RefundRequest): Promise<RefundResult>;
}
