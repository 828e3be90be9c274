import pg from 'pg';
import { lifecycle, Queue, type Engine, type Executor, type Method } from './engine.ts';
import { secondsSince, writeLockWait } from '../lib/metrics.ts';

/**
 * The statements are drizzle's SQLite dialect (one query source for both
 * engines): `?` placeholders become `$1…$n`, outside quoted text. Everything
 * else is written portably in the domain, or served by the compatibility
 * functions of db/migrations-pg (json_extract).
 */
export function toPgSql(sql: string): string {
  let out = '';
  let n = 0;
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!;
    if (quote) {
      out += ch;
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') out += `$${++n}`;
    else out += ch;
  }
  return out;
}

const textCache = new Map<string, string>();
function pgText(sql: string): string {
  let t = textCache.get(sql);
  if (t === undefined) {
    // SQLite names a conflict target's columns with their table ("meta"."key"); PostgreSQL wants them bare.
    t = toPgSql(sql).replace(/on conflict \(([^)]*)\)/g, (_m, cols: string) => `on conflict (${cols.replace(/"[^"]+"\./g, '')})`);
    if (textCache.size > 5000) textCache.clear();
    textCache.set(sql, t);
  }
  return t;
}

/**
 * Rows come back with SQLite's types: 64-bit integers and numerics as numbers,
 * booleans (a comparison in a select list) as 1/0.
 */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 21 || oid === 23) return (v: string) => Number(v);
    if (oid === 1700 || oid === 700 || oid === 701) return (v: string) => Number(v);
    if (oid === 16) return (v: string) => (v === 't' ? 1 : 0);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/** PostgreSQL's constraint errors in the shape the domain already maps (SQLite's codes and messages). */
export function asSqliteError(err: unknown): unknown {
  const e = err as { code?: string; table?: string; detail?: string; constraint?: string; message?: string };
  if (!e || typeof e.code !== 'string') return err;
  const cols = /Key \(([^)]*)\)/.exec(e.detail ?? '')?.[1]?.split(', ') ?? [];
  const named = cols.map((c) => `${e.table}.${c.replace(/"/g, '')}`).join(', ');
  const wrap = (code: string, message: string) => Object.assign(new Error(message), { code, cause: err });
  if (e.code === '23505')
    return wrap(e.constraint?.endsWith('_pkey') ? 'SQLITE_CONSTRAINT_PRIMARYKEY' : 'SQLITE_CONSTRAINT_UNIQUE', `UNIQUE constraint failed: ${named} (${e.constraint})`);
  if (e.code === '23503') return wrap('SQLITE_CONSTRAINT_FOREIGNKEY', `FOREIGN KEY constraint failed (${e.constraint})`);
  if (e.code === '23514') return wrap('SQLITE_CONSTRAINT_CHECK', `CHECK constraint failed: ${e.constraint}`);
  if (e.code === '23502') return wrap('SQLITE_CONSTRAINT_NOTNULL', `NOT NULL constraint failed: ${e.table}`);
  return err;
}

interface Queryable {
  query(config: pg.QueryConfig): Promise<pg.QueryResult>;
}

class PgExecutor implements Executor {
  /** One connection answers one query at a time: a transaction's queries (a Promise.all inside a write) take turns. */
  private readonly turns: Queue | null;
  constructor(
    private readonly client: Queryable,
    pinned = false,
  ) {
    this.turns = pinned ? new Queue() : null;
  }
  execute(sql: string, params: unknown[], method: Method, arrayMode: boolean): Promise<unknown> {
    return this.turns ? this.turns.run(() => this.run(sql, params, method, arrayMode)) : this.run(sql, params, method, arrayMode);
  }
  private async run(sql: string, params: unknown[], method: Method, arrayMode: boolean): Promise<unknown> {
    const config: pg.QueryConfig = { text: pgText(sql), values: params as unknown[] };
    if (arrayMode || method === 'values') (config as { rowMode?: string }).rowMode = 'array';
    let r: pg.QueryResult;
    try {
      r = await this.client.query(config);
    } catch (err) {
      // The statement only, never its parameters: they can be a person's name or NIK.
      if (process.env.SINGGAH_DEBUG_SQL) process.stderr.write(`PG ERROR ${(err as Error).message}\n  ${config.text}\n`);
      throw asSqliteError(err);
    }
    if (method === 'run') return { changes: r.rowCount ?? 0 };
    if (method === 'get') return { rows: r.rows[0] };
    return { rows: r.rows };
  }
}

/** The key every instance takes for a write: writes are serialised across instances, as SQLite's lock does in one. */
export const WRITE_LOCK_KEY = 0x53696e67; // 'Sing'

export interface PostgresEngine extends Engine {
  readonly kind: 'postgres';
  readonly pool: pg.Pool;
  readonly url: string;
}

/**
 * PostgreSQL through node-postgres: reads from the pool, each write in one
 * transaction on one pooled connection that first takes a transaction-scoped
 * advisory lock (`pg_advisory_xact_lock`), so a check of free places and the
 * write that uses it cannot interleave with another writer on any instance —
 * the same guarantee BEGIN IMMEDIATE gives on SQLite. Writers of this process
 * queue first, so they do not hold pooled connections while they wait.
 */
export function openPostgresEngine(url: string, opts: { max?: number } = {}): PostgresEngine {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, types: types as never });
  pool.on('error', () => undefined);
  // A connection the server ends (a restart, a terminated backend) while it is checked out must fail its query,
  // not the process: without a listener its 'error' event would be an uncaught exception.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const reader = new PgExecutor(pool);
  const queue = new Queue();
  const life = lifecycle(async () => {
    await queue.run(async () => undefined);
    await pool.end();
  });
  return {
    kind: 'postgres',
    pool,
    url,
    reader,
    get closed() {
      return life.closed;
    },
    onClose: life.onClose,
    close: life.close,
    transaction<T>(fn: (w: Executor) => Promise<T>): Promise<T> {
      const asked = process.hrtime.bigint();
      return queue.run(async () => {
        if (life.closed) throw new Error('database closed');
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query('select pg_advisory_xact_lock($1)', [WRITE_LOCK_KEY]);
          writeLockWait.observe({ engine: 'postgres' }, secondsSince(asked));
          const result = await fn(new PgExecutor(client, true));
          await client.query('COMMIT');
          return result;
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw err;
        } finally {
          client.release();
        }
      });
    },
  };
}
