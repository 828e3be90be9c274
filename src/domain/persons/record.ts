import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { persons } from '../../db/schema/index.ts';
import { notFound } from '../errors.ts';

/** A person as stored: the one row type every area reads a person through. */
export type PersonRow = typeof persons.$inferSelect;

/** A person as a worklist (caseload, aid) lists them: enough to recognise, NIK masked. */
export interface PersonListed {
  person_id: string;
  resident_code: string;
  name: string | null;
  sex: 'L' | 'P';
  age: number | null;
  nik_masked: string | null;
}

/**
 * Follows merged records to the one that lives on (a merge points the
 * absorbed record at its survivor; chains are followed, a loop is not).
 * Undefined when nothing lives on: the caller says what that means.
 */
export async function liveRecord(db: Db | Tx, id: string): Promise<PersonRow | undefined> {
  let row = await db.select().from(persons).where(eq(persons.id, id)).get();
  for (let hops = 0; row?.mergedIntoId && hops < 10; hops++) {
    row = await db.select().from(persons).where(eq(persons.id, row.mergedIntoId)).get();
  }
  return row && !row.mergedIntoId ? row : undefined;
}

/** The live record of a person someone acts on: a merged record answers with its survivor; none, or an anonymised one, is 404. */
export async function livePerson(db: Db | Tx, id: string): Promise<PersonRow> {
  const row = await liveRecord(db, id);
  if (!row || row.anonymisedAt) throw notFound('residents.not_found');
  return row;
}
