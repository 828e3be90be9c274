import fp from 'fastify-plugin';
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../domain/errors.ts';
import { actorKey } from '../domain/actor.ts';

/** The window API_RATE_LIMIT counts in: requests per minute. */
export const API_RATE_WINDOW_MS = 60_000;

/**
 * Whose budget a request spends: an API token by its id, a signed-in user by
 * their ACCOUNT id (`actorKey`, the key the socket cap counts by too) — not by
 * session, so signing in again gives no fresh allowance (issue 28) — anyone
 * else by the address Fastify computed (request.ip, which follows TRUST_PROXY).
 * No raw secret is ever a key.
 */
export function rateLimitKey(request: FastifyRequest): string {
  const actor = request.actor;
  if (actor && (actor.type === 'token' || actor.type === 'user') && actor.id) return actorKey(actor);
  return `ip:${request.ip ? normalizeIP(request.ip) : 'unknown'}`;
}

/**
 * A coarse request limit on the JSON API (GitHub issue 16): API_RATE_LIMIT
 * requests a minute per account or token (README "Configuration"; 0 = off), through
 * @fastify/rate-limit. Register it inside the `/api/v1` scope only: it limits the
 * routes registered after it in that scope, so pages, static files and the pages'
 * own live endpoint are never limited.
 *
 * The check runs as a route-level `onRequest` hook, and Fastify runs route-level
 * hooks after the shared ones of the same kind: the auth plugin's `onRequest` has
 * resolved the caller by then, and a caller over the limit is refused before its
 * body is parsed, before CSRF and before an idempotency key is reserved. A request
 * the auth plugin refuses (401, 403) never reaches it. The live socket's upgrade is
 * one HTTP request and counts once; the frames on an open socket are not requests.
 *
 * The counts live in this process (the plugin's default in-memory store): with
 * several instances each one counts on its own, so the limit is per instance,
 * coarse by design.
 */
export default fp(
  async (app) => {
    const max = app.config.API_RATE_LIMIT;
    if (max <= 0) return;
    await app.register(rateLimit, {
      max,
      timeWindow: API_RATE_WINDOW_MS,
      hook: 'onRequest',
      keyGenerator: rateLimitKey,
      // Thrown, so the one error handler (src/plugins/errors.ts) answers in problem+json, in the caller's
      // language; the plugin has already set Retry-After and the x-ratelimit-* headers on the reply.
      errorResponseBuilder: (_request, context) => {
        const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
        return new DomainError('RATE_LIMITED', 'error.api_rate_limited', { limit: context.max, seconds, minutes: Math.ceil(seconds / 60) });
      },
    });
  },
  { name: 'api-rate-limit', dependencies: ['auth', 'errors'] },
);
