import fp from 'fastify-plugin';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { loggedUrl } from '../lib/redact.ts';

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * A proxy's id is taken as it is when it could not carry anything else: short, plain characters (nginx's
 * `$request_id` is 32 hex digits), and not a bare number as long as a NIK or a phone number (the id is written
 * on every log line). Anything else gets an id of our own.
 */
const SANE_ID = /^[A-Za-z0-9._:-]{8,64}$/;
const BARE_NUMBER = /^\d{10,}$/;

/** Fastify's genReqId: the proxy's `X-Request-Id` when sane, else a fresh UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const sent = req.headers[REQUEST_ID_HEADER];
  if (typeof sent === 'string' && SANE_ID.test(sent) && !BARE_NUMBER.test(sent)) return sent;
  return randomUUID();
}

/**
 * The request line as every log writes it: the route pattern and the redacted query (src/lib/redact.ts), so
 * search text, a NIK, a name or a token in a URL never reaches a log, at any level.
 */
export function requestSerializer(req: {
  method: string;
  url: string;
  routeOptions?: { url?: string | undefined };
  hostname?: string;
  ip?: string;
  socket?: { remotePort?: number };
}) {
  return { method: req.method, url: loggedUrl(req), host: req.hostname, remoteAddress: req.ip, remotePort: req.socket?.remotePort };
}

/** Every answer carries the request's id, so an officer can quote it and an operator find its log lines. */
export default fp(
  async (app) => {
    app.addHook('onRequest', async (request, reply) => {
      reply.header('X-Request-Id', request.id);
    });
  },
  { name: 'request-id' },
);
