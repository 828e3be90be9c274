import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openPostgresEngine } from '../../src/db/postgres.ts';
import { dbFor } from '../../src/db/client.ts';
import { TEST_ENGINE } from '../helpers/app.ts';
import { createTestPgDatabase } from '../helpers/pg.ts';

/**
 * Statements with parameters are prepared once per connection (src/db/postgres.ts): the second call of a
 * statement is bound and executed, not parsed and planned again; and a statement prepared before a schema
 * change (a migration run by another instance while this one serves) is prepared again, never a failure of reads.
 */
describe.skipIf(TEST_ENGINE !== 'postgres')('PostgreSQL prepared statements', () => {
  it('prepares a statement with parameters once per connection, and survives a schema change that alters its result', async () => {
    const created = await createTestPgDatabase();
    // One connection, so every call meets what the last one prepared.
    const engine = openPostgresEngine(created.url, { max: 1 });
    try {
      const client = await engine.pool.connect();
      await client.query('create table prep_probe (id int primary key, label text)');
      await client.query(`insert into prep_probe values (1, 'satu'), (2, 'dua')`);
      client.release();
      const db = dbFor(engine);
      const read = async (id: number) => await db.all<Record<string, unknown>>(sql`select * from prep_probe where id = ${id}`);
      expect(await read(1)).toEqual([{ id: 1, label: 'satu' }]);
      expect(await read(2)).toEqual([{ id: 2, label: 'dua' }]);
      const prepared = await db.all<{ name: string; statement: string }>(sql`select name, statement from pg_prepared_statements where statement like ${'%prep_probe where id%'}`);
      // Prepared once, under a name, on the one connection: both calls used it.
      expect(prepared).toHaveLength(1);
      // A migration elsewhere changes what `select *` returns: the next read is prepared again, and answers.
      const other = await engine.pool.connect();
      await other.query('alter table prep_probe add column note text');
      other.release();
      expect(await read(1)).toEqual([{ id: 1, label: 'satu', note: null }]);
      expect(await read(2)).toEqual([{ id: 2, label: 'dua', note: null }]);
    } finally {
      await engine.close();
      await created.drop();
    }
  });
});
