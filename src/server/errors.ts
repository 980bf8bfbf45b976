import type { Language } from '../shared/languages.ts';
import { hasKey, t } from './i18n.ts';

/**
 * The HTTP status of every error code. A code means one thing, so it has one status wherever it is thrown: a throw
 * site does not choose it (src/server/errors.test.ts fails when a `new AppError('<code>', { status })` disagrees,
 * or when a thrown code is missing here). Codes built at run time (`${ns}.file_too_large`) are listed too.
 */
export const ERROR_STATUS = {
  'analytics.invalid_range': 400,
  'analytics.range_too_long': 400,

  'appointments.already_booked': 409,
  'appointments.already_cancelled': 409,
  'appointments.invalid_slot': 400,
  'appointments.not_found': 404,
  'appointments.office_not_found': 404,
  'appointments.outside_window': 400,
  'appointments.same_slot': 409,
  'appointments.service_not_found': 404,
  'appointments.slot_full': 409,
  'appointments.slot_past': 400,
  'appointments.too_many_open': 409,

  'assistant.busy': 409,
  'assistant.conversation_closed': 409,
  'assistant.conversation_not_found': 404,
  'assistant.turn_not_found': 404,

  'certificates.invalid_data': 422,
  'certificates.no_padron_record': 404,
  'certificates.not_found': 404,

  'common.bad_request': 400,
  'common.conflict': 409,
  'common.csrf': 403,
  'common.forbidden': 403,
  'common.idempotency_mismatch': 422,
  'common.invalid_json': 400,
  'common.invalid_unicode': 400,
  'common.json_too_deep': 400,
  'common.not_found': 404,
  'common.nul_byte': 400,
  'common.payload_too_large': 413,
  'common.rate_limited': 429,
  'common.too_many_files': 413,
  'common.unauthorized': 401,
  'common.unexpected': 500,
  'common.unsupported_media_type': 415,
  'common.validation': 400,

  'connectors.export_not_failed': 404,

  'db.locked': 503,

  'filings.department_not_found': 400,
  'filings.empty_file': 400,
  'filings.field_too_long': 413,
  'filings.file_too_large': 413,
  'filings.idempotency_mismatch': 409,
  'filings.invalid_body': 400,
  'filings.invalid_idempotency_key': 400,
  'filings.invalid_subject': 400,
  'filings.multipart_required': 415,
  'filings.not_found': 404,
  'filings.receipt_unavailable': 503,
  'filings.too_many_fields': 413,
  'filings.too_many_files': 413,
  'filings.unsupported_type': 415,

  'forum.category_not_found': 404,
  'forum.email_not_verified': 403,
  'forum.flag_not_found': 404,
  'forum.forbidden': 403,
  'forum.invalid_status': 409,
  'forum.moderator_required': 403,
  'forum.own_project': 422,
  'forum.post_not_found': 404,
  'forum.project_not_found': 404,
  'forum.request_not_found': 404,
  'forum.sign_in_required': 401,
  'forum.thread_locked': 409,
  'forum.thread_not_found': 404,

  'gateway.delivery_failed': 502,
  'gateway.invalid_amount': 400,
  'gateway.invalid_notification': 400,
  'gateway.invalid_order': 400,
  'gateway.sandbox_not_found': 404,

  'handoff.already_taken': 409,
  'handoff.bad_message': 400,
  'handoff.conversation_not_found': 404,
  'handoff.empty_message': 400,
  'handoff.not_found': 404,
  'handoff.not_yours': 403,

  'identity.card_locked': 423,
  'identity.card_not_found': 404,
  'identity.certificate_expired': 401,
  'identity.certificate_invalid': 401,
  'identity.certificate_missing': 401,
  'identity.certificate_unavailable': 404,
  'identity.invalid_card_or_pin': 401,
  'identity.invalid_credentials': 401,
  'identity.invalid_role': 400,
  'identity.oidc_disabled': 404,
  'identity.oidc_failed': 401,
  'identity.oidc_state_mismatch': 403,
  'identity.oidc_unavailable': 502,
  'identity.password_too_short': 400,
  'identity.staff_exists': 409,
  'identity.staff_locked': 429,

  'kiosks.invalid_token': 401,
  'kiosks.not_a_kiosk': 401,

  'knowledge.crawl_not_found': 404,
  'knowledge.crawl_running': 409,
  'knowledge.empty_question': 400,
  'knowledge.faq_not_found': 404,
  'knowledge.invalid_url': 400,

  'nlu.empty_text': 400,
  'nlu.no_database': 503,
  'nlu.tenant_mismatch': 400,
  'nlu.unknown_intent': 400,

  'observatory.account_not_found': 404,
  'observatory.adopter_required': 422,
  'observatory.bad_credentials': 401,
  'observatory.cannot_adopt_own': 422,
  'observatory.domain_not_allowed': 403,
  'observatory.editor_required': 403,
  'observatory.email_not_verified': 403,
  'observatory.email_taken': 409,
  'observatory.file_not_found': 404,
  'observatory.forbidden': 403,
  'observatory.handle_taken': 409,
  'observatory.invalid_domain': 422,
  'observatory.invalid_token': 400,
  'observatory.invalid_transition': 409,
  'observatory.multipart_required': 415,
  'observatory.no_files': 400,
  'observatory.portfolio_not_found': 404,
  'observatory.project_not_found': 404,
  'observatory.sign_in_locked': 429,
  'observatory.sign_in_required': 401,
  'observatory.unknown_municipality': 404,
  'observatory.unknown_portfolio': 422,

  'padron.connector_unavailable': 503,
  'padron.not_found': 404,
  'padron.not_registered': 404,

  'payments.already_paid': 409,
  'payments.connector_unavailable': 503,
  'payments.email_required': 400,
  'payments.gateway_not_found': 404,
  'payments.invalid_amount': 400,
  'payments.invalid_notification': 400,
  'payments.invalid_phone': 400,
  'payments.not_found': 404,
  'payments.not_paid': 409,
  'payments.payment_in_progress': 409,
  'payments.phone_required': 400,
  'payments.receipt_unavailable': 503,
  'payments.refund_closed': 409,
  'payments.refund_in_progress': 409,
  'payments.refund_not_found': 404,
  'payments.sms_unavailable': 400,

  'privacy.invalid_dni': 400,

  'speech.empty_text': 400,
  'speech.text_too_long': 400,
  'speech.unavailable': 503,

  'storage.empty_file': 400,
  'storage.file_too_large': 413,
  'storage.not_found': 404,
  'storage.too_many_files': 413,
  'storage.unavailable': 503,
  'storage.unsupported_type': 415,

  'system.database_unreachable': 503,

  'tenants.not_found': 404,
  'tenants.required': 400,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

const STATUS_BY_CODE: ReadonlyMap<string, number> = new Map(Object.entries(ERROR_STATUS));

/** The status of a code; 400 for a code not in the table (the test keeps that from happening in our sources). */
export function statusOf(code: string): number {
  return STATUS_BY_CODE.get(code) ?? 400;
}

export interface AppErrorOptions {
  /**
   * HTTP status. Leave it out: it comes from ERROR_STATUS (errors.test.ts refuses it at a throw site with a literal
   * code). Only a code computed at run time (`${ns}.file_too_large`, an upstream mapping) may still give it.
   */
  status?: number;
  /** Values for the translated message ({name} placeholders). Never personal data. */
  params?: Record<string, string | number>;
  /** A message for the log only; never shown to the user. */
  log?: string;
  /** Extra machine-readable detail returned with the error (e.g. field paths). */
  details?: unknown;
  cause?: unknown;
}

/**
 * The one error type. `code` is stable and namespaced: "<namespace>.<name>", and the user message
 * lives in locales/<lang>/<namespace>.json under errors.<name>.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly params: Record<string, string | number>;
  readonly details: unknown;

  constructor(code: string, opts: AppErrorOptions = {}) {
    super(opts.log ?? code, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = opts.status ?? statusOf(code);
    this.params = opts.params ?? {};
    this.details = opts.details;
  }

  /** The message for the user in their language. */
  userMessage(lang: Language): string {
    return translateErrorCode(this.code, lang, this.params);
  }
}

/** "appointments.slot_full" -> "appointments:errors.slot_full". */
export function errorMessageKey(code: string): string {
  const dot = code.indexOf('.');
  if (dot < 0) return `common:errors.${code}`;
  return `${code.slice(0, dot)}:errors.${code.slice(dot + 1)}`;
}

export function translateErrorCode(code: string, lang: Language, params: Record<string, unknown> = {}): string {
  const key = errorMessageKey(code);
  return hasKey(lang, key) ? t(lang, key, params) : t(lang, 'common:errors.unexpected');
}
