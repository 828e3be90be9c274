import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ERROR_CODES, type ErrorCode } from '../domain/errors.ts';
import { translate } from '../i18n/index.ts';
import { redactUrl } from '../lib/redact.ts';
import { databaseUnavailable } from '../domain/system/health.ts';
import { DoorInvalid } from './zod.ts';

const TITLE_KEYS: Record<ErrorCode, string> = {
  VALIDATION: 'error.validation',
  BAD_REQUEST: 'error.bad_request',
  UNAUTHENTICATED: 'error.unauthenticated',
  FORBIDDEN: 'error.forbidden',
  CSRF: 'error.csrf',
  NOT_FOUND: 'error.not_found',
  CONFLICT: 'error.conflict',
  NO_FREE_PLACE: 'error.no_free_place',
  IN_PROGRESS: 'error.in_progress',
  NEEDS_DECISION: 'residents.needs_decision_title',
  RATE_LIMITED: 'error.rate_limited',
  UNAVAILABLE: 'error.unavailable',
};

/** How long a caller is asked to wait when the database cannot be written (the readiness probe runs every 10 s). */
const UNAVAILABLE_RETRY_SECONDS = 30;
/**
 * How long a caller is asked to wait when the same idempotency key is still being processed (IN_PROGRESS): the
 * first request is running (or its answer was lost on the way), and a repeat soon gets its answer. The header is
 * what tells this 409 from one that needs a decision: the device queue (static/js/outbox.js) sends it again later.
 */
const IN_PROGRESS_RETRY_SECONDS = 2;

/** Problem types are stable, documented URIs relative to the API (docs/api.md). */
const problemType = (code: string) => `/problems/${code.toLowerCase().replace(/_/g, '-')}`;

/** Fastify's own errors (bad JSON, wrong content type, body too large) as domain codes. */
function fromFastify(err: FastifyError): { code: ErrorCode; status: number } | null {
  const status = err.statusCode ?? 500;
  if (status === 413) return { code: 'BAD_REQUEST', status: 413 };
  if (status === 415) return { code: 'BAD_REQUEST', status: 415 };
  if (status >= 400 && status < 500) return { code: 'BAD_REQUEST', status: 400 };
  return null;
}

/**
 * One error handler: domain errors become problem+json for the API and a
 * message (a fragment for htmx, a page otherwise) for people. The real
 * message of anything unexpected is logged, never shown.
 */
export default fp(
  async (app) => {
    app.setErrorHandler((thrown: FastifyError | DomainError | DoorInvalid, request, reply) => {
      // A request that failed its route's zod schema: the same 422 as the domain's own parse would give.
      const err = thrown instanceof DoorInvalid ? thrown.toDomainError(request.lang) : thrown;
      let code: ErrorCode;
      let status: number;
      let messageKey: string;
      let params: Record<string, unknown> | undefined;
      let fieldErrors: DomainError['fieldErrors'] = [];
      let members: DomainError['members'];
      if (err instanceof DomainError) {
        code = err.code;
        status = err.status;
        messageKey = err.messageKey;
        params = err.params;
        fieldErrors = err.fieldErrors;
        members = err.members;
      } else {
        const mapped = fromFastify(err);
        const unavailable = mapped ? null : databaseUnavailable(err);
        if (unavailable) {
          // A full disk, a read-only database, PostgreSQL gone: the transaction rolled back, nothing was saved.
          // 503 and Retry-After (as /readyz says 503 by then), so a client or the proxy tries again; never a 500.
          request.log.error({ reason: unavailable, method: request.method, url: redactUrl(request.url) }, 'database unavailable');
          reply.header('Retry-After', String(UNAVAILABLE_RETRY_SECONDS));
          return sendError(request, reply, 503, 'UNAVAILABLE', 'error.unavailable', { seconds: UNAVAILABLE_RETRY_SECONDS });
        }
        if (mapped) {
          ({ code, status } = mapped);
          messageKey = TITLE_KEYS[code];
          request.log.info({ err: err.message, url: redactUrl(request.url) }, 'bad request');
        } else {
          request.log.error({ err, method: request.method, url: redactUrl(request.url), params: request.params }, 'unhandled error');
          return sendError(request, reply, 500, 'INTERNAL', 'error.internal');
        }
      }
      // The API request limit (src/plugins/rate-limit.ts) has set the exact seconds already; the login limits have not.
      if (code === 'RATE_LIMITED' && !reply.hasHeader('retry-after')) reply.header('Retry-After', String(Number(params?.minutes ?? 1) * 60));
      if (code === 'IN_PROGRESS') reply.header('Retry-After', String(IN_PROGRESS_RETRY_SECONDS));
      return sendError(request, reply, status, code, messageKey, params, fieldErrors, members);
    });

    app.setNotFoundHandler((request, reply) => sendError(request, reply, 404, 'NOT_FOUND', 'error.not_found'));
  },
  { name: 'errors', dependencies: ['views'] },
);

export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: ErrorCode | 'INTERNAL',
  messageKey: string,
  params?: Record<string, unknown>,
  fieldErrors: DomainError['fieldErrors'] = [],
  members?: DomainError['members'],
) {
  const t = (k: string, p?: Record<string, unknown>) => translate(request.lang, k, p);
  const title = t(code === 'INTERNAL' ? 'error.internal' : TITLE_KEYS[code], params);
  const detail = t(messageKey, params);
  if (request.isApi || !request.t) {
    // The one problem+json body (RFC 9457): a kind's own members after the standard ones, never over them;
    // request_id is what an integrator quotes to the operator, who finds the request's log lines by it.
    const body: Record<string, unknown> = { ...members, type: problemType(code), title, status, detail, code, request_id: request.id };
    if (fieldErrors.length) body.errors = fieldErrors.map((e) => ({ path: e.path, message: t(e.message, e.params) }));
    // The way on, where the domain names one (a child refused: a referral toward child protection).
    if (params?.offer && typeof params.offer === 'object') body.offer = params.offer;
    return reply.code(status).type('application/problem+json').send(body);
  }
  const errors = fieldErrors.map((e) => ({ path: e.path, message: t(e.message, e.params) }));
  if (request.isHtmx) {
    return reply.view('partials/error', { status, title, detail, errors, requestId: request.id }, { status });
  }
  return reply.view('pages/error', { status, title, detail, errors, requestId: request.id }, { status });
}

export { ERROR_CODES };
