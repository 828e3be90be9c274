import { text } from 'drizzle-orm/sqlite-core';

/** Opaque string ids; times are ISO 8601 UTC strings (sortable as text). */
export const id = () => text('id').primaryKey();
export const createdAt = () => text('created_at').notNull();
