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

export interface PaymentGateway {
  /** Short stable name stored with payments: "redsys", "sandbox". */
  readonly name: string;
  createPayment(input: CreatePaymentInput): { redirectForm: RedirectForm };
  /**
   * Checks a notification body (form fields or JSON). Throws AppError `gateway.invalid_notification` (400) when the
   * signature or content is wrong; never returns unverified data.
   */
  verifyNotification(body: unknown): VerifiedNotification;
}
