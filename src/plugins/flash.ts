import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { and, count, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { write, type Db } from '../db/client.ts';
import { flashMessages } from '../db/schema/index.ts';
import { newId } from '../lib/ids.ts';

export interface Flash {
  kind: 'ok' | 'warn' | 'error' | 'secret';
  message: string;
}

/**
 * One-shot messages shown on the next full page a session renders, on any
 * instance behind the proxy: kept in the database (flash_messages), encrypted,
 * because some carry a one-time password or an API token that must never be
 * stored in clear. Each lives five minutes and is deleted when shown.
 *
 * `flash()` stays synchronous for the routes: it buffers on the request, and
 * the reply's onSend hook stores what the page did not show (one write). A
 * small cookie says a message is waiting, so a page view reads the table only
 * then, and writes only to delete what it showed.
 */
export const FLASH_TTL_MS = 5 * 60_000;
/** The hint cookie: "something is waiting for this browser's session" (no content; forging it costs one read). */
export const FLASH_HINT_COOKIE = 'sgh_flash';
/** Messages one request may leave (an intake of a large family leaves a warning each). */
const MAX_PER_REQUEST = 50;

interface Loaded {
  id: string;
  items: Flash[];
}

interface FlashState {
  /** Flashed during this request, not yet shown. */
  pending: Flash[];
  /** Read from the table for this request (when the hint cookie was there). */
  loaded: Loaded[] | null;
  /** Rows shown (or unreadable) in this request: deleted in onSend. */
  taken: string[];
}

const states = new WeakMap<FastifyRequest, FlashState>();
function stateOf(request: FastifyRequest): FlashState {
  let s = states.get(request);
  if (!s) states.set(request, (s = { pending: [], loaded: null, taken: [] }));
  return s;
}

export function flash(request: FastifyRequest, item: Flash): void {
  if (!request.session?.idHash) return;
  const s = stateOf(request);
  if (s.pending.length < MAX_PER_REQUEST) s.pending.push(item);
}

/** The messages for the page being rendered: those waiting from earlier requests, then this request's own. */
export function takeFlash(request: FastifyRequest): Flash[] {
  if (!request.session?.idHash) return [];
  const s = states.get(request);
  // An htmx fragment has no place to show it; keep it for the next full page.
  if (!s || request.isHtmx) return [];
  const out: Flash[] = [];
  for (const row of s.loaded ?? []) {
    out.push(...row.items);
    s.taken.push(row.id);
  }
  s.loaded = s.loaded && [];
  out.push(...s.pending);
  s.pending = [];
  return out;
}

/** The message key, from the session secret (the same on every instance). */
export function flashKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'singgah', 'singgah flash messages v1 (aes-256-gcm)', 32));
}

const VERSION = 'v1.';

/** AES-256-GCM; the session's id hash is associated data, so a row cannot be moved to another session. */
export function sealFlash(key: Buffer, sessionHash: string, items: Flash[]): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(sessionHash, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(items), 'utf8'), cipher.final()]);
  return VERSION + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The messages, or null when the payload was not sealed with this key for this session. */
export function openFlash(key: Buffer, sessionHash: string, payload: string): Flash[] | null {
  if (!payload.startsWith(VERSION)) return null;
  try {
    const raw = Buffer.from(payload.slice(VERSION.length), 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(sessionHash, 'utf8'));
    decipher.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    const items = JSON.parse(text) as unknown;
    return Array.isArray(items) ? (items as Flash[]) : null;
  } catch {
    return null;
  }
}

/** Housekeeping: messages nobody came back for. */
export async function purgeExpiredFlashes(db: Db, now = Date.now()): Promise<number> {
  return await write(db, async (tx) => (await tx.delete(flashMessages).where(lte(flashMessages.expiresAt, new Date(now).toISOString())).run()).changes);
}

function setHint(request: FastifyRequest, reply: FastifyReply, waiting: boolean): void {
  const opts = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: request.protocol === 'https' };
  if (waiting) reply.setCookie(FLASH_HINT_COOKIE, '1', { ...opts, maxAge: FLASH_TTL_MS / 1000 });
  else reply.clearCookie(FLASH_HINT_COOKIE, opts);
}

export default fp<{ secret: string }>(
  async (app, opts) => {
    const key = flashKey(opts.secret);
    const db = app.db;

    // A full page for a session with something waiting: read it (no write yet; it is deleted once shown).
    app.addHook('preHandler', async (request) => {
      const hash = request.session?.idHash;
      if (!hash || request.isApi || request.isHtmx || request.cookies[FLASH_HINT_COOKIE] === undefined) return;
      if (request.url.startsWith('/static/')) return;
      const rows = await db
        .select({ id: flashMessages.id, payload: flashMessages.payload })
        .from(flashMessages)
        .where(and(eq(flashMessages.sessionHash, hash), gt(flashMessages.expiresAt, new Date().toISOString())))
        // Insertion order: SQLite's rowid, and the identity column PostgreSQL's derived schema gives every table.
        .orderBy(sql`rowid`)
        .all();
      const s = stateOf(request);
      s.loaded = [];
      for (const row of rows) {
        const items = openFlash(key, hash, row.payload);
        // Sealed with another secret (it was changed): unreadable, so it goes.
        if (items) s.loaded.push({ id: row.id, items });
        else s.taken.push(row.id);
      }
    });

    // Store what was flashed but not shown, delete what was shown, and say whether anything still waits.
    app.addHook('onSend', async (request, reply, payload) => {
      const hash = request.session?.idHash;
      const s = states.get(request);
      const hinted = request.cookies?.[FLASH_HINT_COOKIE] !== undefined;
      if (!hash || (!s && !hinted)) return payload;
      const pending = s?.pending ?? [];
      const taken = s?.taken ?? [];
      if (pending.length === 0 && taken.length === 0) {
        // The hint led to nothing (read, nothing there): drop it, so later pages do not read again.
        if (hinted && s?.loaded && s.loaded.length === 0) setHint(request, reply, false);
        return payload;
      }
      if (s) {
        s.pending = [];
        s.taken = [];
      }
      try {
        const now = Date.now();
        const waiting = await write(db, async (tx) => {
          if (taken.length) {
            await tx.delete(flashMessages).where(and(eq(flashMessages.sessionHash, hash), inArray(flashMessages.id, taken))).run();
          }
          if (pending.length) {
            await tx
              .insert(flashMessages)
              .values({
                id: newId(),
                sessionHash: hash,
                payload: sealFlash(key, hash, pending),
                createdAt: new Date(now).toISOString(),
                expiresAt: new Date(now + FLASH_TTL_MS).toISOString(),
              })
              .run();
          }
          const row = await tx
            .select({ n: count() })
            .from(flashMessages)
            .where(and(eq(flashMessages.sessionHash, hash), gt(flashMessages.expiresAt, new Date(now).toISOString())))
            .get();
          return Number(row?.n ?? 0);
        });
        if (waiting > 0) setHint(request, reply, true);
        else if (hinted) setHint(request, reply, false);
      } catch (err) {
        // The action itself is done and committed: a lost message must not turn its answer into an error.
        request.log.error({ err }, 'one-time messages not saved');
      }
      return payload;
    });
  },
  { name: 'flash', dependencies: ['db', 'auth', '@fastify/cookie'] },
);
