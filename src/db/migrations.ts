import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Migrations are append-only: once a migration has landed it never changes
 * and is never renumbered; a fix is a new migration. drizzle never re-runs an
 * applied migration, so a file edited after a database applied it leaves that
 * database on the old text for ever (the facilities_occupancy_au trigger of
 * SQLite 0006 and PostgreSQL 0004 was edited so). Like Flyway's validate, every
 * start and `npm run db:migrate` compare each applied migration's hash, as
 * drizzle stored it, with the file, and refuse a database they do not match.
 */

/** A start refused because of the database's migrations: said in one line, the process stops. */
export class MigrationRefusal extends Error {}

/** An applied migration's hash or place differs from this release's files. */
export class MigrationMismatchError extends MigrationRefusal {}

/** A row of drizzle's __drizzle_migrations: the file's hash and its journal time (`when`). */
export interface AppliedMigration {
  hash: string;
  created_at: number | string;
}

interface Journal {
  entries: { idx: number; when: number; tag: string }[];
}

/** The committed checksums (checksums.json beside the migrations): today's text of each, and the texts a landed one had before. */
export interface Checksums {
  landed: Record<string, string>;
  earlier: Record<string, string[]>;
}

/** What drizzle's migrator stores: sha256 of the file's text (drizzle-orm/migrator.js, readMigrationFiles). */
export const migrationHash = (text: string): string => createHash('sha256').update(text).digest('hex');

export function readJournal(folder: string): Journal {
  return JSON.parse(readFileSync(join(folder, 'meta/_journal.json'), 'utf8')) as Journal;
}

export function readChecksums(folder: string): Checksums {
  const c = JSON.parse(readFileSync(join(folder, 'checksums.json'), 'utf8')) as Partial<Checksums>;
  return { landed: c.landed ?? {}, earlier: c.earlier ?? {} };
}

/** The hash of each migration file of the journal, by tag, as drizzle computes it. */
export function fileHashes(folder: string): Map<string, string> {
  return new Map(readJournal(folder).entries.map((e) => [e.tag, migrationHash(readFileSync(join(folder, `${e.tag}.sql`), 'utf8'))]));
}

/**
 * Throws MigrationMismatchError, one line naming the migration, when a
 * migration the database applied is not this release's file (nor one of its
 * recorded earlier texts), when the database holds a migration this release
 * does not have, or when a migration of this release is older than the last
 * applied one (drizzle would skip it for ever).
 */
export function checkAppliedMigrations(folder: string, applied: readonly AppliedMigration[], engine: 'SQLite' | 'PostgreSQL'): void {
  if (applied.length === 0) return;
  const journal = readJournal(folder);
  const { earlier } = readChecksums(folder);
  const hashes = fileHashes(folder);
  const byWhen = new Map(journal.entries.map((e) => [e.when, e]));
  const dir = engine === 'SQLite' ? 'db/migrations' : 'db/migrations-pg';
  for (const row of applied) {
    const entry = byWhen.get(Number(row.created_at));
    if (!entry) {
      throw new MigrationMismatchError(
        `The ${engine} database has a migration this release does not have (journal time ${row.created_at}): it was made by a newer release; run that release, or restore a backup made by this one.`,
      );
    }
    if (row.hash !== hashes.get(entry.tag) && !(earlier[entry.tag] ?? []).includes(row.hash)) {
      throw new MigrationMismatchError(
        `Migration ${entry.tag} is not the one this ${engine} database applied: a landed migration must never change; restore ${dir}/${entry.tag}.sql as released and put the change in a new migration.`,
      );
    }
  }
  const done = new Set(applied.map((r) => Number(r.created_at)));
  const last = Math.max(...done);
  const skipped = journal.entries.find((e) => e.when <= last && !done.has(e.when));
  if (skipped) {
    throw new MigrationMismatchError(
      `Migration ${skipped.tag} is older than the last one this ${engine} database applied, so it would never run: a new migration must come after every landed one (a later number and journal time).`,
    );
  }
}

/**
 * What is wrong with a migrations folder against its committed checksums:
 * a landed migration whose text changed, removed or renumbered, a migration
 * without a checksum line, or a journal out of order. Empty when all is well.
 */
export function landedMigrationProblems(folder: string): string[] {
  const journal = readJournal(folder);
  const { landed } = readChecksums(folder);
  const hashes = fileHashes(folder);
  const problems: string[] = [];
  for (const [tag, sum] of Object.entries(landed)) {
    const hash = hashes.get(tag);
    if (hash === undefined) problems.push(`${tag} has landed but is no longer in the journal: a landed migration is never removed or renumbered`);
    else if (hash !== sum) problems.push(`${tag} differs from its recorded checksum: a landed migration never changes; put the change in a new migration`);
  }
  journal.entries.forEach((e, i) => {
    if (!(e.tag in landed)) problems.push(`${e.tag} has no checksum: add "${e.tag}": "${hashes.get(e.tag)}" to checksums.json when it lands`);
    if (e.idx !== i || !e.tag.startsWith(`${String(i).padStart(4, '0')}_`)) problems.push(`${e.tag} is entry ${i} of the journal: numbers follow each other`);
    const before = journal.entries[i - 1];
    if (before && e.when <= before.when) problems.push(`${e.tag} has a journal time not after ${before.tag}'s: drizzle would never apply it on a database that has ${before.tag}`);
  });
  return problems;
}
