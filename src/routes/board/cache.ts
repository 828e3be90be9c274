import type { Db } from '../../db/client.ts';
import type { Actor } from '../../domain/actor.ts';
import { audienceOf } from '../../domain/occupancy/view.ts';
import { occupancyVersion } from '../../domain/occupancy/cache.ts';
import { hubFor } from '../../domain/events.ts';
import type { Lang } from '../../i18n/index.ts';

/**
 * One board render per change, shared by every wall of an audience (issue 14):
 * the board's content is rendered once per audience (what the role may see —
 * the board's roles see either everything or everything but protected
 * facilities), language, occupancy version and change heard, then handed to
 * every GET /board and every board socket of that audience until something
 * changes. The version is read per request (one row); the changes heard (any
 * event but `access`) cover what the version does not count — a referral, a
 * handoff, an alert, a facility renamed — on every instance (PostgreSQL
 * NOTIFY). A render is kept at most BOARD_MAX_AGE_MS: the wall's ages ("12m")
 * and its 24-hour sparkline move with the clock, not with changes.
 */
export const BOARD_MAX_AGE_MS = 60_000;

export interface BoardRender {
  /** The content as the page includes it. */
  html: string;
  /** The same content as an out-of-band swap (the live socket's frame). */
  oob: string;
}

interface Entry {
  stamp: string;
  madeAt: number;
  render: Promise<BoardRender>;
}

interface BoardCache {
  heard: number;
  entries: Map<string, Entry>;
  renders: number;
  unsubscribe: () => void;
}

const caches = new WeakMap<Db, BoardCache>();

function cacheFor(db: Db): BoardCache {
  let c = caches.get(db);
  if (!c) {
    const cache: BoardCache = { heard: 0, entries: new Map(), renders: 0, unsubscribe: () => undefined };
    cache.unsubscribe = hubFor(db).subscribe((e) => {
      if (e.type !== 'access') cache.heard += 1;
    });
    caches.set(db, (c = cache));
  }
  return c;
}

/** Starts counting the changes heard (at plugin start, so none is missed before the first wall). */
export function watchBoard(db: Db): () => void {
  const c = cacheFor(db);
  return () => {
    c.unsubscribe();
    caches.delete(db);
  };
}

/** Who sees the same board: the board's roles differ only in whether they may know protected facilities. */
export function boardAudience(actor: Actor, lang: Lang): string {
  return `${audienceOf(actor)}|${lang}`;
}

/** How many times the board was rendered (tests, bench/). */
export function boardRenders(db: Db): number {
  return caches.get(db)?.renders ?? 0;
}

/**
 * The board for this audience: the cached render while the version and the
 * changes heard are those it was made under, else one new render shared by
 * every request that asks meanwhile.
 */
export async function cachedBoard(db: Db, actor: Actor, lang: Lang, wilayah: string | null, render: () => Promise<BoardRender>): Promise<BoardRender> {
  const c = cacheFor(db);
  // Read before rendering: a change committed during the render makes the next request render again.
  const heard = c.heard;
  const stamp = `${await occupancyVersion(db)}:${heard}`;
  // A province's or kab/kota's board is its own render (at most 38 + 514 areas an audience).
  const key = `${boardAudience(actor, lang)}|${wilayah ?? ''}`;
  const had = c.entries.get(key);
  if (had && had.stamp === stamp && Date.now() - had.madeAt < BOARD_MAX_AGE_MS) return await had.render;
  c.renders += 1;
  const entry: Entry = { stamp, madeAt: Date.now(), render: render() };
  c.entries.set(key, entry);
  entry.render.catch(() => {
    if (c.entries.get(key) === entry) c.entries.delete(key);
  });
  return await entry.render;
}
