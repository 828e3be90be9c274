import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { MIGRATIONS_FOLDER, PG_MIGRATIONS_FOLDER, openDatabase } from '../../src/db/client.ts';
import { MigrationMismatchError, checkAppliedMigrations, landedMigrationProblems, readChecksums, readJournal, type AppliedMigration } from '../../src/db/migrations.ts';
import { TEST_ENGINE, TEST_SECRET } from '../helpers/app.ts';
import { createTestPgDatabase } from '../helpers/pg.ts';

/**
 * Migrations are append-only (issue 31): a landed migration's text never
 * changes (db/migrations*\/checksums.json holds its sha256), and a database
 * that applied a migration whose file has changed since is refused, in one
 * line naming it, at start and by `npm run db:migrate`.
 */
const FOLDERS = { SQLite: MIGRATIONS_FOLDER, PostgreSQL: PG_MIGRATIONS_FOLDER } as const;
const scratchDirs: string[] = [];
afterEach(() => {
  for (const d of scratchDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A scratch copy of a migrations folder, to edit inside the test. */
function scratchCopy(folder: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'singgah-migrations-'));
  scratchDirs.push(dir);
  cpSync(folder, dir, { recursive: true });
  return dir;
}

describe.each(Object.entries(FOLDERS))('the %s migrations', (engine, folder) => {
  it('are each exactly the text that landed (checksums.json), numbered and timed in order', () => {
    expect(landedMigrationProblems(folder)).toEqual([]);
    expect(Object.keys(readChecksums(folder).landed)).toEqual(readJournal(folder).entries.map((e) => e.tag));
  });

  it('fail the check when a landed migration is edited, removed, or added without its checksum', () => {
    const copy = scratchCopy(folder);
    const [first, second] = readJournal(copy).entries;
    appendFileSync(join(copy, `${second!.tag}.sql`), '\n-- a later fix, in the wrong place\n');
    expect(landedMigrationProblems(copy)).toEqual([`${second!.tag} differs from its recorded checksum: a landed migration never changes; put the change in a new migration`]);

    const journal = JSON.parse(readFileSync(join(copy, 'meta/_journal.json'), 'utf8')) as { entries: { idx: number; when: number; tag: string }[] };
    const last = journal.entries.at(-1)!;
    const tag = `${String(last.idx + 1).padStart(4, '0')}_next`;
    writeFileSync(join(copy, `${tag}.sql`), 'select 1;\n');
    writeFileSync(join(copy, 'meta/_journal.json'), JSON.stringify({ ...journal, entries: [...journal.entries.slice(1), { ...last, idx: last.idx + 1, when: last.when - 1, tag }] }));
    const problems = landedMigrationProblems(copy);
    expect(problems).toContain(`${first!.tag} has landed but is no longer in the journal: a landed migration is never removed or renumbered`);
    expect(problems.some((p) => p.startsWith(`${tag} has no checksum`))).toBe(true);
    expect(problems.some((p) => p.startsWith(`${tag} has a journal time not after`))).toBe(true);
  });

  it('refuse, naming it, a database that applied a migration whose file has changed since', () => {
    const journal = readJournal(folder);
    const hashes = Object.values(readChecksums(folder).landed);
    const applied: AppliedMigration[] = journal.entries.map((e, i) => ({ hash: hashes[i]!, created_at: String(e.when) }));
    expect(() => checkAppliedMigrations(folder, applied, engine as 'SQLite')).not.toThrow();
    const copy = scratchCopy(folder);
    const edited = journal.entries[3]!.tag;
    appendFileSync(join(copy, `${edited}.sql`), '\n-- edited after it landed\n');
    expect(() => checkAppliedMigrations(copy, applied, engine as 'SQLite')).toThrow(MigrationMismatchError);
    expect(() => checkAppliedMigrations(copy, applied, engine as 'SQLite')).toThrow(new RegExp(`^Migration ${edited} is not the one this ${engine} database applied: [^\\n]*$`));
    // A database that applied fewer is checked on what it applied.
    expect(() => checkAppliedMigrations(copy, applied.slice(0, 3), engine as 'SQLite')).not.toThrow();
  });
});

/** A migrated database of the suite's engine, and a way to change what drizzle recorded on it. */
async function migratedDatabase(): Promise<{ target: string; env: Record<string, string>; folder: string; drop: () => Promise<void> }> {
  if (TEST_ENGINE === 'sqlite') {
    // Its own directory: the CLI keeps a session secret beside the database.
    const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'singgah-mig-'));
    const target = join(dir, 'singgah.db');
    await (await openDatabase(target)).$engine.close();
    return { target, env: { DATABASE_PATH: target }, folder: MIGRATIONS_FOLDER, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const created = await createTestPgDatabase();
  return { target: created.url, env: { DATABASE_URL: created.url, SESSION_SECRET: TEST_SECRET }, folder: PG_MIGRATIONS_FOLDER, drop: created.drop };
}

async function setRecordedHash(target: string, when: number, hash: string | null) {
  // A plain connection: the app would refuse the database once it is changed.
  if (TEST_ENGINE === 'sqlite') {
    const { default: Database } = await import('better-sqlite3');
    const conn = new Database(target);
    if (hash === null) conn.prepare('insert into __drizzle_migrations (hash, created_at) values (?, ?)').run('f'.repeat(64), when);
    else conn.prepare('update __drizzle_migrations set hash = ? where created_at = ?').run(hash, when);
    conn.close();
    return;
  }
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: target });
  await c.connect();
  if (hash === null) await c.query('insert into drizzle.__drizzle_migrations (hash, created_at) values ($1, $2)', ['f'.repeat(64), when]);
  else await c.query('update drizzle.__drizzle_migrations set hash = $1 where created_at = $2', [hash, when]);
  await c.end();
}

describe(`a ${TEST_ENGINE} database whose applied migrations differ from the files`, () => {
  it('is refused at start and by npm run db:migrate, in one line naming the migration', async () => {
    const made = await migratedDatabase();
    try {
      const entry = readJournal(made.folder).entries[2]!;
      await setRecordedHash(made.target, entry.when, 'e'.repeat(64));
      const line = new RegExp(`^Migration ${entry.tag} is not the one this (SQLite|PostgreSQL) database applied: [^\\n]*$`);
      await expect(openDatabase(made.target)).rejects.toThrow(line);
      await expect(openDatabase(made.target, { migrate: true })).rejects.toBeInstanceOf(MigrationMismatchError);

      const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'silent', ...made.env };
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/db-migrate.ts'], { env, encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr.trim()).toMatch(line);
      expect(r.stdout).not.toMatch(/migrated/);
    } finally {
      await made.drop();
    }
  }, 60_000);

  it('accepts the earlier text of the one migration edited before the rule, and refuses one from a newer release', async () => {
    const made = await migratedDatabase();
    try {
      const { earlier } = readChecksums(made.folder);
      const [tag, [oldHash]] = Object.entries(earlier)[0]! as [string, string[]];
      const entry = readJournal(made.folder).entries.find((e) => e.tag === tag)!;
      await setRecordedHash(made.target, entry.when, oldHash!);
      const db = await openDatabase(made.target, { migrate: true });
      expect((await db.get<{ n: number }>(sql`select count(*) as n from facilities`))?.n).toBe(0);
      await db.$engine.close();

      await setRecordedHash(made.target, 4102444800000, null);
      await expect(openDatabase(made.target)).rejects.toThrow(/has a migration this release does not have \(journal time 4102444800000\)/);
    } finally {
      await made.drop();
    }
  }, 60_000);
});
