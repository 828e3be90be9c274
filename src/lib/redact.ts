/**
 * What of a request URL may be written to a log (UU 27/2022: a log is a processing record too).
 *
 * Safe by construction: a query value is written only when its parameter is one of PLAIN_PARAMS (filters,
 * formats, opaque ids) and the value itself looks like one; every other value — search text (`q`), a NIK, a
 * name, a token by any spelling (`?%74oken=`, `?TOKEN=`) — is written as `[redacted]`. Names are decoded
 * (percent-encoding, `+`) before they are matched, so no spelling slips past.
 */

/** Parameters whose values say nothing about a person: filters, formats, dates, opaque ids. */
const PLAIN_PARAMS = new Set([
  'lang', 'kind', 'wilayah', 'level', 'status', 'from', 'to', 'format', 'region', 'all', 'alone', 'facility',
  'facility_id', 'person_id', 'unit_id', 'referral_id', 'handoff_id', 'page', 'limit', 'role', 'cluster',
  'outcome', 'sort', 'order', 'days', 'scale', 'tab', 'view', 'approach', 'feature', 'has_free', 'mode',
]);

/** A value written as it is: short, plain characters, no run of digits as long as a NIK, KK or phone number. */
const PLAIN_VALUE = /^[A-Za-z0-9_.,:-]{0,64}$/;
const LONG_DIGITS = /\d{10,}/;
/** A parameter name written as it is (its value may still be redacted). */
const PLAIN_NAME = /^[a-z_][a-z0-9_]{0,31}(\[\])?$/;

function decode(part: string): string | null {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/** A query string (without `?`) as it may be logged. */
export function redactQuery(query: string): string {
  if (!query) return '';
  return query
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq === -1 ? pair : pair.slice(0, eq);
      const name = decode(rawName)?.trim().toLowerCase() ?? '';
      const shownName = PLAIN_NAME.test(name) && !LONG_DIGITS.test(name) ? name : '_';
      if (eq === -1) return shownName;
      const value = decode(pair.slice(eq + 1));
      const plain = PLAIN_PARAMS.has(name) && value !== null && PLAIN_VALUE.test(value) && !LONG_DIGITS.test(value);
      return `${shownName}=${plain ? value : '[redacted]'}`;
    })
    .join('&');
}

/**
 * A path as it may be logged when no route pattern is known (a 404): a segment that is not a plain word or
 * id (spaces, percent-escapes, a long run of digits) is written as `:x`.
 */
export function maskPath(path: string): string {
  return path
    .split('/')
    .map((seg) => {
      if (seg === '') return seg;
      const d = decode(seg);
      return d !== null && /^[A-Za-z0-9_.~-]{1,64}$/.test(d) && !LONG_DIGITS.test(d) ? d : ':x';
    })
    .join('/');
}

function split(url: string): [string, string] {
  const q = url.indexOf('?');
  const path = (q === -1 ? url : url.slice(0, q)).split('#')[0]!;
  const query = q === -1 ? '' : url.slice(q + 1).split('#')[0]!;
  return [path, query];
}

/** A raw URL as it may be logged: the path masked (see maskPath), the query redacted. */
export function redactUrl(url: string): string {
  const [path, query] = split(url);
  const q = redactQuery(query);
  return maskPath(path) + (q ? `?${q}` : '');
}

/**
 * The URL of a request as every log line writes it: the route's pattern (`/api/v1/residents/:id`, never the
 * id typed or the path of a 404 as sent) and the redacted query.
 */
export function loggedUrl(request: { url: string; routeOptions?: { url?: string | undefined } }): string {
  const [path, query] = split(request.url);
  const q = redactQuery(query);
  return (request.routeOptions?.url ?? maskPath(path)) + (q ? `?${q}` : '');
}

/**
 * An error as it may be logged: its type, code, message and stack, and its causes' the same. Not its other
 * fields: a PostgreSQL error's `detail` quotes the row's values ("Key (nik)=(3171…) already exists"), and a
 * driver may attach the statement's parameters.
 */
export function errorForLog(err: Error): { [key: string]: unknown; type: string; message: string; stack: string } {
  // Some lines log a message as `err` (a string): it is kept as it is.
  if (!(err instanceof Error)) return err as never;
  return { ...plainError(err, 0), stack: err.stack ?? '' };
}

function plainError(err: Error, depth: number): { [key: string]: unknown; type: string; message: string } {
  const e = err as Error & { code?: unknown; constraint?: unknown; statusCode?: unknown };
  const out: { [key: string]: unknown; type: string; message: string } = { type: e.name, message: e.message };
  if (typeof e.code === 'string' || typeof e.code === 'number') out.code = e.code;
  if (typeof e.constraint === 'string') out.constraint = e.constraint;
  if (typeof e.statusCode === 'number') out.statusCode = e.statusCode;
  if (e.cause instanceof Error && depth < 3) out.cause = plainError(e.cause, depth + 1);
  return out;
}
