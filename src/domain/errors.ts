/**
 * The one catalogue of domain errors. Each transport maps `code` to its own
 * status in one place (src/plugins/errors.ts); messages are i18n keys.
 */
export const ERROR_CODES = {
  VALIDATION: 422,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CSRF: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  NO_FREE_PLACE: 409,
  IN_PROGRESS: 409,
  /** Nothing saved: the caller must decide (a possible duplicate, a NIK that disagrees) and send again. */
  NEEDS_DECISION: 409,
  RATE_LIMITED: 429,
  /** The database cannot take a write now (full disk, read-only, PostgreSQL gone): nothing saved, try again. */
  UNAVAILABLE: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldError {
  /** Dotted path of the field, e.g. "persons.0.nik". */
  path: string;
  /** i18n key (or an already translated message). */
  message: string;
  params?: Record<string, unknown>;
}

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly messageKey: string;
  readonly params: Record<string, unknown> | undefined;
  readonly fieldErrors: FieldError[];
  /** Members a problem of this kind adds to its body (RFC 9457 extension members), e.g. `duplicates`. */
  readonly members: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, messageKey: string, params?: Record<string, unknown>, fieldErrors: FieldError[] = [], members?: Record<string, unknown>) {
    super(messageKey);
    this.name = 'DomainError';
    this.code = code;
    this.messageKey = messageKey;
    this.params = params;
    this.fieldErrors = fieldErrors;
    this.members = members;
  }

  get status(): number {
    return ERROR_CODES[this.code];
  }
}

export const notFound = (key = 'error.not_found', params?: Record<string, unknown>) =>
  new DomainError('NOT_FOUND', key, params);
export const forbidden = (key = 'error.forbidden', params?: Record<string, unknown>) =>
  new DomainError('FORBIDDEN', key, params);
export const conflict = (key = 'error.conflict', params?: Record<string, unknown>) =>
  new DomainError('CONFLICT', key, params);
export const noFreePlace = (key = 'error.no_free_place', params?: Record<string, unknown>) =>
  new DomainError('NO_FREE_PLACE', key, params);
export const invalid = (fieldErrors: FieldError[], key = 'error.validation') =>
  new DomainError('VALIDATION', key, undefined, fieldErrors);
/** Nothing saved: what the caller must decide travels in `members` (`duplicates`, `nik_warnings`). */
export const needsDecision = (key: string, members: Record<string, unknown>) =>
  new DomainError('NEEDS_DECISION', key, undefined, [], members);
/** One bad field. */
export const invalidField = (path: string, message: string, params?: Record<string, unknown>) =>
  invalid([{ path, message, ...(params ? { params } : {}) }]);
