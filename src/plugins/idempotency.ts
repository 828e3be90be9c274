import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { and, eq, lt } from 'drizzle-orm';
import { idempotencyKeys } from '../db/schema/index.ts';
import { actorKey } from '../domain/actor.ts';
import { DomainError, invalidField } from '../domain/errors.ts';
import { createHash } from 'node:crypto';
import { write, type WriteScope } from '../db/client.ts';
import { nowIso } from '../lib/time.ts';

const KEY_RE = /^[A-Za-z0-9_.:-]{8,100}$/;
const PENDING = 0;
/** Keys are kept a day: long enough for a tablet that retries after the Wi-Fi returns. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { actorKey: string; key: string; nothingDone?: boolean } | null;
  }
}

/**
 * The answer is the form shown again and nothing was done (a likely duplicate or a NIK warning to
 * decide, a person row added or removed): the key is freed, as for a refusal, instead of being kept as
 * the request's final answer. Kept, a repeat of the key (a queued save replayed after its answer was
 * lost) would be sent on as if saved, and the decision it needs would never be asked.
 */
export function nothingDone(request: FastifyRequest): void {
  if (request.idempotency) request.idempotency.nothingDone = true;
}

/**
 * A POST with an `Idempotency-Key` header or `idempotency_key` field that
 * repeats an earlier one from the same account, to the same endpoint with the
 * same body, returns the earlier answer and does nothing more; the same key
 * with another body or endpoint is a 422 and does nothing (INTERFACES.md). The key is reserved (a row with status 0) before the
 * handler runs, synchronously, so a concurrent duplicate sees the reservation;
 * a 2xx/3xx answer is stored, anything else (or an answer marked `nothingDone`) frees the key for a retry.
 */
export default fp(
  async (app) => {
    app.decorateRequest('idempotency', null);

    const keyOf = (request: FastifyRequest): string | undefined => {
      if (request.method !== 'POST' || !request.actor || request.actor.type === 'system') return undefined;
      const body = request.body as Record<string, unknown> | undefined;
      const raw = request.headers['idempotency-key'] ?? (body && typeof body === 'object' ? body.idempotency_key : undefined);
      if (raw === undefined || raw === '') return undefined;
      if (typeof raw !== 'string' || !KEY_RE.test(raw)) throw new DomainError('BAD_REQUEST', 'error.bad_request');
      return raw;
    };
    // A malformed key is refused before the body's fields are checked (src/plugins/zod.ts): it is the request that is malformed.
    app.addHook('preValidation', async (request) => {
      keyOf(request);
    });

    app.addHook('preHandler', async (request, reply) => {
      const raw = keyOf(request);
      if (raw === undefined) return;
      const body = request.body as Record<string, unknown> | undefined;
      const ak = actorKey(request.actor!);
      // The endpoint is the path as called (two records' /:id are two endpoints), without the query.
      const path = request.method + ' ' + request.url.split('?')[0];
      const hash = requestHash(body);
      // Looked up and, when new, reserved in one write: of concurrent first uses (on any instance), one
      // reserves the key and every other finds it, and is answered by the same rules. The write locks this
      // key only (the unique index decides a race anyway), so a desk's keyed request never waits on another's.
      const existing = await write(app.db, async (tx) => {
        const found = await tx
          .select()
          .from(idempotencyKeys)
          .where(and(eq(idempotencyKeys.actorKey, ak), eq(idempotencyKeys.key, raw)))
          .get();
        if (found) return found;
        const reserved = (
          await tx
            .insert(idempotencyKeys)
            .values({ actorKey: ak, key: raw, method: request.method, path, requestHash: hash, statusCode: PENDING, body: '', createdAt: nowIso() })
            .onConflictDoNothing()
            .run()
        ).changes;
        if (reserved === 0) throw new DomainError('IN_PROGRESS', 'error.in_progress');
        return null;
      }, keyScope(ak, raw));
      if (existing) {
        // One key names one request: reused for another body or endpoint it is refused, and nothing runs.
        if (existing.path !== path || existing.requestHash !== hash) throw invalidField('idempotency_key', 'error.idempotency_reused');
        if (existing.statusCode === PENDING) throw new DomainError('IN_PROGRESS', 'error.in_progress');
        reply.header('Idempotent-Replayed', 'true');
        if (existing.body === '' && existing.statusCode < 300 && existing.contentType?.startsWith('text/html')) {
          // A page's answer is not kept (it may show personal data): the repeat shows the page as it is now.
          if (request.isHtmx) return reply.code(200).header('HX-Refresh', 'true').send('');
          return reply.redirect(existing.location ?? '/', 303);
        }
        if (existing.location) reply.header('Location', existing.location);
        if (existing.contentType) reply.type(existing.contentType);
        return reply.code(existing.statusCode).send(existing.body);
      }
      request.idempotency = { actorKey: ak, key: raw };
    });

    app.addHook('onSend', async (request, reply, payload) => {
      const idem = request.idempotency;
      if (!idem) return payload;
      request.idempotency = null;
      const where = and(eq(idempotencyKeys.actorKey, idem.actorKey), eq(idempotencyKeys.key, idem.key));
      const status = reply.statusCode;
      const storable = request.routeOptions.config?.idempotent !== false;
      await write(app.db, async (tx) => {
        if (status >= 200 && status < 400 && !idem.nothingDone) {
          const location = reply.getHeader('location');
          const contentType = String(reply.getHeader('content-type') ?? '');
          // HTML pages may show what was typed (a NIK, an address): only the fact that it ran is kept,
          // with the page to go back to. JSON answers are kept whole so an API client gets the same one.
          const keepBody = storable && !contentType.startsWith('text/html');
          await tx.update(idempotencyKeys)
            .set({
              statusCode: status,
              body: keepBody && typeof payload === 'string' ? payload : keepBody && Buffer.isBuffer(payload) ? payload.toString('utf8') : '',
              contentType,
              location: typeof location === 'string' ? location : returnPath(request),
            })
            .where(where)
            .run();
        } else {
          await tx.delete(idempotencyKeys).where(where).run();
        }
      }, keyScope(idem.actorKey, idem.key));
      return payload;
    });

    // A request that died before onSend (connection dropped) frees its key.
    app.addHook('onResponse', async (request) => {
      const idem = request.idempotency;
      if (!idem) return;
      await write(app.db, async (tx) =>
        await tx
          .delete(idempotencyKeys)
          .where(and(eq(idempotencyKeys.actorKey, idem.actorKey), eq(idempotencyKeys.key, idem.key), eq(idempotencyKeys.statusCode, PENDING)))
          .run(),
        keyScope(idem.actorKey, idem.key),
      );
    });
  },
  { name: 'idempotency', dependencies: ['auth', 'db'] },
);

/** What a key's writes touch: that key's row only (db/engine.ts WriteScope). */
function keyScope(actorKey: string, key: string): WriteScope {
  return { locks: [`idempotency:${actorKey}:${key}`] };
}

/**
 * The body as a stable digest: keys sorted at every level, the CSRF token and the key itself left
 * out (a new page load brings a new form but the same request). Repeated form fields keep their order.
 */
export function requestHash(body: unknown): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v as object)
          .filter((k) => k !== '_csrf' && k !== 'idempotency_key')
          .sort()
          .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return createHash('sha256').update(JSON.stringify(canonical(body ?? null)) ?? 'null').digest('hex');
}

/** Where a repeated page submit is sent back to: the path of the page it came from (never another site: only the path is kept). */
function returnPath(request: import('fastify').FastifyRequest): string | null {
  const from = request.headers['hx-current-url'] ?? request.headers.referer;
  if (typeof from !== 'string') return null;
  try {
    const url = new URL(from, 'http://local');
    return url.pathname.startsWith('//') ? null : url.pathname + url.search;
  } catch {
    return null;
  }
}

export async function purgeIdempotencyKeys(db: import('../db/client.ts').Db): Promise<number> {
  const cutoff = new Date(Date.now() - IDEMPOTENCY_TTL_MS).toISOString();
  return await write(db, async (tx) => (await tx.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, cutoff)).run()).changes);
}
