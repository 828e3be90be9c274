import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';

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
