import { createTestPgDatabase } from './tests/helpers/pg.ts';
import { openDatabase, write } from './src/db/client.ts';
import { markDemoDatabase } from './src/domain/demo-flag.ts';
import { toPgSql } from './src/db/postgres.ts';
import { meta } from './src/db/schema/index.ts';
const c = await createTestPgDatabase();
const db = await openDatabase(c.url);
const q = db.insert(meta).values({ key: 'demo', value: 'true' }).onConflictDoUpdate({ target: meta.key, set: { value: 'true' } }).toSQL();
console.log(toPgSql(q.sql), q.params);
try { await write(db, (tx) => markDemoDatabase(tx)); } catch (e) { console.log(e); }
await db.$engine.close(); await c.drop();
