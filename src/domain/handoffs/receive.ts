import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { handoffPersons, handoffs } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { audit } from '../audit.ts';
import { DomainError, invalid, type FieldError } from '../errors.ts';
import { settleHandoff } from './settle.ts';
import { publishHandoff } from './events.ts';

/**
 * A handoff line named by an intake (`handoff_person_id`): it must belong to
 * a handoff to the registering facility (any facility for a wide role, whose
 * intake names none) and still be pending.
 */
export async function receivableLine(tx: Tx, id: string, facilityId: string | null): Promise<{ id: string; handoffId: string; seq: number }> {
  const line = await tx
    .select({ id: handoffPersons.id, handoffId: handoffPersons.handoffId, seq: handoffPersons.seq, status: handoffPersons.status, facilityId: handoffs.facilityId })
    .from(handoffPersons)
    .innerJoin(handoffs, eq(handoffs.id, handoffPersons.handoffId))
    .where(eq(handoffPersons.id, id))
    .get();
  if (!line || (facilityId !== null && line.facilityId !== facilityId)) throw invalid([{ path: 'handoff_person_id', message: 'residents.handoff_unknown' }]);
  if (line.status !== 'PENDING') throw new DomainError('CONFLICT', 'residents.handoff_already_accounted');
  return { id: line.id, handoffId: line.handoffId, seq: line.seq };
}

/**
 * The lines named by the members of one intake (each member's own
 * `handoff_person_id`): each receivable as above, all of one handoff and of
 * one group the officers wrote down (who came together), each named once.
 * A lone member may name any pending line. Errors name the member's field.
 */
export async function receivableGroup(tx: Tx, ids: readonly (string | undefined)[], facilityId: string | null): Promise<({ id: string; handoffId: string; seq: number } | null)[]> {
  const named = ids.filter((x): x is string => Boolean(x));
  if (!named.length) return ids.map(() => null);
  const errors: FieldError[] = [];
  if (new Set(named).size !== named.length) {
    ids.forEach((x, i) => {
      if (x && ids.indexOf(x) !== i) errors.push({ path: `persons.${i}.handoff_person_id`, message: 'residents.handoff_line_twice' });
    });
    throw invalid(errors);
  }
  const lines = await Promise.all(
    ids.map(async (x, i) => {
      if (!x) return null;
      try {
        return await receivableLine(tx, x, facilityId);
      } catch (err) {
        if (err instanceof DomainError && err.code === 'VALIDATION') errors.push({ path: `persons.${i}.handoff_person_id`, message: 'residents.handoff_unknown' });
        else throw err;
        return null;
      }
    }),
  );
  if (errors.length) throw invalid(errors);
  if (named.length > 1) {
    const rows = await tx
      .select({ id: handoffPersons.id, handoffId: handoffPersons.handoffId, group: handoffPersons.groupLabel })
      .from(handoffPersons)
      .where(inArray(handoffPersons.id, named))
      .all();
    const first = rows[0]!;
    const together = rows.every((r) => r.handoffId === first.handoffId && r.group !== null && r.group === first.group);
    if (!together) {
      ids.forEach((x, i) => {
        if (x) errors.push({ path: `persons.${i}.handoff_person_id`, message: 'residents.handoff_not_one_group' });
      });
      throw invalid(errors);
    }
  }
  return lines;
}

/**
 * The one way a handoff line becomes RECEIVED (by an intake that registered
 * or found the person, or by linking an existing record): the line names the
 * person, the act is audited, and in this same transaction the handoff settles
 * (receiving officer, closing once no one is pending) and is announced — heard
 * once committed, never for a rollback.
 */
export async function receiveLine(tx: Tx, actor: Actor, line: { id: string; handoffId: string; seq: number }, personId: string, now: string): Promise<void> {
  await tx.update(handoffPersons)
    .set({ status: 'RECEIVED', personId, accountedAt: now, accountedBy: actor.id })
    .where(and(eq(handoffPersons.id, line.id), eq(handoffPersons.status, 'PENDING')))
    .run();
  await audit(tx, actor, { action: 'handoff.person_received', entity: 'handoff', entityId: line.handoffId, at: now, detail: { handoff_person_id: line.id, seq: line.seq, person_id: personId } });
  await settleHandoff(tx, actor, line.handoffId, now);
  await publishHandoff(tx, line.handoffId);
}
