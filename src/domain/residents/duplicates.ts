import { sql, and, eq, inArray, isNull } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { persons, type Sex } from '../../db/schema/index.ts';
import { ageOn } from '../persons/age.ts';
import { NAME_MATCH_THRESHOLD, nameSimilarity, normaliseName } from '../persons/names.ts';
import { SUMMARY_COLUMNS, personSummary, type SummaryFacts } from './view.ts';
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

/** The columns scoreDuplicates reads: the rule's (name, alias, sex, age) and the candidate's summary (personSummary). */
const SCORED = {
  ...SUMMARY_COLUMNS,
};

function toCandidate(p: SummaryFacts, today: string, certain: boolean, score: number): DuplicateCandidate {
  return {
    ...personSummary(p, today),
    certain,
    score: Math.round(score * 100) / 100,
  };
}

/** The folded name keys a probe is searched by. */
function probeKeysOf(probe: Pick<DuplicateProbe, 'name' | 'alias'>): string[] {
  return [normaliseName(probe.name), normaliseName(probe.alias)].filter(Boolean);
}

/**
 * The slow half of the check: persons whose name key is near the probe's, by
 * the trigram index (at most FTS_CANDIDATES, best first; at 100,000 persons tens
 * of milliseconds). It holds nothing: registerIntake runs it before its write,
 * and in the write scores these ids with those of persons changed since
 * (personsChangedSince), so no slow read runs while the write lock is held.
 */
export async function nameNeighbours(db: Db | Tx, probe: Pick<DuplicateProbe, 'name' | 'alias' | 'sex'>): Promise<string[]> {
  const candidates = nameKeyCandidates(db, probeKeysOf(probe).join(' '), FTS_CANDIDATES);
  if (!candidates) return [];
  return (await db.all<{ id: string }>(sql`
    select p.id from persons p
    where ${candidates}
      and p.merged_into_id is null and p.anonymised_at is null and p.sex = ${probe.sex}`)).map((r) => r.id);
}

/**
 * The cheap half: the same NIK (an index lookup), and the persons `ids` read by
 * id and scored by the rule (the same sex, a similar name, an age within
 * AGE_TOLERANCE_YEARS). A person merged away or anonymised since is no candidate.
 */
export async function scoreDuplicates(
  db: Db | Tx,
  probe: DuplicateProbe,
  ids: readonly string[],
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

  const probeKeys = probeKeysOf(probe);
  const probeAge = ageOn(probe, opts.today);
  // Only what the rule and the officer's view need, of the live persons of the probe's sex: up to
  // FTS_CANDIDATES rows a member, read whole they cost more than the scoring (a row has some thirty columns).
  const rows = ids.length && probeKeys.length
    ? await db.select(SCORED).from(persons).where(and(inArray(persons.id, [...new Set(ids)]), isNull(persons.mergedIntoId), isNull(persons.anonymisedAt), eq(persons.sex, probe.sex))).all()
    : [];
  for (const p of rows) {
    if (exclude.has(p.id) || found.has(p.id)) continue;
    const age = ageOn({ birthDate: p.birthDate, estimatedAge: p.estimatedAge, estimatedAt: p.estimatedAt }, opts.today);
    if (probeAge !== null && age !== null && Math.abs(probeAge - age) > AGE_TOLERANCE_YEARS) continue;
    const keys = [normaliseName(p.name), normaliseName(p.alias)].filter(Boolean);
    const score = bestSimilarity(probeKeys, keys);
    if (score >= NAME_MATCH_THRESHOLD) found.set(p.id, toCandidate(p, opts.today, false, score));
  }

  return [...found.values()]
    .sort((a, b) => Number(b.certain) - Number(a.certain) || b.score - a.score || a.resident_code.localeCompare(b.resident_code))
    .slice(0, opts.limit ?? 5);
}

/** Both halves at once, where no write waits on it. */
export async function findDuplicates(
  db: Db | Tx,
  probe: DuplicateProbe,
  opts: { today: string; limit?: number; excludeIds?: readonly string[] },
): Promise<DuplicateCandidate[]> {
  return await scoreDuplicates(db, probe, await nameNeighbours(db, probe), opts);
}

/**
 * Where the stream of changes stands (the newest audit event), read before the
 * slow half so that personsChangedSince, in the write, names every person whose
 * record changed after it: every change of a person's record is audited as
 * entity 'person' in its own transaction, and such changes hold the whole
 * database's write lock (no scoped write changes a name), so none of them can
 * commit an event numbered below the mark after the mark was read.
 */
export async function personChangeMark(db: Db | Tx): Promise<number> {
  return (await db.get<{ n: number | null }>(sql`select max(id) as n from audit_events`))?.n ?? 0;
}

/**
 * Persons whose record changed after the mark (personChangeMark): the events
 * since it, a handful, by the audit trail's id. The entity is picked out here:
 * with `entity = 'person'` in the query SQLite read the trail by its entity
 * index instead, every person's event in the country (20 ms, in the write).
 */
export async function personsChangedSince(db: Db | Tx, mark: number): Promise<string[]> {
  const rows = await db.all<{ entity: string; id: string | null }>(sql`select entity, entity_id as id from audit_events where id > ${mark}`);
  return [...new Set(rows.filter((r) => r.entity === 'person' && r.id !== null).map((r) => r.id!))];
}
