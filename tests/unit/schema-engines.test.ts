import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { generateDrizzleJson, generateMigration, generateSQLiteDrizzleJson, generateSQLiteMigration } from 'drizzle-kit/api';
import * as schema from '../../src/db/schema/index.ts';
import { pgTables } from '../../src/db/schema-pg.ts';
import { openDatabase } from '../../src/db/client.ts';
import { TEST_ENGINE, openTestDatabase } from '../helpers/app.ts';

const root = resolve(import.meta.dirname, '../..');
const lastSnapshot = (dir: string) => {
  const journal = JSON.parse(readFileSync(resolve(root, dir, 'meta/_journal.json'), 'utf8')) as { entries: { idx: number }[] };
  const idx = String(journal.entries.at(-1)!.idx).padStart(4, '0');
  return JSON.parse(readFileSync(resolve(root, dir, `meta/${idx}_snapshot.json`), 'utf8'));
};

/**
 * One schema source (src/db/schema), two engines: the committed migrations of
 * each are what the source says (nothing left to generate), and a migrated
 * PostgreSQL database has the tables, columns, nullability and keys a migrated
 * SQLite database has.
 */
describe('one schema, two engines', () => {
  it('has no SQLite change left to generate (db/migrations is current)', async () => {
    const prev = lastSnapshot('db/migrations');
    const cur = await generateSQLiteDrizzleJson(schema as Record<string, unknown>, prev.id);
    expect(await generateSQLiteMigration(prev, cur)).toEqual([]);
  });

  it('has no PostgreSQL change left to generate (db/migrations-pg is current)', async () => {
    const prev = lastSnapshot('db/migrations-pg');
    expect(await generateMigration(prev, generateDrizzleJson(pgTables, prev.id))).toEqual([]);
  });

  it.skipIf(TEST_ENGINE !== 'postgres')('gives PostgreSQL the same tables, columns, nullability and keys as SQLite', async () => {
    const lite = await openDatabase(':memory:');
    const pg = await openTestDatabase();
    try {
      type Col = { table: string; column: string; nn: number; pk: number };
      const liteCols = await lite.all<Col>(sql`
        select m.name as "table", p.name as "column", p."notnull" as nn, case when p.pk > 0 then 1 else 0 end as pk
        from sqlite_master m join pragma_table_info(m.name) p
        where m.type = 'table' and m.name not like 'sqlite_%' and m.name not like '%_fts%' and m.name <> '__drizzle_migrations'`);
      const pgCols = await pg.all<Col>(sql`
        select c.table_name as "table", c.column_name as "column", case when c.is_nullable = 'NO' then 1 else 0 end as nn,
          case when exists (select 1 from information_schema.key_column_usage k join information_schema.table_constraints t
                 on t.constraint_name = k.constraint_name and t.table_name = k.table_name
                 where t.constraint_type = 'PRIMARY KEY' and k.table_name = c.table_name and k.column_name = c.column_name) then 1 else 0 end as pk
        from information_schema.columns c
        where c.table_schema = 'public' and c.column_name <> 'rowid'`);
      const key = (c: Col) => `${c.table}.${c.column} notnull=${c.nn || c.pk} pk=${c.pk}`;
      expect(pgCols.map(key).sort()).toEqual(liteCols.map(key).sort());
      const liteIdx = await lite.all<{ name: string }>(sql`select name from sqlite_master where type = 'index' and sql is not null`);
      const pgIdx = await pg.all<{ name: string }>(sql`select indexname as name from pg_indexes where schemaname = 'public'`);
      const pgNames = new Set(pgIdx.map((i) => i.name));
      // Every index SQLite has (named in the schema) exists on PostgreSQL; PostgreSQL adds its trigram ones.
      expect(liteIdx.map((i) => i.name).filter((n) => !pgNames.has(n))).toEqual([]);
    } finally {
      await lite.$engine.close();
      await pg.$engine.close();
    }
  });
});
