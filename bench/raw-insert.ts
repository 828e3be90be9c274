import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { median, progress, round } from './lib.ts';

/**
 * The check-in ceiling: what the disk and SQLite allow one writer with no
 * application at all. A loop of `BEGIN IMMEDIATE; INSERT one stay-shaped row;
 * COMMIT` on a file beside the bench database, with Singgah's pragmas
 * (src/db/sqlite.ts: WAL, synchronous=FULL, foreign keys, busy timeout).
 * Commits per second, median of the rounds after a warm-up.
 */
export function rawInsertsPerSecond(path: string, settings: { warmupS: number; rounds: number; roundS: number }): { value: number; rounds: number[] } {
  const conn = new Database(path);
  try {
    conn.pragma('journal_mode = WAL');
    conn.pragma('synchronous = FULL');
    conn.pragma('foreign_keys = ON');
    conn.pragma('busy_timeout = 5000');
    conn.exec(`create table stays (
      id text primary key, person_id text not null, facility_id text not null, unit_id text not null,
      checked_in_at text not null, checked_out_at text)`);
    conn.exec('create unique index stays_open_person on stays (person_id) where checked_out_at is null');
    const begin = conn.prepare('begin immediate');
    const insert = conn.prepare('insert into stays (id, person_id, facility_id, unit_id, checked_in_at) values (?, ?, ?, ?, ?)');
    const commit = conn.prepare('commit');
    const facility = randomUUID();
    const unit = randomUUID();
    const loop = (seconds: number) => {
      const end = performance.now() + seconds * 1000;
      const t0 = performance.now();
      let n = 0;
      while (performance.now() < end) {
        begin.run();
        insert.run(randomUUID(), randomUUID(), facility, unit, new Date().toISOString());
        commit.run();
        n++;
      }
      return n / ((performance.now() - t0) / 1000);
    };
    loop(settings.warmupS);
    const rounds = Array.from({ length: settings.rounds }, () => loop(settings.roundS));
    progress(`raw insert+commit: ${rounds.map((x) => round(x)).join(', ')} /s`);
    return { value: median(rounds), rounds };
  } finally {
    conn.close();
  }
}
