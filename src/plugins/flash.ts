import type { FastifyRequest } from 'fastify';

export interface Flash {
  kind: 'ok' | 'warn' | 'error' | 'secret';
  message: string;
}

/**
 * One-shot messages shown on the next page a session renders. Held in memory
 * (not in a cookie or the database) because some carry a one-time password or
 * token that must never be stored. Bounded, and each lives five minutes.
 */
const store = new Map<string, { items: Flash[]; at: number }>();
const TTL_MS = 5 * 60_000;
const MAX_SESSIONS = 10_000;

export function flash(request: FastifyRequest, item: Flash): void {
  const key = request.session?.idHash;
  if (!key) return;
  const now = Date.now();
  if (store.size >= MAX_SESSIONS) {
    for (const [k, v] of store) if (now - v.at > TTL_MS) store.delete(k);
  }
  const entry = store.get(key) ?? { items: [], at: now };
  entry.items.push(item);
  entry.at = now;
  store.set(key, entry);
}

export function takeFlash(request: FastifyRequest): Flash[] {
  const key = request.session?.idHash;
  if (!key) return [];
  const entry = store.get(key);
  // An htmx fragment has no place to show it; keep it for the next full page.
  if (!entry || request.isHtmx) return [];
  store.delete(key);
  return Date.now() - entry.at > TTL_MS ? [] : entry.items;
}
