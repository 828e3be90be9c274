import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema/index.ts';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const MIGRATIONS_FOLDER = resolve(root, 'db/migrations');
const WILAYAH_CSV = resolve(root, 'db/seed/wilayah-kabkota.csv');

/**
 * Opens (creating when absent) the SQLite database, sets the pragmas every
 * connection needs, applies the committed migrations and loads reference data.
 */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  // FULL: a check-in the desk saw succeed survives a power cut.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle({ client: sqlite, schema }) as Db;
  migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  loadWilayah(sqlite);
  return db;
}

/** Kepmendagri codes (see db/seed/README.md); loaded once into an empty table. */
function loadWilayah(sqlite: Database.Database): void {
  const count = sqlite.prepare('select count(*) as n from wilayah').get() as { n: number };
  if (count.n > 0) return;
  const lines = readFileSync(WILAYAH_CSV, 'utf8').trim().split(/\r?\n/).slice(1);
  const insert = sqlite.prepare('insert into wilayah (code, name, level, province_code) values (?, ?, ?, ?)');
  sqlite.transaction(() => {
    for (const line of lines) {
      const comma = line.indexOf(',');
      const code = line.slice(0, comma);
      const name = line.slice(comma + 1).replace(/^"|"$/g, '');
      insert.run(code, name, code.length === 2 ? 'provinsi' : 'kabkota', code.slice(0, 2));
    }
  })();
}

/**
 * A write: one IMMEDIATE transaction (takes the write lock at once, so a
 * check of free places and the write that uses it cannot interleave with
 * another writer). Synchronous by design: no await inside.
 */
export function write<T>(db: Db, fn: (tx: Tx) => T): T {
  return db.transaction(fn, { behavior: 'immediate' });
}
