import { text, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';

/** Opaque string ids; times are ISO 8601 UTC strings (sortable as text). */
export const id = () => text('id').primaryKey();
export const createdAt = () => text('created_at').notNull();
/** A column every row must fill with the key of a row of another table (`() => table.id`). */
export const requiredRef = <N extends string>(name: N, target: () => AnySQLiteColumn) => text(name).notNull().references(target);
