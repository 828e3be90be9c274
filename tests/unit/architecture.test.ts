import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * One door to the data (issue 17): routes hold no SQL. A route asks the
 * domain a named question (src/domain/<area>/…) and renders the answer; the
 * query, written once in drizzle's SQLite dialect and portable to
 * PostgreSQL, lives beside the other queries of its area, where the rule it
 * encodes is found and reused. Nothing is allow-listed.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ROUTES = join(root, 'src/routes');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(path);
    return e.isFile() && e.name.endsWith('.ts') ? [path] : [];
  });
}

/** What SQL in a route looks like; each pattern names what it catches. */
const FORBIDDEN: { what: string; pattern: RegExp }[] = [
  // drizzle itself (operators, sql, dialect helpers), by static import, re-export or dynamic import.
  { what: "an import from 'drizzle-orm'", pattern: /\bfrom\s*['"]drizzle-orm(?:\/[^'"]*)?['"]/ },
  { what: "a dynamic import of 'drizzle-orm'", pattern: /\bimport\s*\(\s*['"]drizzle-orm(?:\/[^'"]*)?['"]\s*\)/ },
  // Raw SQL: the tagged template and its escape hatches.
  { what: 'a sql`…` template', pattern: /\bsql\s*(?:<[^>]*>)?\s*`/ },
  { what: 'sql.raw / sql.join', pattern: /\bsql\s*\.\s*(?:raw|join|identifier|placeholder|empty)\s*\(/ },
  // A query built or run on a database handle (app.db, request.server.db, ctx.app.db, a tx in write()).
  {
    what: 'a query on a database handle (db./tx. select, insert, update, delete, get, all, run, values, query, $count, execute)',
    pattern: /\b(?:db|tx)\s*\.\s*(?:select|selectDistinct|insert|update|delete|get|all|run|values|query|\$count|execute|batch|with)\b/,
  },
  // The engine under the door (its reader, writer or pool).
  { what: 'the database engine ($engine.reader / .writer / .pool / .transaction)', pattern: /\$engine\s*\.\s*(?:reader|writer|writerConnection|pool|transaction)\b/ },
];

/** Comments may mention SQL (a note on why a read lives where it does). */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`])\/\/[^\n]*/g, '$1');
}

describe('architecture: routes hold no SQL', () => {
  const files = tsFiles(ROUTES);

  it('finds the route files', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('no route file imports drizzle-orm, writes sql`…` or queries a database handle', () => {
    const offences: string[] = [];
    for (const file of files) {
      const lines = withoutComments(readFileSync(file, 'utf8')).split('\n');
      const text = lines.join('\n');
      for (const { what, pattern } of FORBIDDEN) {
        const global = new RegExp(pattern.source, 'g');
        for (const m of text.matchAll(global)) {
          const line = text.slice(0, m.index).split('\n').length;
          offences.push(`${relative(root, file)}:${line}: ${what}: ${lines[line - 1]!.trim()}`);
        }
      }
    }
    expect(offences, `Move these queries into a named read or verb in src/domain/<area>/ and call it from the route:\n${offences.join('\n')}`).toEqual([]);
  });

  it('the patterns catch what they are meant to', () => {
    const caught = (src: string) => FORBIDDEN.some(({ pattern }) => pattern.test(withoutComments(src)));
    expect(caught("import { eq, sql } from 'drizzle-orm';")).toBe(true);
    expect(caught("import { alias } from 'drizzle-orm/sqlite-core';")).toBe(true);
    expect(caught('await app.db.get(sql`select 1`);')).toBe(true);
    expect(caught('await db.all<{ n: number }>(q);')).toBe(true);
    expect(caught('const rows = await app.db\n  .select()\n  .from(alerts)')).toBe(true);
    expect(caught('await request.server.db.insert(users).values(v).run();')).toBe(true);
    expect(caught("app.delete('/x', handler); seen.delete(id); app.db.$engine.closed")).toBe(false);
    expect(caught('// select 1 from sql`x` in a comment\nconst a = 1;')).toBe(false);
  });
});
