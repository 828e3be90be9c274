import { and, eq, isNull, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { write, type Db, type Tx } from '../../db/client.ts';
import { households, persons, stays } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { PEOPLE_ROLES, requireRole } from '../access.ts';
import { audit } from '../audit.ts';
import { conflict, invalidField } from '../errors.ts';
import { optionalText, parseInput } from '../validate.ts';
import { newId } from '../../lib/ids.ts';
import { nowIso } from '../../lib/time.ts';
import { assertCanSeePerson, maySeePerson } from '../persons/scope.ts';
import { livePerson } from '../persons/record.ts';

/**
 * Correcting a household after intake (DOMAIN.md "A household stays
 * together…"): a member added (by id or resident code) or removed, always
 * with a reason, audited, in one transaction. The open stays follow, so a
 * transfer "with the household" and the placement rules see the truth.
 */
const reason = () =>
  z.preprocess((v) => (typeof v === 'string' ? v.trim() : v), z.string({ error: 'household.reason_required' }).min(1, 'household.reason_required').max(300, 'field.too_long'));

export const AddMemberInput = z
  .object({
    member_id: optionalText(64),
    resident_code: optionalText(40),
    reason: reason(),
  })
  .refine((v) => v.member_id || v.resident_code, { path: ['resident_code'], message: 'field.required' });
export type AddMemberInput = z.infer<typeof AddMemberInput>;

export const RemoveMemberInput = z.object({ member_id: z.string({ error: 'field.required' }).trim().min(1, 'field.required').max(64), reason: reason() });
export type RemoveMemberInput = z.infer<typeof RemoveMemberInput>;

export interface HouseholdResult {
  household_id: string | null;
  members: { id: string; resident_code: string }[];
  changed: { id: string; resident_code: string };
}

async function liveMembers(tx: Db | Tx, householdId: string | null) {
  if (!householdId) return [];
  return await tx
    .select({ id: persons.id, residentCode: persons.residentCode })
    .from(persons)
    .where(and(eq(persons.householdId, householdId), isNull(persons.mergedIntoId), isNull(persons.anonymisedAt)))
    .all();
}

async function setHousehold(tx: Tx, personId: string, householdId: string | null, at: string) {
  await tx.update(persons).set({ householdId, updatedAt: at, version: sql`${persons.version} + 1` }).where(eq(persons.id, personId)).run();
  await tx.update(stays).set({ householdId }).where(and(eq(stays.personId, personId), isNull(stays.checkedOutAt))).run();
}

export async function addHouseholdMember(args: { db: Db; actor: Actor; personId: string; input: unknown }): Promise<HouseholdResult> {
  const { db, actor } = args;
  requireRole(actor, PEOPLE_ROLES);
  const input = parseInput(AddMemberInput, args.input, actor.lang);
  const at = nowIso();
  return await write(db, async (tx) => {
    await assertCanSeePerson(tx, actor, args.personId);
    const person = await livePerson(tx, args.personId);
    const found = await tx
      .select()
      .from(persons)
      .where(input.member_id ? eq(persons.id, input.member_id) : or(eq(persons.residentCode, input.resident_code!.trim().toUpperCase()), eq(persons.residentCode, input.resident_code!.trim())))
      .get();
    const field = input.member_id ? 'member_id' : 'resident_code';
    if (!found) throw invalidField(field, 'household.member_unknown');
    // A record this desk may not see is "not found", never "exists elsewhere".
    try {
      await assertCanSeePerson(tx, actor, found.id);
    } catch {
      throw invalidField(field, 'household.member_unknown');
    }
    const member = await livePerson(tx, found.id);
    if (member.id === person.id) throw invalidField(field, 'household.self');
    if (person.householdId && member.householdId === person.householdId) throw conflict('household.already_member');
    if (member.householdId && (await liveMembers(tx, member.householdId)).some((m) => m.id !== member.id)) {
      throw conflict('household.in_other_household', { code: member.residentCode });
    }
    let householdId = person.householdId;
    if (!householdId) {
      householdId = newId();
      await tx.insert(households).values({ id: householdId, createdAt: at, createdBy: actor.id, note: input.reason }).run();
      await audit(tx, actor, { action: 'household.create', entity: 'household', entityId: householdId, at, detail: { members: 2, reason: input.reason } });
      await setHousehold(tx, person.id, householdId, at);
    }
    await setHousehold(tx, member.id, householdId, at);
    await audit(tx, actor, {
      action: 'household.add_member',
      entity: 'household',
      entityId: householdId,
      at,
      detail: { person_id: member.id, resident_code: member.residentCode, previous_household_id: member.householdId, reason: input.reason },
    });
    return {
      household_id: householdId,
      members: (await liveMembers(tx, householdId)).map((m) => ({ id: m.id, resident_code: m.residentCode })),
      changed: { id: member.id, resident_code: member.residentCode },
    };
  });
}

export async function removeHouseholdMember(args: { db: Db; actor: Actor; personId: string; input: unknown }): Promise<HouseholdResult> {
  const { db, actor } = args;
  requireRole(actor, PEOPLE_ROLES);
  const input = parseInput(RemoveMemberInput, args.input, actor.lang);
  const at = nowIso();
  return await write(db, async (tx) => {
    await assertCanSeePerson(tx, actor, args.personId);
    const person = await livePerson(tx, args.personId);
    const member = await tx.select().from(persons).where(eq(persons.id, input.member_id)).get();
    if (!member || !person.householdId || member.householdId !== person.householdId) throw invalidField('member_id', 'household.not_member');
    // Removing changes the member's record too: a member this desk may not see
    // (placed at another facility, or a protected one) is not theirs to change.
    if (!await maySeePerson(tx, actor, member.id)) throw invalidField('member_id', 'household.not_member');
    const householdId = person.householdId;
    await setHousehold(tx, member.id, null, at);
    await audit(tx, actor, {
      action: 'household.remove_member',
      entity: 'household',
      entityId: householdId,
      at,
      detail: { person_id: member.id, resident_code: member.residentCode, reason: input.reason },
    });
    const left = await liveMembers(tx, householdId);
    // A household of one is no household: the last member stands alone again.
    if (left.length === 1) await setHousehold(tx, left[0]!.id, null, at);
    const now = left.length === 1 ? [] : left;
    return {
      household_id: now.length ? householdId : null,
      members: now.map((m) => ({ id: m.id, resident_code: m.residentCode })),
      changed: { id: member.id, resident_code: member.residentCode },
    };
  });
}
