import { write, type Db } from '../../db/client.ts';
import type { Actor } from '../actor.ts';
import { isWide, requireRole } from '../access.ts';
import { pendingLine, type LineRef } from '../handoffs/account.ts';
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
