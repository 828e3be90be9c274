import { eq } from 'drizzle-orm';
import { write, type Db, type Tx } from '../../db/client.ts';
import { persons } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { PEOPLE_ROLES, requireRole } from '../access.ts';
import { audit } from '../audit.ts';
import { conflict, notFound } from '../errors.ts';
import { assertCanSeePerson } from '../persons/scope.ts';
import { liveRecord, type PersonRow } from '../persons/record.ts';

/** Who may correct a person's record (within the people they may see). */
export const UPDATE_ROLES = PEOPLE_ROLES;

/**
 * The record to correct: visible to the actor (404 otherwise), neither merged
 * into another (that one is corrected instead) nor anonymised (409 both).
 */
export async function editableRecord(tx: Tx, actor: Actor, id: string): Promise<PersonRow> {
  const p = await tx.select().from(persons).where(eq(persons.id, id)).get();
  if (!p) throw notFound('residents.not_found');
  await assertCanSeePerson(tx, actor, p.id);
  if (p.mergedIntoId) throw conflict('residents.edit_merged', { code: (await liveRecord(tx, p.id))?.residentCode ?? '—' });
  if (p.anonymisedAt) throw conflict('residents.edit_anonymised');
  return p;
}

/**
 * The edit form's record, read as the form shows it (audited as 'person.read',
 * view 'edit'). A merged record answers with the one that lives on
 * (`redirectTo`), so the form always edits a live record.
 */
export async function personForEdit(args: { db: Db; actor: Actor; id: string }): Promise<{ person: PersonRow; redirectTo: string | null }> {
  const { db, actor } = args;
  requireRole(actor, UPDATE_ROLES);
  return await write(db, async (tx) => {
    const asked = await tx.select({ id: persons.id, mergedIntoId: persons.mergedIntoId }).from(persons).where(eq(persons.id, args.id)).get();
    if (!asked) throw notFound('residents.not_found');
    if (asked.mergedIntoId) {
      const live = await liveRecord(tx, asked.id);
      if (!live) throw notFound('residents.not_found');
      await assertCanSeePerson(tx, actor, live.id);
      return { person: live, redirectTo: live.id };
    }
    const person = await editableRecord(tx, actor, asked.id);
    await audit(tx, actor, { action: 'person.read', entity: 'person', entityId: person.id, detail: { view: 'edit' } });
    return { person, redirectTo: null };
  });
}
