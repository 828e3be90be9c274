import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import type Database from 'better-sqlite3';
import { write, type Db } from '../db/client.ts';
import { currentTx, type Executor } from '../db/engine.ts';
import type { SqliteEngine } from '../db/sqlite.ts';
import { rebuildOccupancyCounters } from '../domain/occupancy/verify.ts';

/**
 * Bulk inserts for the large demo databases (--scale national): hundreds of
 * thousands of rows go in without the per-row verbs and without drizzle's
 * per-statement mapping. Rows are given as arrays of database values in the
 * order of the columns named (SQL names; booleans as 0/1, JSON as text),
 * buffered per table, and flushed together in the order the tables were
 * declared (parents first), so every foreign key points at a row already in.
 *
 * SQLite: one prepared statement per table on the engine's write connection,
 * inside the write transaction `bulkWrite` opens. PostgreSQL: one
 * `insert … select from unnest($1::text[], …)` per table and flush, on the
 * transaction's own connection.
 *
 * The database's own triggers (the persons' search index, the units'
 * occupancy counters) keep working as for any insert, except where said below.
 */
export interface BulkTable {
  readonly name: string;
  add(row: unknown[]): void;
  /** Rows added so far (flushed or not). */
  readonly count: number;
}

interface TableState {
  name: string;
  columns: string[];
  pgTypes: string[];
  rows: unknown[][];
  count: number;
  stmt?: Database.Statement;
}

export class BulkWriter {
  private readonly tables: TableState[] = [];
  private buffered = 0;
  constructor(
    private readonly sqlite: Database.Database | null,
    private readonly pg: Executor | null,
    private readonly flushEvery: number,
  ) {}

  /** A table to fill, with the columns each row gives (declare parents before children). */
  table(table: SQLiteTable, columns: string[]): BulkTable {
    const config = getTableConfig(table);
    const byName = new Map(config.columns.map((c) => [c.name, c]));
    const pgTypes = columns.map((name) => {
      const c = byName.get(name);
      if (!c) throw new Error(`${config.name} has no column ${name}`);
      const type = c.getSQLType().toLowerCase();
      return type.startsWith('int') ? 'bigint' : type === 'real' ? 'float8' : 'text';
    });
    const state: TableState = { name: config.name, columns, pgTypes, rows: [], count: 0 };
    if (this.sqlite) {
      state.stmt = this.sqlite.prepare(`insert into "${config.name}" (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})`);
    }
    this.tables.push(state);
    const self = this;
    return {
      name: config.name,
      add(row: unknown[]) {
        state.rows.push(row);
        state.count++;
        self.buffered++;
      },
      get count() {
        return state.count;
      },
    };
  }

  /** Flushes when enough rows wait (call between units of work: every row added so far goes in together). */
  async maybeFlush(): Promise<void> {
    if (this.buffered >= this.flushEvery) await this.flush();
  }

  async flush(): Promise<void> {
    for (const t of this.tables) {
      if (!t.rows.length) continue;
      const rows = t.rows;
      t.rows = [];
      if (t.stmt) {
        for (const r of rows) t.stmt.run(r);
      } else {
        // Arrays of ≤ 5,000 rows a statement: one parameter per column, whatever the number of rows.
        for (let i = 0; i < rows.length; i += 5000) {
          const chunk = rows.slice(i, i + 5000);
          const params = t.columns.map((_, j) => chunk.map((r) => r[j] ?? null));
          const sql = `insert into "${t.name}" (${t.columns.map((c) => `"${c}"`).join(', ')}) select * from unnest(${t.pgTypes.map((ty) => `?::${ty}[]`).join(', ')})`;
          await this.pg!.execute(sql, params, 'run', false);
        }
      }
    }
    this.buffered = 0;
  }

  counts(): Record<string, number> {
    return Object.fromEntries(this.tables.map((t) => [t.name, t.count]));
  }
}

/**
 * Runs `fn` in one write transaction with a bulk writer on it; everything left
 * in the buffers goes in before the commit. On SQLite the write connection gets
 * a large page cache for the duration (random-key indexes of a million rows).
 */
export async function bulkWrite<T>(db: Db, fn: (bulk: BulkWriter) => Promise<T>, opts: { flushEvery?: number } = {}): Promise<T> {
  const engine = db.$engine;
  const sqlite = engine.kind === 'sqlite' ? (engine as SqliteEngine).writerConnection : null;
  const before = sqlite ? (sqlite.pragma('cache_size', { simple: true }) as number) : 0;
  if (sqlite) sqlite.pragma('cache_size = -524288');
  try {
    return await write(db, async () => {
      // The persons' trigram index (FTS5) is filled once at the end, from the table: row by row through
      // its trigger it costs about three times as much. The trigger is put back as it was, in this transaction.
      const ftsTrigger = sqlite ? (sqlite.prepare(`select sql from sqlite_master where type = 'trigger' and name = 'persons_fts_ai'`).get() as { sql: string } | undefined) : undefined;
      if (sqlite && ftsTrigger) sqlite.exec('drop trigger persons_fts_ai');
      const pgWriter = sqlite ? null : currentTx(engine)!.writer;
      let replica = false;
      if (pgWriter) {
        // PostgreSQL, for this transaction only: no JIT compilation of each large insert (a third of the time),
        // and, where the role may (a superuser, as on a developer's machine), no per-row foreign-key and
        // trigger checks (two thirds of what is left): the rows are consistent by construction, and the
        // same generator runs on SQLite with every foreign key checked (tests/integration/demo-national.test.ts).
        await pgWriter.execute('set local jit = off', [], 'run', false);
        const su = (await pgWriter.execute(`select current_setting('is_superuser') as su`, [], 'get', false)) as { rows?: { su: string } };
        replica = su.rows?.su === 'on';
        if (replica) await pgWriter.execute('set local session_replication_role = replica', [], 'run', false);
      }
      const bulk = new BulkWriter(sqlite, pgWriter, opts.flushEvery ?? 20_000);
      const result = await fn(bulk);
      await bulk.flush();
      if (replica) {
        // The occupancy counters' triggers did not run either: the units' counters are set from a recount.
        await rebuildOccupancyCounters(db);
        await pgWriter!.execute('set local session_replication_role = origin', [], 'run', false);
      }
      if (sqlite && ftsTrigger) {
        sqlite.exec(`insert into persons_fts(persons_fts) values ('rebuild')`);
        sqlite.exec(ftsTrigger.sql);
      }
      return result;
    });
  } finally {
    if (sqlite) {
      sqlite.pragma(`cache_size = ${before}`);
      // The transaction went through the WAL: fold it into the database file now rather than on the first request.
      sqlite.pragma('wal_checkpoint(TRUNCATE)');
    }
  }
}
