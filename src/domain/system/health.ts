import { sql } from 'drizzle-orm';
import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { write, type Db } from '../../db/client.ts';

/**
 * Does the database answer now? A trivial query (`select 1`, the same on
 * SQLite and PostgreSQL) on the reader: true when it answers, false when it
 * fails (closed, unreachable). For the readiness probe (/readyz).
 */
export async function databaseAnswers(db: Db): Promise<boolean> {
  try {
    await db.get(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Can the database be written now? One real write inside the write lock, as every change is: the `meta` row
 * `ready_probe` is rewritten with the value it has (SQLite still writes the page; PostgreSQL a new row
 * version), so a full disk (SQLITE_FULL), a read-only file or mount, PostgreSQL read-only
 * (`default_transaction_read_only`, a standby) or gone all fail it, and no data changes. Run by the readiness
 * plugin on its own timer, never by a GET (a GET never writes).
 */
export async function databaseWritable(db: Db): Promise<{ ok: true } | { ok: false; reason: string }> {
  // A full disk first: SQLite writes into room its WAL already has, so a one-page probe can still pass while a
  // check-in (several pages) meets SQLITE_FULL. Below MIN_FREE_BYTES on the database's file system, not ready.
  const engine = db.$engine as { kind: string; path?: string };
  if (engine.kind === 'sqlite' && engine.path) {
    const free = freeBytes(dirname(engine.path));
    if (free !== null && free < MIN_FREE_BYTES) return { ok: false, reason: `SQLITE_FULL: ${Math.floor(free / 1024)} kB free on the database's file system` };
  }
  try {
    await write(db, async (tx) => {
      const changed = await tx.run(sql`update meta set value = value where key = 'ready_probe'`);
      if (changed.changes === 0) await tx.run(sql`insert into meta (key, value) values ('ready_probe', 'ok') on conflict (key) do nothing`);
    });
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: databaseUnavailable(err) ?? describeError(err) };
  }
}

/** Free room the database's file system must have for /readyz to say the database can be written (SQLite). */
export const MIN_FREE_BYTES = 1024 * 1024;

/** Bytes an unprivileged writer may still use on the file system holding `dir`; null when it cannot be told. */
function freeBytes(dir: string): number | null {
  try {
    const s = statfsSync(dir);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return null;
  }
}

/** The code and the engine's first line of message (SQLITE_FULL, 25006 read-only transaction): no value is in them. */
function describeError(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  return [typeof e?.code === 'string' ? e.code : null, typeof e?.message === 'string' ? e.message.split('\n')[0] : null].filter(Boolean).join(': ') || 'unknown';
}

/** SQLite's result codes that mean "this database cannot be written now", whatever the data. */
const SQLITE_UNAVAILABLE = /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|BUSY|LOCKED|NOLFS)/;
/**
 * PostgreSQL's SQLSTATEs of the same kind: 25006 read-only transaction (a standby, default_transaction_read_only),
 * class 08 connection exceptions, 53 insufficient resources (53100 disk full, 53300 too many connections),
 * 57P01–57P03 shutting down or not accepting connections; and the socket errors of a server gone.
 */
const PG_UNAVAILABLE = /^(25006|08...|53...|57P0[123])$/;
const SOCKET_GONE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);
const PG_CLIENT_GONE = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/**
 * When `err` says the database cannot take a write now (SQLite: a full disk, a read-only file, I/O; PostgreSQL:
 * read-only, full, gone), the reason in one line (its code and the engine's first line); otherwise null. The
 * cause chain is followed (drizzle wraps the driver's error). One rule for the readiness probe and for the
 * answer to a write that met it: 503 with Retry-After, never a 500 (src/plugins/errors.ts).
 */
export function databaseUnavailable(err: unknown): string | null {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    const matches =
      (typeof code === 'string' && (SQLITE_UNAVAILABLE.test(code) || PG_UNAVAILABLE.test(code) || SOCKET_GONE.has(code))) ||
      (typeof message === 'string' && PG_CLIENT_GONE.test(message));
    if (matches) return describeError(e);
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}
