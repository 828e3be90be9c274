import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { meta } from '../db/schema/index.ts';

/** A demo database says so in its meta table; a real one never has demo accounts. */
export async function isDemoDatabase(db: Db | Tx): Promise<boolean> {
  return (await db.select().from(meta).where(eq(meta.key, 'demo')).get())?.value === 'true';
}

export async function markDemoDatabase(db: Db | Tx): Promise<void> {
  await db.insert(meta).values({ key: 'demo', value: 'true' }).onConflictDoUpdate({ target: meta.key, set: { value: 'true' } }).run();
}
