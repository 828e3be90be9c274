/**
 * The PostgreSQL schema, derived from the one schema source (./schema/*.ts,
 * SQLite). Every table, column, default, key, index and foreign key is read off
 * the SQLite definition, so the two can never drift; storage types are kept
 * the same on purpose (0/1 integers for booleans, text for JSON and times), so
 * one set of queries and one set of row mappers serve both engines.
 *
 * Each table also gets a `rowid` identity column: SQLite has one implicitly,
 * and queries that keep insertion order (`order by rowid`) read it.
 *
 * drizzle-kit reads this file to write db/migrations-pg (drizzle-pg.config.ts).
 */
import { getTableConfig, SQLiteTable, type SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { bigint, doublePrecision, foreignKey, index, pgTable, primaryKey, text, uniqueIndex, type PgColumnBuilderBase } from 'drizzle-orm/pg-core';
import * as sqliteSchema from './schema/index.ts';

type AnyPgTable = ReturnType<typeof pgTable>;

function columnFor(c: SQLiteColumn): PgColumnBuilderBase {
  const type = c.getSQLType().toLowerCase();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let b: any = type.startsWith('int') ? bigint(c.name, { mode: 'number' }) : type === 'real' ? doublePrecision(c.name) : text(c.name);
  // An integer primary key is SQLite's rowid: given by the database when not set.
  if (c.primary && type.startsWith('int')) b = b.generatedByDefaultAsIdentity();
  if (c.primary) b = b.primaryKey();
  if (c.notNull && !c.primary) b = b.notNull();
  if (c.default !== undefined) b = b.default(c.mapToDriverValue(c.default));
  if (c.isUnique) b = b.unique(c.uniqueName);
  return b as PgColumnBuilderBase;
}

const sqliteTables = (Object.values(sqliteSchema) as unknown[]).filter((v): v is SQLiteTable => v instanceof SQLiteTable);
const byName = new Map<string, AnyPgTable>();

function derive(table: SQLiteTable): AnyPgTable {
  const config = getTableConfig(table);
  const columns: Record<string, PgColumnBuilderBase> = {};
  for (const c of config.columns) columns[c.name] = columnFor(c);
  columns.rowid = bigint('rowid', { mode: 'number' }).generatedAlwaysAsIdentity().notNull();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return pgTable(config.name, columns, (t: any) => [
    ...config.primaryKeys.map((pk) => primaryKey({ name: pk.getName(), columns: pk.columns.map((c) => t[c.name]) as [never, ...never[]] })),
    ...config.indexes.map((idx) => {
      const { name, columns: cols, unique, where } = idx.config;
      const build = (unique ? uniqueIndex : index)(name).on(...(cols.map((c) => t[(c as SQLiteColumn).name]) as [never, ...never[]]));
      return where ? build.where(where) : build;
    }),
    ...config.foreignKeys.map((fk) => {
      const ref = fk.reference();
      const target = byName.get(getTableConfig(ref.foreignTable).name)!;
      const targetCols = target as unknown as Record<string, never>;
      let b = foreignKey({
        name: fk.getName(),
        columns: ref.columns.map((c) => t[c.name]) as [never, ...never[]],
        foreignColumns: ref.foreignColumns.map((c) => targetCols[c.name]!) as [never, ...never[]],
      });
      if (fk.onDelete) b = b.onDelete(fk.onDelete);
      if (fk.onUpdate) b = b.onUpdate(fk.onUpdate);
      return b;
    }),
  ]);
}

for (const t of sqliteTables) byName.set(getTableConfig(t).name, derive(t));

/** The derived tables by SQL name (drizzle-kit reads the exports). */
export const pgTables = Object.fromEntries(byName);
export default pgTables;
