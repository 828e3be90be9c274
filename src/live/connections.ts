import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { and, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { apiTokens } from '../db/schema/index.ts';
import { sessionIsLive } from '../domain/accounts/sessions.ts';
import { tokenIsLive } from '../domain/accounts/tokens.ts';
import { actorKey, type Actor } from '../domain/actor.ts';

/**
 * What a live socket was opened with. A socket lives only as long as this
 * does (INTERFACES.md "Live"): before anything is sent it is checked against
 * the database, so a logout, a disabled account, an expired session or a
 * revoked token closes the socket with 1008 on every instance.
 */
export type Credential = { kind: 'session'; idHash: string } | { kind: 'token'; id: string };

/** Policy violation: the credentials behind the socket are gone. */
export const CLOSE_CREDENTIALS = 1008;
/** More sockets than one account or token may hold (4429 after HTTP 429). */
export const CLOSE_TOO_MANY = 4429;
/** A wall, a desk with a few tabs: eight sockets an account or token is plenty, across all its sessions; more is amplification. */
export const MAX_SOCKETS_PER_CREDENTIAL = 8;

export function credentialOf(request: FastifyRequest): Credential | null {
  if (request.actor?.type === 'token' && request.actor.id) return { kind: 'token', id: request.actor.id };
  if (request.session) return { kind: 'session', idHash: request.session.idHash };
  return null;
}

/** Well under SQLite's limit of bound parameters per statement. */
const TOKENS_PER_READ = 500;

const keyOf = (c: Credential) => (c.kind === 'token' ? `t:${c.id}` : `s:${c.idHash}`);

/**
 * Credential checks for one batch of sends (one event, one heartbeat tick):
 * each distinct credential is read once, however many sockets share it.
 */
export class CredentialCheck {
  private readonly seen = new Map<string, boolean>();
  constructor(private readonly db: Db) {}
  /**
   * Reads many credentials at once before a batch of sends: every token in
   * one query (a thousand walls, each with its own token, cost one read, not a
   * thousand), sessions side by side.
   */
  async prefetch(credentials: Iterable<Credential>): Promise<void> {
    const tokens = new Set<string>();
    const sessions = new Map<string, Credential>();
    for (const c of credentials) {
      const k = keyOf(c);
      if (this.seen.has(k)) continue;
      if (c.kind === 'token') tokens.add(c.id);
      else sessions.set(k, c);
    }
    const ids = [...tokens];
    for (let i = 0; i < ids.length; i += TOKENS_PER_READ) {
      const chunk = ids.slice(i, i + TOKENS_PER_READ);
      const live = new Set(
        (await this.db.select({ id: apiTokens.id }).from(apiTokens).where(and(inArray(apiTokens.id, chunk), isNull(apiTokens.revokedAt))).all()).map((r) => r.id),
      );
      for (const id of chunk) this.seen.set(`t:${id}`, live.has(id));
    }
    await Promise.all([...sessions.values()].map((c) => this.live(c)));
  }
  async live(c: Credential): Promise<boolean> {
    const k = keyOf(c);
    let ok = this.seen.get(k);
    if (ok === undefined) {
      ok = c.kind === 'token' ? await tokenIsLive(this.db, c.id) : await sessionIsLive(this.db, c.idHash);
      this.seen.set(k, ok);
    }
    return ok;
  }
}

/** Sockets held per account (or token), for both live endpoints of one database (one process). */
const counts = new WeakMap<object, Map<string, number>>();

/**
 * Admits a new socket under the cap, or closes it with 4429. The cap counts
 * per ACCOUNT (a signed-in user by their id, a token by its id: `actorKey`),
 * not per session: signing in again gives no fresh allowance (issue 28).
 * Returns the function that releases its place (call it on close), or null.
 */
export function admitSocket(db: Db, actor: Actor, socket: WebSocket): (() => void) | null {
  let map = counts.get(db);
  if (!map) counts.set(db, (map = new Map()));
  const k = actorKey(actor);
  const n = map.get(k) ?? 0;
  if (n >= MAX_SOCKETS_PER_CREDENTIAL) {
    socket.close(CLOSE_TOO_MANY, 'too many sockets');
    return null;
  }
  map.set(k, n + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (map.get(k) ?? 1) - 1;
    if (left <= 0) map.delete(k);
    else map.set(k, left);
  };
}

/** Closes the socket with 1008 when its credentials are gone; true when it may be sent to. */
export async function stillAllowed(check: CredentialCheck, credential: Credential, socket: WebSocket): Promise<boolean> {
  if (await check.live(credential)) return true;
  if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(CLOSE_CREDENTIALS, 'credentials ended');
  return false;
}
