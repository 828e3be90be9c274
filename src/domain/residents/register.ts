import { write, type Db } from '../../db/client.ts';
import { households } from '../../db/schema/index.ts';
import { receivableGroup, receivableLine, receiveLine } from '../handoffs/receive.ts';
import type { Actor } from '../actor.ts';
import { PEOPLE_ROLES, requireRole } from '../access.ts';
import { audit } from '../audit.ts';
import { parseInput } from '../validate.ts';
import { newId } from '../../lib/ids.ts';
import { nowIso, wibDate } from '../../lib/time.ts';
import { isOverridableNikWarning } from '../persons/nik.ts';
import type { PersonRow } from '../persons/record.ts';
import { householdWanted, IntakeInput } from './input.ts';
import { checkMembers, decideDuplicates, intakeFacility } from './intake-check.ts';
import { nameNeighbours, personChangeMark, personsChangedSince } from './duplicates.ts';
import type { IntakeNeedsDecision, IntakeRegistered, IntakeResult } from './intake-result.ts';
import { attachIntake, createPerson } from './intake-write.ts';
import { personRecord, type PersonRecord } from './view.ts';

/**
 * Registers one person or a whole household at the intake desk: checks the
 * fields and the NIK, looks for duplicates, and — when nothing needs the
 * officer's decision — creates the people (or attaches the intake to existing
 * records the officer recognised), the household, and the audit trail, in one
 * transaction. Check-in is a separate step (stays/check-in.ts).
 */
export async function registerIntake(args: { db: Db; actor: Actor; input: unknown }): Promise<IntakeResult> {
  const { db, actor } = args;
  requireRole(actor, PEOPLE_ROLES);
  const data = parseInput(IntakeInput, args.input, actor.lang);
  const now = nowIso();
  const today = wibDate(now);

  // The duplicate check's slow read (the name index) runs here, before the write and its lock; in the
  // write the same rule scores what it found and every person whose record changed since (duplicates.ts).
  const mark = await personChangeMark(db);
  const near = await Promise.all(data.persons.map((p) => nameNeighbours(db, { name: p.name, alias: p.alias, sex: p.sex })));

  const result = await write(db, async (tx) => {
    const facilityId = await intakeFacility(tx, actor, data.facility_id);
    const { checked, warnings } = await checkMembers(tx, data);
    const changed = await personsChangedSince(tx, mark);
    const duplicates = await decideDuplicates(tx, actor, data, checked, today, (i) => [...near[i]!, ...changed]);
    const blocking = warnings.filter((w) => w.blocking);
    if (duplicates.length || blocking.length) {
      // Nothing is written: the transaction ends having only read.
      return { status: 'needs_decision', duplicates, nik_warnings: warnings } satisfies IntakeNeedsDecision;
    }

    const handoffLine = data.handoff_person_id ? await receivableLine(tx, data.handoff_person_id, facilityId) : null;
    // Or each member's own line: a group the officers wrote down as having come together, received as one household.
    const memberLines = await receivableGroup(tx, data.persons.map((p) => p.handoff_person_id), facilityId);
    const source = handoffLine || memberLines.some(Boolean) ? 'satpol_handoff' : data.source;

    let householdId: string | null = null;
    if (householdWanted(data) && checked.length > 1) {
      householdId = newId();
      await tx.insert(households).values({ id: householdId, createdAt: now, createdBy: actor.id }).run();
      await audit(tx, actor, { action: 'household.create', entity: 'household', entityId: householdId, at: now, detail: { members: checked.length, facility_id: facilityId } });
    }

    const saved: PersonRow[] = [];
    const attached: string[] = [];
    for (const [i, c] of (checked).entries()) {
      const p = c.input;
      const override = warnings.some((w) => w.index === i && isOverridableNikWarning(w.code)) ? (p.nik_override_reason ?? null) : null;
      let row: PersonRow;
      if (c.sameAs) {
        row = await attachIntake(tx, actor, c, { now, today, householdId, facilityId, source, override });
        attached.push(row.id);
      } else {
        row = await createPerson(tx, actor, c, { now, today, householdId, facilityId, source, override });
      }
      if (override) {
        await audit(tx, actor, {
          action: 'person.nik_override',
          entity: 'person',
          entityId: row.id,
          at: now,
          detail: { reason: override, warnings: warnings.filter((w) => w.index === i).map((w) => w.code) },
        });
      }
      saved.push(row);
    }

    // The handoff's own rule, in this same transaction: the line is received and the handoff settles.
    if (handoffLine) await receiveLine(tx, actor, handoffLine, saved[0]!.id, now);
    for (const [i, line] of memberLines.entries()) if (line) await receiveLine(tx, actor, line, saved[i]!.id, now);

    const records: PersonRecord[] = [];
    for (const r of saved) records.push(await personRecord(tx, r, { today }));
    return {
      status: 'registered',
      persons: records,
      household_id: householdId,
      attached,
      facility_id: facilityId,
      warnings,
    } satisfies IntakeRegistered;
  });
  return result;
}
