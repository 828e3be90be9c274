import { AsyncLocalStorage } from 'node:async_hooks';

/** What every engine answers for one statement (drizzle's remote-session contract). */
export type Method = 'run' | 'all' | 'get' | 'values';
export interface RunResult {
  changes: number;
}

/**
 * Runs one statement. `arrayMode`: rows as arrays in select order (a drizzle
 * query that maps its own fields) or as objects keyed by column name (raw `sql`).
 * Statements are written in SQLite's dialect with `?` placeholders; an engine
 * translates what it must.
 */
export interface Executor {
  execute(sql: string, params: unknown[], method: Method, arrayMode: boolean): Promise<unknown>;
}

/**
 * What a write touches, named (`facility:<id>`, `person:<id>`, `household:<id>`),
 * when it can say so before it starts: on PostgreSQL such a write locks only
 * those names (and waits only on writes that name one of them, or on a write
 * that holds the whole database), so writes at different facilities run side by
 * side on every instance. Every name the write's checks and changes depend on
 * must be in the list; a write that cannot list them gives none and holds the
 * whole database, as every write did before.
 */
export interface WriteScope {
  readonly locks: readonly string[];
}

/**
 * The small port every verb goes through: reads anywhere, and write
 * transactions that hold their lock from their first statement. SQLite: one at a
 * time (BEGIN IMMEDIATE under an in-process queue), whatever the scope.
 * PostgreSQL: a write without a scope takes the database's write lock
 * (a transaction-scoped advisory lock every instance takes) alone; a write with
 * a scope shares that lock with other scoped writes and takes one advisory lock
 * per name it touches, in one order (no deadlock between two of them).
 */
export interface Engine {
  readonly kind: 'sqlite' | 'postgres';
  readonly reader: Executor;
  transaction<T>(fn: (writer: Executor) => Promise<T>, scope?: WriteScope): Promise<T>;
  close(): Promise<void>;
  readonly closed: boolean;
  /** Work to finish before the connections go (a listener, a timer), run once by close(). */
  onClose(fn: () => Promise<void> | void): void;
}

/** The transaction the current async call chain is in, if any. */
export interface TxState {
  readonly engine: Engine;
  readonly writer: Executor;
  /** Run inside the transaction, after the work and before COMMIT (PostgreSQL: the events' NOTIFY, delivered on commit). */
  readonly beforeCommit: (() => Promise<unknown>)[];
  /** Run after COMMIT, never after a rollback (the events to this instance's listeners: domain/events.ts). */
  readonly afterCommit: (() => void)[];
  /** The names this write locked (WriteScope), or null: it holds the whole database's write lock. */
  readonly locks: ReadonlySet<string> | null;
  done: boolean;
}

export const txContext = new AsyncLocalStorage<TxState>();

/** The open transaction of this engine in the current call chain, if any. */
export function currentTx(engine: Engine): TxState | undefined {
  const state = txContext.getStore();
  return state && !state.done && state.engine === engine ? state : undefined;
}

/** A small FIFO mutex: one write transaction at a time per engine in this process. */
export class Queue {
  private tail: Promise<void> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

/**
 * The closing half every engine shares: close once, run what registered with
 * onClose first (a listener, a timer), then the engine's own `finish`.
 */
export function lifecycle(finish: () => Promise<void>): Pick<Engine, 'closed' | 'onClose' | 'close'> {
  let closed = false;
  const closers: (() => Promise<void> | void)[] = [];
  return {
    get closed() {
      return closed;
    },
    onClose(fn) {
      closers.push(fn);
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const fn of closers.splice(0)) await Promise.resolve(fn()).catch(() => undefined);
      await finish();
    },
  };
}
