import { sqliteTable, text, index } from 'drizzle-orm/sqlite-core';

/** Kepmendagri province (2 digits, "31") and kab/kota ("31.71") codes. */
export const wilayah = sqliteTable(
  'wilayah',
  {
    code: text('code').primaryKey(),
    name: text('name').notNull(),
    level: text('level', { enum: ['provinsi', 'kabkota'] }).notNull(),
    provinceCode: text('province_code').notNull(),
  },
  (t) => [index('wilayah_province_idx').on(t.provinceCode)],
);
