import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { handoffPersons } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { notFound } from '../errors.ts';
import { pendingLine } from './account.ts';
import type { HandoffLineRow, HandoffRow } from './read.ts';

/**
 * What the Satpol PP officers wrote about one person, as the intake form's
 * fields (persons.N.* of /intake and views/partials/intake/member.eta): the
 * "receive" step opens the intake filled from it. Only for a person still
 * pending on a handoff this actor's desk may account for (404 / 403 / 409).
 * An intake form that takes `?handoff_person=ID` can call this, then save with
 * receiveByIntake (residents/receive-handoff.ts) so the link and the handoff's closing happen in its transaction.
 */
export function intakePrefillFromLine(line: HandoffLineRow): Record<string, string | string[] | undefined> {
  const has = (n: HandoffLineRow['needs'][number]) => (line.needs.includes(n) ? 'on' : undefined);
  return {
    name: line.name ?? '',
    description: line.description ?? '',
    sex: line.sex,
    estimated_age: line.approxAge === null ? '' : String(line.approxAge),
    pregnant: has('pregnant'),
    needs_medical: has('sick_injured'),
    // A wheelchair is a physical disability (the intake's own rule): both are carried over.
    wheelchair: has('wheelchair'),
    disabilities: line.needs.includes('wheelchair') ? ['fisik'] : undefined,
    unaccompanied_child: has('unaccompanied_child'),
    trafficking_victim: has('trafficking_suspected'),
    napza: has('drug_use'),
  };
}

export async function intakePrefill(args: { db: Db; actor: Actor; handoffPersonId: string }): Promise<{ handoff: HandoffRow; line: HandoffLineRow; member: Record<string, string | string[] | undefined> }> {
  const row = await args.db.select({ handoffId: handoffPersons.handoffId }).from(handoffPersons).where(eq(handoffPersons.id, args.handoffPersonId)).get();
  if (!row) throw notFound('handoffs.line_not_found');
  const { h, line } = await pendingLine(args.db, args.actor, { handoffId: row.handoffId, lineId: args.handoffPersonId });
  return { handoff: h, line, member: intakePrefillFromLine(line) };
}
