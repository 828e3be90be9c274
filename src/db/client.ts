import type Database from 'better-sqlite3';
import { drizzle as drizzleSync } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { BaseSQLiteDatabase, SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core';
import { RemotePreparedQuery, SQLiteRemoteSession } from 'drizzle-orm/sqlite-proxy/session';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { currentTx, txContext, type Engine, type Method, type RunResult, type TxState, type WriteScope } from './engine.ts';
import { openSqliteEngine } from './sqlite.ts';
import { checkAppliedMigrations, MigrationRefusal, type AppliedMigration } from './migrations.ts';
import * as schema from './schema/index.ts';
import { createTableRelationsHelpers, extractTablesRelationalConfig } from 'drizzle-orm';

export type { RunResult, WriteScope } from './engine.ts';

/**
 * The one door to the data: drizzle's SQLite dialect, asynchronous, over an
 * engine. A query runs in the transaction of the current call chain when there
 * is one (inside `write`), otherwise on the engine's reader.
 */
export type Db = BaseSQLiteDatabase<'async', RunResult, typeof schema> & { readonly $engine: Engine };
/** Inside `write` the same handle is used; the name says the caller must be in a write. */
export type Tx = Db;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const MIGRATIONS_FOLDER = resolve(root, 'db/migrations');
const WILAYAH_CSV = resolve(root, 'db/seed/wilayah-kabkota.csv');

const WRITE_SQL = /^\s*(insert|update|delete|replace)\b/i;

type Client = (sql: string, params: unknown[], method: Method) => Promise<unknown>;

/**
 * drizzle wraps a driver's error in its own ("Failed query: …"); the domain
 * reads the engine's error itself (a constraint's code and message), so it is
 * passed through as it came.
 */
class EnginePreparedQuery extends RemotePreparedQuery {
  async queryWithCache<T>(_sql: string, _params: unknown[], query: () => Promise<T>): Promise<T> {
    return await query();
  }
}

/** drizzle's remote session, told per query whether it maps rows itself (arrays) or wants objects (raw sql). */
class EngineSession extends SQLiteRemoteSession<Record<string, never>, never> {
  constructor(
    private readonly engine: Engine,
    dialect: SQLiteAsyncDialect,
    relational: unknown,
  ) {
    super((async () => ({ rows: [] })) as never, dialect, relational as never);
  }
  private clientFor(arrayMode: boolean): Client {
    const engine = this.engine;
    return async (sql, params, method) => {
      const tx = currentTx(engine);
      if (tx) return await tx.writer.execute(sql, params, method, arrayMode);
      // A change outside `write` is its own transaction (autocommit), queued with the others.
      if (method === 'run' || WRITE_SQL.test(sql)) return await engine.transaction((w) => w.execute(sql, params, method, arrayMode));
      return await engine.reader.execute(sql, params, method, arrayMode);
    };
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override prepareQuery(...args: Parameters<SQLiteRemoteSession<Record<string, never>, never>['prepareQuery']>): any {
    const [query, fields, executeMethod, isResponseInArrayMode, customResultMapper, queryMetadata, cacheConfig] = args;
    const client = this.clientFor(Boolean(fields || customResultMapper));
    return new EnginePreparedQuery(
      client as never,
      query,
      (this as unknown as { logger: never }).logger,
      (this as unknown as { cache: never }).cache,
      queryMetadata,
      cacheConfig,
      fields,
      executeMethod,
      isResponseInArrayMode,
      customResultMapper,
    );
  }
  override async transaction(): Promise<never> {
    throw new Error('use write(db, fn): it holds the write lock and delivers events after commit');
  }
}

const tables = extractTablesRelationalConfig(schema, createTableRelationsHelpers);
const RELATIONAL = { fullSchema: schema, schema: tables.tables, tableNamesMap: tables.tableNamesMap };

/** A drizzle handle over an engine. */
export function dbFor(engine: Engine): Db {
  const dialect = new SQLiteAsyncDialect();
  const session = new EngineSession(engine, dialect, RELATIONAL);
  const db = new BaseSQLiteDatabase('async', dialect, session as never, RELATIONAL as never) as unknown as Db;
  Object.defineProperty(db, '$engine', { value: engine, enumerable: false });
  return db;
}

export const PG_MIGRATIONS_FOLDER = resolve(root, 'db/migrations-pg');

/** A PostgreSQL connection string (postgres:// or postgresql://), else a SQLite file path. */
export const isPostgresUrl = (target: string) => /^postgres(ql)?:\/\//.test(target);

/**
 * Opens the database: SQLite (a file path, created when absent; ':memory:' for
 * a throw-away one) or PostgreSQL (a postgres:// URL). Sets what every
 * connection needs, applies the committed migrations of that engine (on
 * PostgreSQL under an advisory lock, so instances starting together migrate
 * once) and loads reference data.
 */
export async function openDatabase(target: string, opts: { migrate?: boolean } = {}): Promise<Db> {
  if (isPostgresUrl(target)) {
    const { openPostgresEngine } = await import('./postgres.ts');
    const engine = openPostgresEngine(target);
    const db = dbFor(engine);
    try {
      if (opts.migrate) await migratePostgres(engine.pool);
      else await assertPostgresMigrated(engine.pool);
    } catch (err) {
      await engine.close();
      throw err;
    }
    return db;
  }
  const engine = openSqliteEngine(target);
  const conn = engine.writerConnection;
  try {
    const table = conn.prepare(`select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'`).get();
    checkAppliedMigrations(MIGRATIONS_FOLDER, table ? (conn.prepare('select hash, created_at from __drizzle_migrations').all() as AppliedMigration[]) : [], 'SQLite');
  } catch (err) {
    await engine.close();
    throw err;
  }
  migrate(drizzleSync({ client: conn }), { migrationsFolder: MIGRATIONS_FOLDER });
  loadWilayah(conn);
  return dbFor(engine);
}

export class NotMigratedError extends MigrationRefusal {}

/** What drizzle recorded on this PostgreSQL database (nothing before its first migration). */
async function appliedPostgresMigrations(db: import('pg').Pool | import('pg').PoolClient): Promise<AppliedMigration[]> {
  // Two steps: a query naming a table that does not exist fails when planned, whatever a CASE says.
  const exists = await db.query<{ t: string | null }>(`select to_regclass('drizzle.__drizzle_migrations')::text as t`);
  if (!exists.rows[0]?.t) return [];
  return (await db.query<AppliedMigration>('select hash, created_at from drizzle.__drizzle_migrations order by created_at')).rows;
}

/**
 * PostgreSQL is migrated by the deploy step (`npm run db:migrate`), not by
 * each instance at start: an instance refuses to serve a database whose
 * schema is older (or newer) than its code.
 */
async function assertPostgresMigrated(pool: import('pg').Pool): Promise<void> {
  const journal = JSON.parse(readFileSync(resolve(PG_MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
  const rows = await appliedPostgresMigrations(pool);
  // An edited migration is named first: migrating would not mend it.
  checkAppliedMigrations(PG_MIGRATIONS_FOLDER, rows, 'PostgreSQL');
  const applied = rows.length > 0 ? rows.length : null;
  if (applied !== journal.entries.length) {
    throw new NotMigratedError(
      applied === null
        ? 'The PostgreSQL database has no Singgah schema yet: run `npm run db:migrate` with the same DATABASE_URL first.'
        : `The PostgreSQL database has ${applied} of ${journal.entries.length} migrations: run \`npm run db:migrate\` (the code and the database must match).`,
    );
  }
}

/** PostgreSQL: migrations and reference data, once across instances. */
export async function migratePostgres(pool: import('pg').Pool): Promise<void> {
  const { drizzle: drizzlePg } = await import('drizzle-orm/node-postgres');
  const { migrate: migratePg } = await import('drizzle-orm/node-postgres/migrator');
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock(8675309)');
    try {
      checkAppliedMigrations(PG_MIGRATIONS_FOLDER, await appliedPostgresMigrations(client), 'PostgreSQL');
      await migratePg(drizzlePg({ client }), { migrationsFolder: PG_MIGRATIONS_FOLDER });
      const { rows } = await client.query('select count(*)::int as n from wilayah');
      if (rows[0].n === 0) {
        const all = wilayahRows();
        for (let i = 0; i < all.length; i += 500) {
          const chunk = all.slice(i, i + 500);
          const values = chunk.map((_, j) => `($${j * 4 + 1}, $${j * 4 + 2}, $${j * 4 + 3}, $${j * 4 + 4})`).join(', ');
          await client.query(`insert into wilayah (code, name, level, province_code) values ${values} on conflict do nothing`, chunk.flat());
        }
      }
    } finally {
      await client.query('select pg_advisory_unlock(8675309)');
    }
  } finally {
    client.release();
  }
}

/** Kepmendagri codes (see db/seed/README.md); loaded once into an empty table. */
function loadWilayah(sqlite: Database.Database): void {
  const count = sqlite.prepare('select count(*) as n from wilayah').get() as { n: number };
  if (count.n > 0) return;
  const insert = sqlite.prepare('insert into wilayah (code, name, level, province_code) values (?, ?, ?, ?)');
  sqlite.transaction(() => {
    for (const [code, name, level, province] of wilayahRows()) insert.run(code, name, level, province);
  })();
}

export function wilayahRows(): [string, string, string, string][] {
  const lines = readFileSync(WILAYAH_CSV, 'utf8').trim().split(/\r?\n/).slice(1);
  return lines.map((line) => {
    const comma = line.indexOf(',');
    const code = line.slice(0, comma);
    const name = line.slice(comma + 1).replace(/^"|"$/g, '');
    return [code, name, code.length === 2 ? 'provinsi' : 'kabkota', code.slice(0, 2)];
  });
}

/**
 * A write: one transaction that holds its lock from its first statement, so a
 * check of free places and the write that uses it cannot interleave with
 * another writer (in this process or, on PostgreSQL, another instance). Without
 * a scope it holds the whole database's write lock; with one (engine.ts
 * WriteScope: the facilities, persons, households it touches) PostgreSQL locks
 * only those, and SQLite, one writer anyway, locks the file as always. Every
 * query made through `db` in the call chain of `fn` runs in it; a `write`
 * inside a write joins it, and may not ask for more than the outer write
 * locked (an error, not a silent race). Work registered with `afterCommit` runs
 * once the change is committed, never for a rolled-back one.
 */
export async function write<T>(db: Db, fn: (tx: Tx) => Promise<T>, scope?: WriteScope): Promise<T> {
  const engine = db.$engine;
  const outer = currentTx(engine);
  if (outer) {
    if (outer.locks !== null) {
      const missing = scope ? scope.locks.filter((l) => !outer.locks!.has(l)) : ['the whole database'];
      if (missing.length) throw new Error(`a write inside a scoped write needs what the outer write did not lock: ${missing.join(', ')}`);
    }
    return await fn(db);
  }
  let state: TxState | undefined;
  try {
    const result = await engine.transaction((writer) => {
      const s: TxState = { engine, writer, beforeCommit: [], afterCommit: [], locks: scope ? new Set(scope.locks) : null, done: false };
      state = s;
      return txContext.run(s, async () => {
        const r = await fn(db);
        // Work the transaction must carry (PostgreSQL: NOTIFY, delivered on commit); it may add more.
        for (let i = 0; i < s.beforeCommit.length; i++) await s.beforeCommit[i]!();
        return r;
      });
    }, scope);
    state!.done = true;
    for (const job of state!.afterCommit) {
      try {
        job();
      } catch {
        // Delivery must never undo nor fail a committed change.
      }
    }
    return result;
  } finally {
    // Rolled back or committed: nothing started inside may use this transaction any more.
    if (state) state.done = true;
  }
}

/** Runs `job` after the current write commits; outside a write, at once. */
export function afterCommit(db: Db, job: () => void): void {
  const tx = currentTx(db.$engine);
  if (tx) tx.afterCommit.push(job);
  else job();
}

/** Inside a scoped write, the names it locked; null inside a write that holds the whole database, or outside a write. */
export function lockedNames(db: Db): ReadonlySet<string> | null {
  return currentTx(db.$engine)?.locks ?? null;
}

/** True inside a write on this database. */
export function inWrite(db: Db): boolean {
  return currentTx(db.$engine) !== undefined;
}

/** Where the configured database is: DATABASE_URL (PostgreSQL) when set, else the SQLite file. */
export function databaseTarget(config: { DATABASE_URL?: string | undefined; DATABASE_PATH: string }): string {
  return config.DATABASE_URL ?? config.DATABASE_PATH;
}
