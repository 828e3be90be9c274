import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { lifecycle, Queue, type Engine, type Executor, type Method } from './engine.ts';
import { secondsSince, writeLockWait } from '../lib/metrics.ts';

/** The pragmas every connection needs. */
function configure(conn: Database.Database): void {
  conn.pragma('journal_mode = WAL');
  // FULL: a check-in the desk saw succeed survives a power cut.
  conn.pragma('synchronous = FULL');
  conn.pragma('foreign_keys = ON');
  conn.pragma('busy_timeout = 5000');
}

/** better-sqlite3 with a statement cache: statements are compiled once per connection. */
class SqliteExecutor implements Executor {
  private readonly cache = new Map<string, Database.Statement>();
  constructor(readonly conn: Database.Database) {}

  private prepare(sql: string): Database.Statement {
    let stmt = this.cache.get(sql);
    if (!stmt) {
      stmt = this.conn.prepare(sql);
      if (this.cache.size >= 2000) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(sql, stmt);
    }
    return stmt;
  }

  /** Synchronous core (better-sqlite3 is synchronous): used by the async port and by start-up work. */
  executeSync(sql: string, params: unknown[], method: Method, arrayMode: boolean): unknown {
    const stmt = this.prepare(sql);
    if (method === 'run' || !stmt.reader) {
      const r = stmt.run(...params);
      return method === 'run' ? { changes: r.changes } : { rows: method === 'get' ? undefined : [] };
    }
    stmt.raw(arrayMode || method === 'values');
    if (method === 'get') return { rows: stmt.get(...params) };
    return { rows: stmt.all(...params) };
  }

  async execute(sql: string, params: unknown[], method: Method, arrayMode: boolean): Promise<unknown> {
    return this.executeSync(sql, params, method, arrayMode);
  }
}

const queues = new Map<string, Queue>();

export interface SqliteEngine extends Engine {
  readonly kind: 'sqlite';
  /** The write connection, for start-up work (migrations, reference data) and operator tools (backup). */
  readonly writerConnection: Database.Database;
  readonly path: string;
}

/**
 * SQLite, embedded: one write connection whose transactions are queued in
 * this process (BEGIN IMMEDIATE, so a transaction holds the lock from its first
 * statement, and other processes on the same file wait on busy_timeout), and a
 * reader connection that only ever sees committed data, so a request that reads
 * between another request's awaits never sees half a change.
 *
 * ':memory:' (tests, throw-away runs) becomes a private file in /dev/shm (or the
 * temporary directory), deleted on close: two connections cannot share a
 * private in-memory database, and the behaviour under test is then the real one.
 */
export function openSqliteEngine(path: string): SqliteEngine {
  const ephemeral = path === ':memory:';
  const file = ephemeral ? join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), `singgah-${randomUUID()}.db`) : resolve(path);
  if (!ephemeral) mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // Created readable by its owner only (people's records): SQLite gives the -wal and -shm files the same mode.
  closeSync(openSync(file, 'a', 0o600));
  const writerConn = new Database(file);
  configure(writerConn);
  if (ephemeral) writerConn.pragma('synchronous = OFF');
  const readerConn = new Database(file);
  configure(readerConn);
  readerConn.pragma('query_only = ON');
  const writer = new SqliteExecutor(writerConn);
  const reader = new SqliteExecutor(readerConn);
  // One queue per file in this process: two handles on one file (two apps in a test, a CLI beside the
  // server) must not block the event loop on each other's lock (better-sqlite3 waits synchronously).
  let queue = queues.get(file);
  if (!queue) queues.set(file, (queue = new Queue()));
  const life = lifecycle(async () => {
    // Let a transaction in flight finish before the connections go.
    await queue.run(async () => undefined);
    readerConn.close();
    writerConn.close();
    if (ephemeral) {
      queues.delete(file);
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    }
  });

  return {
    kind: 'sqlite',
    path: file,
    reader,
    writerConnection: writerConn,
    get closed() {
      return life.closed;
    },
    onClose: life.onClose,
    close: life.close,
    // One writer for the whole file: a write's scope (engine.ts WriteScope) changes nothing here.
    async transaction<T>(fn: (w: Executor) => Promise<T>): Promise<T> {
      const asked = process.hrtime.bigint();
      return await queue.run(async () => {
        if (life.closed) throw new Error('database closed');
        writerConn.exec('BEGIN IMMEDIATE');
        writeLockWait.observe({ engine: 'sqlite' }, secondsSince(asked));
        try {
          const result = await fn(writer);
          writerConn.exec('COMMIT');
          return result;
        } catch (err) {
          if (writerConn.inTransaction) writerConn.exec('ROLLBACK');
          throw err;
        }
      });
    },
  };
}
