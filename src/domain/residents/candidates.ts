import type { Db, Tx } from '../../db/client.ts';
import type { Actor } from '../actor.ts';
import { isWide } from '../access.ts';
import type { DuplicateCandidate } from './duplicates.ts';
import { maySeePerson, placeOf } from '../persons/scope.ts';

/**
 * What the duplicate check may tell a desk (DOMAIN.md "Confidentiality across
 * facilities"): only what prevents a duplicate.
 *
 * - A person the desk may see (`canSeePerson`) is offered in full: name, age,
 *   resident code, masked NIK, id, and the facility they are at now. Only
 *   these can be chosen as `same_as`.
 * - A person the desk may not see becomes one row per facility: "a similar
 *   person is recorded at <facility>" — no id, name, age, code, NIK or
 *   likeness score — and is never attachable. Rows without a place say
 *   "another facility".
 * - A person whose place is a protected facility the desk may not see is not
 *   a candidate at all.
 * - A NIK held by someone the desk may not see is not a candidate either: it
 *   is a field error (`nikHeldError`) that names the facility when it is not
 *   protected, and never who holds it.
 */
export interface SeenCandidate extends DuplicateCandidate {
  in_scope: true;
  /** Where they are now (or were last), when known. */
  facility_name: string | null;
}

export interface ElsewhereCandidate {
  in_scope: false;
  certain: false;
  /** The facility a similar person is at, when it is not protected; else null ("another facility"). */
  facility_name: string | null;
}

export type OfferedCandidate = SeenCandidate | ElsewhereCandidate;

export interface Offer {
  /** What the desk is shown, best first. */
  shown: OfferedCandidate[];
  /** Ids the desk may attach this intake to (`same_as`): shown and visible. */
  attachable: Set<string>;
  /** The typed NIK is held by someone the desk may not see: refuse it without saying who. */
  nikHeldOutOfScope: { facility: string | null } | null;
}

const SHOWN = 5;

/** Sorts the duplicate check's raw matches into what this actor may be told. */
export async function offerCandidates(db: Db | Tx, actor: Actor, raw: DuplicateCandidate[]): Promise<Offer> {
  const shown: OfferedCandidate[] = [];
  const attachable = new Set<string>();
  const elsewhere = new Set<string>();
  let nikHeldOutOfScope: Offer['nikHeldOutOfScope'] = null;
  const wide = isWide(actor);
  for (const c of raw) {
    // Once the desk's list is full, only a NIK match still changes the answer (nikHeldOutOfScope): the
    // others would be passed over below, and their place is not read (a query each, up to 20 an intake).
    if (shown.length >= SHOWN && !c.certain) continue;
    const place = await placeOf(db, c.id);
    if (wide || await maySeePerson(db, actor, c.id)) {
      if (shown.length < SHOWN) {
        shown.push({ ...c, in_scope: true, facility_name: place?.name ?? null });
        attachable.add(c.id);
      }
      continue;
    }
    const placeHidden = place?.protected === true && place.id !== actor.facilityId;
    if (c.certain) {
      nikHeldOutOfScope = { facility: place && !placeHidden ? place.name : null };
      continue;
    }
    if (placeHidden) continue;
    const key = place?.id ?? '';
    if (elsewhere.has(key) || shown.length >= SHOWN) continue;
    elsewhere.add(key);
    shown.push({ in_scope: false, certain: false, facility_name: place?.name ?? null });
  }
  return { shown, attachable, nikHeldOutOfScope };
}

/** The field error for a NIK already held by another record: its code when the actor may see it, else where (or nothing). */
export async function nikHeldError(db: Db | Tx, actor: Actor, holder: { id: string; residentCode: string }, path: string, visibleKey: string) {
  if (await maySeePerson(db, actor, holder.id)) return { path, message: visibleKey, params: { code: holder.residentCode } };
  const place = await placeOf(db, holder.id);
  const nameable = place && (!place.protected || place.id === actor.facilityId);
  return nameable
    ? { path, message: 'residents.nik_held_elsewhere', params: { facility: place.name } }
    : { path, message: 'residents.nik_unavailable' };
}
