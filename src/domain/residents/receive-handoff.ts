import { write, type Db } from '../../db/client.ts';
import type { Actor } from '../actor.ts';
import { isWide, requireRole } from '../access.ts';
import { pendingGroup, pendingLine, type LineRef } from '../handoffs/account.ts';
import { intakePrefillFromLine } from '../handoffs/intake-prefill.ts';
import type { HandoffLineRow } from '../handoffs/read.ts';
import { DESK_ROLES } from '../handoffs/scope.ts';
import { registerIntake } from './register.ts';
import type { IntakeResult } from './intake-result.ts';

/**
 * "Receive" at the handoff desk: the intake of the person the line describes
 * (registerIntake, with its duplicate and NIK checks), which receives the line
 * and settles the handoff (handoffs/receive.ts) in its own transaction. The
 * line is first checked as the handoff desk checks it (this actor may account
 * for it, and it is pending). When the intake needs the officer's decision
 * nothing is saved and the decision is returned.
 */
export async function receiveByIntake(args: { db: Db; actor: Actor; ref: LineRef; person: unknown }): Promise<IntakeResult> {
  const { db, actor, ref } = args;
  requireRole(actor, DESK_ROLES);
  return await write(db, async (tx) => {
    const { h, line } = await pendingLine(tx, actor, ref);
    // registerIntake opens its own write(): inside this one it is a savepoint, so both commit or neither.
    return await registerIntake({
      db,
      actor,
      input: {
        persons: [args.person],
        source: 'satpol_handoff',
        handoff_person_id: line.id,
        // Wide roles register at the receiving facility, so the person is linked to it.
        facility_id: isWide(actor) ? h.facilityId : undefined,
      },
    });
  });
}

/**
 * "Terima keluarga" at the handoff desk: every member still pending of one
 * group the officers wrote down (who came together) registered in one intake
 * as one household, each receiving their own line (registerIntake, with the
 * duplicate and NIK checks decided per member), so that check-in places them
 * together. `members` are the officer's answers for some members (a duplicate
 * decided, a field corrected), by line id, the member's whole form; a member
 * not named is taken as the officers wrote them. When a member needs a decision
 * nothing is saved and the decisions are returned, with the lines in order.
 */
export async function receiveGroupByIntake(args: {
  db: Db;
  actor: Actor;
  ref: { handoffId: string; group: string };
  members?: Record<string, Record<string, unknown>>;
}): Promise<{ result: IntakeResult; lines: HandoffLineRow[] }> {
  const { db, actor, ref } = args;
  requireRole(actor, DESK_ROLES);
  return await write(db, async (tx) => {
    const { h, lines } = await pendingGroup(tx, actor, ref);
    const persons = lines.map((l) => ({ ...(args.members?.[l.id] ?? intakePrefillFromLine(l)), handoff_person_id: l.id }));
    const result = await registerIntake({
      db,
      actor,
      input: { persons, household: true, source: 'satpol_handoff', facility_id: isWide(actor) ? h.facilityId : undefined },
    });
    return { result, lines };
  });
}
