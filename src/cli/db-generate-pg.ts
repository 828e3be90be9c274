/**
 * `npm run db:generate` (second half): PostgreSQL migrations from the derived
 * schema (src/db/schema-pg.ts), in drizzle's own migration format
 * (db/migrations-pg: NNNN_name.sql, meta/_journal.json, meta/NNNN_snapshot.json),
 * so drizzle's migrator applies them. drizzle-kit's CLI cannot read a schema
 * built at run time, so its API does the diff.
 */
import { generateDrizzleJson, generateMigration } from 'drizzle-kit/api';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pgTables } from '../db/schema-pg.ts';
import { parseArgs } from './args.ts';

const { positional } = parseArgs(process.argv.slice(2), { usage: 'usage: npm run db:generate [-- NAME]', positionals: 1 });

const out = resolve(import.meta.dirname, '../../db/migrations-pg');
const meta = join(out, 'meta');
mkdirSync(meta, { recursive: true });
const journalPath = join(meta, '_journal.json');
type Journal = { version: string; dialect: string; entries: { idx: number; version: string; when: number; tag: string; breakpoints: boolean }[] };
const journal: Journal = existsSync(journalPath) ? JSON.parse(readFileSync(journalPath, 'utf8')) : { version: '7', dialect: 'postgresql', entries: [] };
const last = journal.entries.at(-1);
const prev = last ? JSON.parse(readFileSync(join(meta, `${String(last.idx).padStart(4, '0')}_snapshot.json`), 'utf8')) : generateDrizzleJson({});
const cur = generateDrizzleJson(pgTables, prev.id);
const statements = await generateMigration(prev, cur);
if (!statements.length) {
  process.stdout.write('PostgreSQL schema: no changes\n');
} else {
  const idx = last ? last.idx + 1 : 0;
  const name = positional[0] ?? (idx === 0 ? 'init' : 'change');
  const tag = `${String(idx).padStart(4, '0')}_${name}`;
  writeFileSync(join(out, `${tag}.sql`), statements.join('\n--> statement-breakpoint\n') + '\n');
  writeFileSync(join(meta, `${String(idx).padStart(4, '0')}_snapshot.json`), JSON.stringify(cur, null, 2) + '\n');
  journal.entries.push({ idx, version: '7', when: Date.now(), tag, breakpoints: true });
  writeFileSync(journalPath, JSON.stringify(journal, null, 2) + '\n');
  process.stdout.write(`PostgreSQL schema: wrote db/migrations-pg/${tag}.sql (${statements.length} statements)\n`);
}
