import { sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { MUHAMMAD_KEY } from '../persons/names.ts';
import { NAME_CANDIDATE_SIMILARITY } from '../../db/postgres-settings.ts';

/**
 * The name and code search, per engine (the one place it differs): SQLite's
 * persons_fts (FTS5, trigram tokenizer; db/migrations/0001, 0007) and PostgreSQL's
 * pg_trgm GIN indexes over the same columns (db/migrations-pg/0001). Keys and
 * codes hold only [a-z0-9] / [A-Z0-9], so nothing needs escaping in a pattern.
 */

/**
 * The desk's search (search.ts): persons (alias `p`) whose resident code
 * contains `code` (when there is one), whose folded name key contains every
 * token (each three characters or more), or whose name, alias or description
 * contains `text` as written, case aside. `%` and `_` are dropped from the
 * text: they are not in names, and FTS5 cannot use its index for a LIKE with
 * an ESCAPE.
 *
 * PostgreSQL: the trigram indexes over resident_code, search_key and
 * lower(name|alias|description) (db/migrations-pg/0001, 0005).
 *
 * SQLite: persons_fts (FTS5, trigram tokenizer; db/migrations/0001, 0007),
 * asked once, the three searches OR'ed in one MATCH. With the trigram
 * tokenizer a quoted phrase is a substring, case folded, so
 * `{name alias description} : "text"` finds what `LIKE '%text%'` on each
 * column finds, from the index alone: the LIKEs it replaces (FTS5 leaves LIKE to
 * SQLite) re-read every candidate's whole row from persons, three times, and
 * three subqueries OR'ed made SQLite merge their rows again; at national scale
 * a search took three times as long. (Case folding: LIKE folds ASCII letters
 * only, the tokenizer every letter; names are written in ASCII.) A text
 * shorter than three characters has no trigram to search by: LIKE, as before.
 */
export function personsMatching(db: Db | Tx, m: { code: string | null; tokens: string[]; text: string }): SQL {
  const plain = m.text.toLowerCase().replace(/[%_\\]/g, '');
  const like = `%${plain}%`;
  const parts: SQL[] = [];
  if (db.$engine.kind === 'postgres') {
    if (m.code) parts.push(sql`p.resident_code like ${`%${m.code}%`}`);
    if (m.tokens.length) parts.push(sql`(${sql.join(m.tokens.map((t) => sql`p.search_key like ${`%${t}%`}`), sql` and `)})`);
    parts.push(sql`(lower(p.name) like ${like} or lower(p.alias) like ${like} or lower(p.description) like ${like})`);
    return sql`(${sql.join(parts, sql` or `)})`;
  }
  const match: string[] = [];
  if (m.code) match.push(`resident_code : "${m.code}"`);
  if (m.tokens.length) match.push(`search_key : (${m.tokens.map((t) => `"${t}"`).join(' AND ')})`);
  const indexed = Array.from(plain).length >= 3;
  if (indexed) match.push(`{name alias description} : "${plain.replace(/"/g, '""')}"`);
  if (match.length) parts.push(sql`p.rowid in (select rowid from persons_fts where persons_fts match ${match.map((x) => `(${x})`).join(' OR ')})`);
  if (!indexed) {
    parts.push(sql`p.rowid in (select rowid from persons_fts where name like ${like} union select rowid from persons_fts where alias like ${like} union select rowid from persons_fts where description like ${like})`);
  }
  return sql`(${sql.join(parts, sql` or `)})`;
}

/** The tokens of a folded name worth searching by: three characters or more, and not "mhd" alone when there is more. */
export function searchTokens(key: string): string[] {
  const tokens = key.split(' ').filter((t) => t.length >= 3);
  const useful = tokens.filter((t) => t !== MUHAMMAD_KEY);
  return useful.length ? useful : tokens;
}

/** The trigrams of every token of a folded name, as an FTS5 OR query over search_key ("mhd" alone says little). */
export function trigramQuery(key: string): string | null {
  const grams = new Set<string>();
  for (const t of searchTokens(key)) for (let i = 0; i + 3 <= t.length; i++) grams.add(t.slice(i, i + 3));
  if (!grams.size) return null;
  return `search_key : (${[...grams].map((g) => `"${g}"`).join(' OR ')})`;
}

/**
 * Persons (alias `p`) whose name key shares trigrams with `key`, best first,
 * at most `limit`: the duplicate check's candidates. Null when the key has
 * nothing to search by. PostgreSQL: `probe <% search_key` is what the trigram
 * index answers (word_similarity(…) > x alone is a scan of every person); its
 * threshold is NAME_CANDIDATE_SIMILARITY, set on every connection
 * (db/postgres-settings.ts), and the explicit comparison keeps the same candidates
 * (strictly above it) whatever the operator's own bound.
 */
export function nameKeyCandidates(db: Db | Tx, key: string, limit: number): SQL | null {
  const query = trigramQuery(key);
  if (!query) return null;
  if (db.$engine.kind === 'postgres') {
    const probe = searchTokens(key).join(' ');
    return sql`p.id in (select id from persons where ${probe} <% search_key and word_similarity(${probe}, search_key) > ${NAME_CANDIDATE_SIMILARITY}
      order by word_similarity(${probe}, search_key) desc limit ${limit})`;
  }
  return sql`p.rowid in (select rowid from persons_fts where persons_fts match ${query} order by rank limit ${limit})`;
}
