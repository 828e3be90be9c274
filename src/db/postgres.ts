import pg from 'pg';
import { createHash } from 'node:crypto';
import { lifecycle, Queue, type Engine, type Executor, type Method, type WriteScope } from './engine.ts';
import { secondsSince, writeLockWait } from '../lib/metrics.ts';
import { withSessionOptions } from './postgres-settings.ts';

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

/**
 * Bumped when PostgreSQL refuses a prepared statement whose result type a schema change altered (a migration
 * run by another instance or the CLI while this one runs): every statement is then prepared again under a new name.
 */
let generation = 0;
const stalePlan = (err: unknown) => (err as { code?: string }).code === '0A000' && /cached plan must not change result type/.test((err as Error).message);

interface PgStatement {
  text: string;
  /** Its text's hash: with the generation, the name it is prepared under on each connection (PgExecutor.run). */
  hash: string;
}
const textCache = new Map<string, PgStatement>();
function pgStatement(sql: string): PgStatement {
  let t = textCache.get(sql);
  if (t === undefined) {
    // SQLite names a conflict target's columns with their table ("meta"."key"); PostgreSQL wants them bare.
    const text = toPgSql(sql).replace(/on conflict \(([^)]*)\)/g, (_m, cols: string) => `on conflict (${cols.replace(/"[^"]+"\./g, '')})`);
    t = { text, hash: createHash('sha1').update(text).digest('base64url').slice(0, 22) };
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
    const statement = pgStatement(sql);
    const config: pg.QueryConfig = { text: statement.text, values: params as unknown[] };
    // A statement with parameters is prepared once per connection under a name made from its text, then only
    // bound and executed: PostgreSQL parsed and planned every statement afresh on every call (1–7 ms of planning
    // against 0.3 ms of work for some). Without parameters a text may hold several statements (a simple query),
    // which a prepared statement cannot; those are sent as they are. Connections are renewed (the pool's
    // maxLifetimeSeconds) so the statements a long-running connection has prepared do not pile up.
    if (params.length > 0) config.name = `s${generation}_${statement.hash}`;
    if (arrayMode || method === 'values') (config as { rowMode?: string }).rowMode = 'array';
    let r: pg.QueryResult;
    try {
      try {
        r = await this.client.query(config);
      } catch (err) {
        if (!config.name || !stalePlan(err)) throw err;
        // Prepared before a schema change: under a new name. Outside a transaction it is simply asked again;
        // inside one the transaction is already aborted, so the write fails once and the next one prepares anew.
        if (config.name === `s${generation}_${statement.hash}`) generation++;
        if (this.turns) throw err;
        r = await this.client.query({ ...config, name: `s${generation}_${statement.hash}` });
      }
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

/**
 * The advisory lock of one name a scoped write touches (engine.ts WriteScope):
 * the two-int4 form, so it can never be the write lock's one-bigint key; the
 * first int is WRITE_LOCK_KEY, the second the first 32 bits of the name's
 * sha256. Two names that share those bits only share a lock (they wait on each
 * other), never deadlock: the keys are taken sorted and once each.
 */
export function nameLockKey(name: string): number {
  return createHash('sha256').update(name).digest().readInt32BE(0);
}

/**
 * BEGIN and the locks in one round trip (a simple query of several statements;
 * the keys are numbers made here, never text from outside). A write without a
 * scope takes the write lock alone; a scoped write shares it (so it waits for
 * such a write, and such a write waits for it) and takes its names' keys, in
 * ascending order.
 */
export function lockStatements(scope: WriteScope | undefined): string {
  if (!scope) return `BEGIN; SELECT pg_advisory_xact_lock(${WRITE_LOCK_KEY})`;
  const keys = [...new Set(scope.locks.map(nameLockKey))].sort((a, b) => a - b);
  return [`BEGIN`, `SELECT pg_advisory_xact_lock_shared(${WRITE_LOCK_KEY})`, ...keys.map((k) => `SELECT pg_advisory_xact_lock(${WRITE_LOCK_KEY}, ${k})`)].join('; ');
}

/** A pooled connection is closed after this long (when idle): it takes its prepared statements with it. */
export const PREPARED_LIFETIME_S = 1800;

/** How many scoped writes of one instance may hold a pooled connection at once: the rest of the pool stays for reads and the unscoped write. */
export function scopedWriters(max: number): number {
  return Math.max(1, Math.min(8, max - 3));
}

export interface PostgresEngine extends Engine {
  readonly kind: 'postgres';
  readonly pool: pg.Pool;
  readonly url: string;
}

/**
 * PostgreSQL through node-postgres: reads from the pool, each write in one
 * transaction on one pooled connection that first takes its advisory locks
 * (lockStatements): a write without a scope holds the whole database on every
 * instance — the same guarantee BEGIN IMMEDIATE gives on SQLite — and a scoped
 * write holds what it names, so a check of free places and the write that uses
 * it cannot interleave with another writer of the same facility on any
 * instance. Unscoped writers of this process queue first, and scoped ones wait
 * for one of a few places, so they do not hold pooled connections while they
 * wait in this process.
 */
export function openPostgresEngine(url: string, opts: { max?: number } = {}): PostgresEngine {
  const max = opts.max ?? 10;
  const pool = new pg.Pool({ ...withSessionOptions(url), max, types: types as never, maxLifetimeSeconds: PREPARED_LIFETIME_S });
  pool.on('error', () => undefined);
  // A connection the server ends (a restart, a terminated backend) while it is checked out must fail its query,
  // not the process: without a listener its 'error' event would be an uncaught exception.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const reader = new PgExecutor(pool);
  const queue = new Queue();
  const scoped = new Gate(scopedWriters(max));
  const life = lifecycle(async () => {
    await queue.run(async () => undefined);
    await scoped.drain();
    await pool.end();
  });
  const run = async <T>(fn: (w: Executor) => Promise<T>, scope: WriteScope | undefined, asked: bigint): Promise<T> => {
    if (life.closed) throw new Error('database closed');
    const client = await pool.connect();
    try {
      try {
        await client.query(lockStatements(scope));
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
      writeLockWait.observe({ engine: 'postgres' }, secondsSince(asked));
      try {
        const result = await fn(new PgExecutor(client, true));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    } finally {
      client.release();
    }
  };
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
    transaction<T>(fn: (w: Executor) => Promise<T>, scope?: WriteScope): Promise<T> {
      const asked = process.hrtime.bigint();
      return scope ? scoped.run(() => run(fn, scope, asked)) : queue.run(() => run(fn, undefined, asked));
    },
  };
}

/** At most `size` tasks at once, the others waiting in order. */
class Gate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private idle: (() => void)[] = [];
  constructor(private readonly size: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else if (--this.running === 0) for (const done of this.idle.splice(0)) done();
    }
  }
  /** Resolves once nothing runs. */
  async drain(): Promise<void> {
    if (this.running === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }
}
