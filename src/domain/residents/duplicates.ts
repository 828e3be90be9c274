import { sql, and, eq, inArray, isNull } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { persons, type Sex } from '../../db/schema/index.ts';
import { ageOn } from '../persons/age.ts';
import { NAME_MATCH_THRESHOLD, nameSimilarity, normaliseName } from '../persons/names.ts';
import { personSummary } from './view.ts';
import type { PersonRow } from '../persons/record.ts';
import { nameKeyCandidates } from './search-sql.ts';

/**
 * Duplicate check before saving (issue 4): the same NIK is a certain match;
 * a similar name (after folding spelling variants) with the same sex and an
 * age within ten years is a possible match. Candidates come from the
 * persons_fts trigram index over search_key, then each is scored here.
 */
export interface DuplicateProbe {
  name?: string | null;
  alias?: string | null;
  nik?: string | null;
  sex: Sex;
  birthDate?: string | null;
  estimatedAge?: number | null;
  estimatedAt?: string | null;
}

/** What the officer sees of a candidate: enough to recognise, NIK masked. */
export interface DuplicateCandidate {
  id: string;
  resident_code: string;
  name: string | null;
  alias: string | null;
  description: string | null;
  sex: Sex;
  age: number | null;
  nik_masked: string | null;
  /** The same NIK: certainly this person. */
  certain: boolean;
  /** Name likeness 0..1 (1 for a NIK match). */
  score: number;
}

export const AGE_TOLERANCE_YEARS = 10;
/** How many rows the trigram index may hand to the scorer; the best ranked come first. */
const FTS_CANDIDATES = 200;

export { trigramQuery } from './search-sql.ts';

function bestSimilarity(aKeys: string[], bKeys: string[]): number {
  let best = 0;
  for (const a of aKeys) for (const b of bKeys) best = Math.max(best, nameSimilarity(a, b));
  return best;
}

function toCandidate(p: PersonRow, today: string, certain: boolean, score: number): DuplicateCandidate {
  return {
    ...personSummary(p, today),
    certain,
    score: Math.round(score * 100) / 100,
  };
}

export async function findDuplicates(
  db: Db | Tx,
  probe: DuplicateProbe,
  opts: { today: string; limit?: number; excludeIds?: readonly string[] },
): Promise<DuplicateCandidate[]> {
  const exclude = new Set(opts.excludeIds ?? []);
  const found = new Map<string, DuplicateCandidate>();

  if (probe.nik) {
    const same = await db
      .select()
      .from(persons)
      .where(and(eq(persons.nik, probe.nik), isNull(persons.mergedIntoId)))
      .all();
    for (const p of same) if (!exclude.has(p.id)) found.set(p.id, toCandidate(p, opts.today, true, 1));
  }

  const probeKeys = [normaliseName(probe.name), normaliseName(probe.alias)].filter(Boolean);
  const probeAge = ageOn(probe, opts.today);
  const candidates = nameKeyCandidates(db, probeKeys.join(' '), FTS_CANDIDATES);
  if (candidates) {
    const ids = (await db
      .all<{ id: string }>(sql`
        select p.id from persons p
        where ${candidates}
          and p.merged_into_id is null and p.anonymised_at is null and p.sex = ${probe.sex}`))
      .map((r) => r.id);
    const rows = ids.length ? await db.select().from(persons).where(inArray(persons.id, ids)).all() : [];
    for (const p of rows) {
      if (exclude.has(p.id) || found.has(p.id)) continue;
      const age = ageOn({ birthDate: p.birthDate, estimatedAge: p.estimatedAge, estimatedAt: p.estimatedAt }, opts.today);
      if (probeAge !== null && age !== null && Math.abs(probeAge - age) > AGE_TOLERANCE_YEARS) continue;
      const keys = [normaliseName(p.name), normaliseName(p.alias)].filter(Boolean);
      const score = bestSimilarity(probeKeys, keys);
      if (score >= NAME_MATCH_THRESHOLD) found.set(p.id, toCandidate(p, opts.today, false, score));
    }
  }

  return [...found.values()]
    .sort((a, b) => Number(b.certain) - Number(a.certain) || b.score - a.score || a.resident_code.localeCompare(b.resident_code))
    .slice(0, opts.limit ?? 5);
}
