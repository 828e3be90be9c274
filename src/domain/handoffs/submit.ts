import { eq } from 'drizzle-orm';
import { write, type Db } from '../../db/client.ts';
import { handoffPersons, handoffs, wilayah } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { canSeeFacility, hasRole, isWide, requireRole } from '../access.ts';
import { audit } from '../audit.ts';
import { forbidden, invalid, type FieldError } from '../errors.ts';
import { parseInput } from '../validate.ts';
import { loadFacilityOccupancy } from '../occupancy/compute.ts';
import { newId } from '../../lib/ids.ts';
import { nowIso, zoneOf } from '../../lib/time.ts';
import { HandoffInput, operationTime } from './input.ts';
import { nextHandoffNumber } from './number.ts';
import { SUBMIT_ROLES, withinWilayah } from './scope.ts';
import { normaliseWilayahCode, wilayahFromTyped } from '../reference/wilayah.ts';
import { readHandoff, type HandoffDetail } from './read.ts';
import { publishHandoff } from './events.ts';

/**
 * The field form's save, and POST /api/v1/handoffs: one handoff with every
 * person the officers handed over, saved whole in one transaction with its
 * number. A Satpol PP account or token may only hand over from operations in
 * its own wilayah (403 otherwise). The receiving facility must be OPEN and not
 * protected; a facility the actor may not see is "unknown".
 */
export async function submitHandoff(args: { db: Db; actor: Actor; input: unknown }): Promise<HandoffDetail> {
  const { db, actor } = args;
  requireRole(actor, SUBMIT_ROLES);
  const satpol = hasRole(actor, ['satpol']);
  if (satpol && !actor.wilayahCode) throw forbidden();
  const data = parseInput(HandoffInput, args.input, actor.lang);
  const now = nowIso();

  const id = await write(db, async (tx) => {
    const errors: FieldError[] = [];
    const typed = data.operation.wilayah_code ?? actor.wilayahCode ?? '';
    // A code, or a kab/kota's name typed or picked from the list; a province's code is refused below with its own message.
    const found = typed ? await wilayahFromTyped(tx, typed, { province: true }) : { error: 'field.required' };
    const code = 'code' in found ? found.code : normaliseWilayahCode(typed);
    if ('error' in found) errors.push({ path: 'operation.wilayah_code', message: found.error });
    else {
      const w = await tx.select({ level: wilayah.level }).from(wilayah).where(eq(wilayah.code, code)).get();
      if (!w) errors.push({ path: 'operation.wilayah_code', message: 'field.unknown_wilayah' });
      else if (w.level !== 'kabkota') errors.push({ path: 'operation.wilayah_code', message: 'handoffs.wilayah_kabkota' });
      else if (satpol && !withinWilayah(actor.wilayahCode, code)) throw forbidden('handoffs.outside_wilayah', { wilayah: actor.wilayahCode });
    }
    // A time typed without an offset is the operation's own local time (WITA in Bali, WIT in Papua).
    const at = operationTime(data.operation.at, zoneOf(code));
    if ('error' in at) errors.push({ path: 'operation.at', message: at.error });
    const f = (await loadFacilityOccupancy(tx, { facilityId: data.facility_id }))[0];
    if (!f || !canSeeFacility(actor, f) || (f.protected && !isWide(actor))) errors.push({ path: 'facility_id', message: 'field.unknown_facility' });
    else if (f.protected) errors.push({ path: 'facility_id', message: 'handoffs.facility_protected' });
    else if (f.status !== 'OPEN') errors.push({ path: 'facility_id', message: `handoffs.facility_not_open.${f.status}` });
    if (errors.length) throw invalid(errors);

    const handoffId = newId();
    const number = await nextHandoffNumber(tx, code, now);
    const op = data.operation;
    await tx.insert(handoffs)
      .values({
        id: handoffId,
        number,
        operationNumber: op.number,
        operationAt: (at as { iso: string }).iso,
        place: op.place,
        wilayahCode: code,
        team: op.team ?? '',
        leaderName: op.leader_name,
        leaderNip: op.leader_nip ?? '',
        facilityId: f!.id,
        status: 'OPEN',
        submittedBy: actor.type === 'user' ? actor.id : null,
        submittedByToken: actor.type === 'token' ? actor.id : null,
        createdAt: now,
      })
      .run();
    for (const [i, p] of (data.persons).entries()) {
      await tx.insert(handoffPersons)
        .values({
          id: newId(),
          handoffId,
          seq: i + 1,
          name: p.name ?? null,
          description: p.description ?? null,
          sex: p.sex,
          approxAge: p.approx_age ?? null,
          needs: [...new Set(p.needs)],
          belongings: p.belongings ?? '',
          notes: p.notes ?? '',
          groupLabel: p.group ?? null,
          relationship: p.relationship ?? null,
        })
        .run();
    }
    // Numbers and places only: the names stay in the handoff's own rows.
    await audit(tx, actor, {
      action: 'handoff.submit',
      entity: 'handoff',
      entityId: handoffId,
      at: now,
      detail: { number, facility_id: f!.id, wilayah_code: code, operation_number: op.number, persons: data.persons.length, groups: new Set(data.persons.map((p) => p.group).filter(Boolean)).size },
    });
    // Announced with the change itself: heard once it is committed, never for a rollback.
    await publishHandoff(tx, handoffId);
    return handoffId;
  });
  return await readHandoff({ db, actor, id });
}
