/**
 * Lists cut at their limit (INTERFACES.md: "A list cut at its limit says so with `next`, a
 * cursor to pass back as `?after=`"). One helper for every list, the API's routes and the
 * domain's cached answers alike (GET /occupancy pages facilities inside a cached document).
 */

/** Cursors are opaque to callers: a whole number (an offset or a key) in base64url. */
export const encodeCursor = (n: number) => Buffer.from(`p${n}`).toString('base64url');
export function decodeCursor(cursor: string): number | null {
  const m = /^p(\d{1,12})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return m ? Number(m[1]) : null;
}

/**
 * A list cut at its limit says so: the verb is asked for one more than the limit,
 * and when it finds it, `next` is the cursor of the page after (`?after=`), else null.
 * `key` of the last item shown: by default the offset of the page after (`from + limit`).
 */
export function pageOf<T>(rows: readonly T[], limit: number, key: (last: T) => number): { items: T[]; next: string | null } {
  const items = rows.slice(0, limit);
  return { items, next: rows.length > limit ? encodeCursor(key(items[items.length - 1]!)) : null };
}
