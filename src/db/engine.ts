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
 * The small port every verb goes through: reads anywhere, one write
 * transaction at a time that holds the write lock from its first statement
 * (SQLite: BEGIN IMMEDIATE under an in-process queue; PostgreSQL: a
 * transaction-scoped advisory lock every instance takes).
 */
export interface Engine {
  readonly kind: 'sqlite' | 'postgres';
  readonly reader: Executor;
  transaction<T>(fn: (writer: Executor) => Promise<T>): Promise<T>;
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
