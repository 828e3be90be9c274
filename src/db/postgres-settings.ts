/**
 * Settings every PostgreSQL connection of Singgah starts with (db/postgres.ts),
 * in a module of their own so the domain can name them without loading the
 * PostgreSQL driver on SQLite.
 *
 * NAME_CANDIDATE_SIMILARITY: the duplicate check's bound on a name key's
 * word similarity (domain/residents/search-sql.ts nameKeyCandidates). The
 * trigram index answers `probe <% search_key` only against
 * `pg_trgm.word_similarity_threshold` (0.6 by default, far fewer candidates),
 * so each connection sets it to this bound at start: no statement or round
 * trip per search.
 */
export const NAME_CANDIDATE_SIMILARITY = 0.2;

/** The startup `options` (as PGOPTIONS) that set them. */
export const SESSION_OPTIONS = `-c pg_trgm.word_similarity_threshold=${NAME_CANDIDATE_SIMILARITY}`;

/**
 * The pool's connection settings: the URL, and the session options added to
 * any the URL already carries (node-postgres lets the URL's `options` replace
 * the config's, so they are merged into the URL then).
 */
export function withSessionOptions(url: string): { connectionString: string; options?: string } {
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  const own = parsed?.searchParams.get('options');
  if (!parsed || !own) return { connectionString: url, options: SESSION_OPTIONS };
  parsed.searchParams.set('options', `${own} ${SESSION_OPTIONS}`);
  return { connectionString: parsed.toString() };
}
