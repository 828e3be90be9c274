import { sql } from 'drizzle-orm';
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
  try {
    await write(db, async (tx) => {
      const changed = await tx.run(sql`update meta set value = value where key = 'ready_probe'`);
      if (changed.changes === 0) await tx.run(sql`insert into meta (key, value) values ('ready_probe', 'ok') on conflict (key) do nothing`);
    });
    return { ok: true };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    // The code and the engine's message name the cause (SQLITE_FULL, SQLITE_READONLY, 25006 read-only transaction); no value is in them.
    return { ok: false, reason: [e.code, e.message?.split('\n')[0]].filter(Boolean).join(': ') || 'unknown' };
  }
}
