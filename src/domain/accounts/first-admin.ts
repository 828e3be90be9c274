import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { users } from '../../db/schema/index.ts';
import { createUser } from './users.ts';
import { SYSTEM_ACTOR } from '../actor.ts';

/** On a database with no users, creates `admin` with a random one-time password. */
export async function ensureFirstAdmin(db: Db): Promise<{ password: string } | null> {
  const count = (await db.select({ n: sql<number>`count(*)` }).from(users).get())?.n ?? 0;
  if (count > 0) return null;
  const created = await createUser({ db, actor: SYSTEM_ACTOR, input: { username: 'admin', role: 'admin', display_name: 'Administrator' } });
  return { password: created.password };
}
