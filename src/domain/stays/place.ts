import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { persons, stays, units, type Sex } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { hasRole, WIDE_ROLES } from '../access.ts';
import { raisePersonAlert, resolvePersonAlerts } from '../alerts.ts';
import { hubFor } from '../events.ts';
import { auditAll } from '../audit.ts';
import { conflict, DomainError, forbidden, invalidField, noFreePlace } from '../errors.ts';
import { loadUnitOccupancy, type UnitOccupancy } from '../occupancy/compute.ts';
import { newId } from '../../lib/ids.ts';
import { bedLabels, bedsInUse } from './beds.ts';
import { chooseUnit, groupProfile, scarceQuestion, unitRefusal, type KinOptions, type ScarceChoice, type UnitReason } from '../placement/choose-unit.ts';
import { ageOn } from '../persons/age.ts';
import { wibDate } from '../../lib/time.ts';

/** Who may allow a check-in past capacity, with a written reason. */
export const SUPERVISOR_ROLES = ['manager', 'command'] as const;

export function isSupervisor(actor: Actor): boolean {
  return actor.role === 'system' || hasRole(actor, SUPERVISOR_ROLES);
}

export interface PlacePerson {
  id: string;
  sex: Sex;
  residentCode: string;
  householdId: string | null;
  /** What the unit choice reads (placement/choose-unit.ts). */
  age: number | null;
  pregnant: boolean;
  wheelchair: boolean;
  disabilities: readonly string[];
}

/** A person row as placement needs it. */
export function toPlacePerson(p: typeof persons.$inferSelect, today: string): PlacePerson {
  return {
    id: p.id,
    sex: p.sex,
    residentCode: p.residentCode,
    householdId: p.householdId,
    age: ageOn({ birthDate: p.birthDate, estimatedAge: p.estimatedAge, estimatedAt: p.estimatedAt }, today),
    pregnant: p.pregnant,
    wheelchair: p.wheelchair,
    disabilities: p.disabilities,
  };
}

export interface PlaceRequest {
  persons: PlacePerson[];
  facility: { id: string; name: string };
  unitId?: string | undefined;
  bedLabel?: string | undefined;
  overflowReason?: string | undefined;
  splitReason?: string | undefined;
  /**
   * The desk's answer when a household would take most of the only scarce unit
   * that meets its needs (placement/choose-unit.ts scarceQuestion). Only a
   * check-in asks (`askScarce`); a transfer or a referral's arrival does not.
   */
  askScarce?: boolean;
  scarceChoice?: ScarceChoice | undefined;
  /** The command centre's reason to place a child with no adult of their own household among adults (an emergency): raises child_with_adults. */
  childReason?: string | undefined;
  at: string;
  /** For a transfer: the stay each person leaves (already closed at `at`). */
  previous?: Map<string, string>;
  referralId?: string | null;
}

export interface Placement {
  stayIds: string[];
  /** The stays written, as stored. */
  stays: (typeof stays.$inferSelect)[];
  unit: UnitOccupancy;
  overflow: boolean;
  split: boolean;
  /** Why this unit (chosen by the rules, or by the officer). */
  reason: UnitReason;
}

/**
 * Household members outside this group who still need to be with it: those
 * with an open stay in another unit, and those never placed at all. Members
 * who have left (closed stays only) no longer bind the group.
 */
async function membersApart(tx: Tx, group: PlacePerson[]): Promise<{ id: string; unitId: string | null; adult: boolean }[]> {
  const householdIds = [...new Set(group.map((p) => p.householdId).filter((h): h is string => h !== null))];
  if (!householdIds.length) return [];
  const inGroup = new Set(group.map((p) => p.id));
  const members = (await tx
    .select({ id: persons.id, birthDate: persons.birthDate, estimatedAge: persons.estimatedAge, estimatedAt: persons.estimatedAt })
    .from(persons)
    .where(and(inArray(persons.householdId, householdIds), isNull(persons.mergedIntoId)))
    .all())
    .filter((m) => !inGroup.has(m.id));
  const today = wibDate(new Date().toISOString());
  const apart: { id: string; unitId: string | null; adult: boolean }[] = [];
  for (const m of members) {
    const age = ageOn(m, today);
    const adult = age === null || age >= 18;
    const open = await tx.select({ unitId: stays.unitId }).from(stays).where(and(eq(stays.personId, m.id), isNull(stays.checkedOutAt))).get();
    if (open) apart.push({ id: m.id, unitId: open.unitId, adult });
    else if (!await tx.select({ id: stays.id }).from(stays).where(eq(stays.personId, m.id)).get()) apart.push({ id: m.id, unitId: null, adult });
  }
  return apart;
}

const familyUnitIds = (apart: { unitId: string | null }[]) => new Set(apart.map((m) => m.unitId).filter((u): u is string => u !== null));
/** Units where an adult of the group's own household stays: a child may join them there (placement/choose-unit.ts). */
const adultKinUnitIds = (apart: { unitId: string | null; adult: boolean }[]) => familyUnitIds(apart.filter((m) => m.adult));

/** The units where an adult of this group's own household stays, for a read (the check-in page's unit list). */
export async function kinOptions(db: Db | Tx, group: PlacePerson[]): Promise<KinOptions> {
  return { adultKinUnitIds: adultKinUnitIds(await membersApart(db as Tx, group)) };
}

/** Who may place a child among adults in an emergency, with a reason: the command centre. */
export const CHILD_OVERRIDE_ROLES = WIDE_ROLES;

/**
 * A child with no adult of their own household refused from a facility
 * without a children's unit: the reason, and the way on — a referral toward
 * child protection (routing offers balai anak, LKSA; DOMAIN.md "Children").
 */
export function childRefused(facilityName: string, personId: string): DomainError {
  return new DomainError('CONFLICT', 'stays.child_needs_children_unit', {
    facility: facilityName,
    offer: { service: 'child_protection', person_id: personId, routing: `/api/v1/routing?person_id=${encodeURIComponent(personId)}` },
  });
}

/**
 * The unit a check-in would take for this group at this facility when the
 * officer chooses none: what the check-in page suggests, by the same rule and
 * the same household facts as placeGroup below.
 */
export async function suggestedUnit(tx: Db | Tx, facilityId: string, group: PlacePerson[]): Promise<ReturnType<typeof chooseUnit<UnitOccupancy>>> {
  if (!group.length) return { choice: null, why: null };
  const isHousehold = group.length > 1 || group.some((p) => p.householdId !== null);
  const all = await loadUnitOccupancy(tx, { facilityId });
  const apart = await membersApart(tx as Tx, group);
  return chooseUnit(all, group, isHousehold, { familyUnitIds: familyUnitIds(apart), adultKinUnitIds: adultKinUnitIds(apart) });
}

/**
 * Checks and takes places for a group in one unit, inside the caller's
 * IMMEDIATE transaction: the free count read here cannot change before the
 * stays are written, so no place is given twice.
 */
export async function placeGroup(tx: Tx, actor: Actor, req: PlaceRequest): Promise<Placement> {
  const group = req.persons;
  const n = group.length;
  const isHousehold = n > 1 || group.some((p) => p.householdId !== null);
  const all = await loadUnitOccupancy(tx, { facilityId: req.facility.id });
  const apart = await membersApart(tx, group);
  const familyUnits = familyUnitIds(apart);

  const profile = groupProfile(group, isHousehold);
  // A child alone is placed among adults only on the command centre's word, with a reason.
  const childOverride = profile.loneChild && !!req.childReason && (actor.role === 'system' || hasRole(actor, CHILD_OVERRIDE_ROLES));
  if (profile.loneChild && req.childReason && !childOverride) throw forbidden('stays.child_override_command_only');
  const kin: KinOptions = { adultKinUnitIds: adultKinUnitIds(apart) };
  const rules: KinOptions = childOverride ? { adultKinUnitIds: new Set(all.map((u) => u.id)) } : kin;
  let unit: UnitOccupancy | undefined;
  let reason: UnitReason;
  if (req.unitId) {
    unit = all.find((u) => u.id === req.unitId);
    if (!unit) throw invalidField('unit_id', 'stays.unit_unknown');
    const refusal = unitRefusal(unit, profile, rules);
    if (refusal) throw invalidField('unit_id', refusal.key === 'placement.unfit.admits' ? 'stays.unit_does_not_admit' : refusal.key, refusal.params ?? { unit: unit.name });
    reason = { key: 'placement.reason.chosen', params: { unit: unit.name } };
  } else {
    // The rules of placement/choose-unit.ts: the same choice the check-in page suggests.
    const { choice, why } = chooseUnit(all, group, isHousehold, { familyUnitIds: familyUnits, ...rules });
    if (why?.key === 'placement.none.no_children_unit') throw childRefused(req.facility.name, group[0]!.id);
    unit = choice?.unit;
    reason = choice?.reason ?? { key: 'placement.reason.overflow' };
    if (!unit && req.overflowReason && isSupervisor(actor)) {
      // Past capacity, on a supervisor's word: still a unit the group may be in, the household's own first.
      const allowed = all.filter((u) => u.status === 'AVAILABLE' && unitRefusal(u, profile, rules) === null);
      unit = allowed.find((u) => familyUnits.has(u.id)) ?? allowed[0];
    }
    if (!unit) {
      // The desk is then offered destinations that can take them (the check-in page shows the routing suggestions).
      throw noFreePlace('stays.no_free_place_facility', { facility: req.facility.name, needed: n });
    }
  }

  if (req.askScarce) {
    const q = scarceQuestion(all, group, isHousehold, { familyUnitIds: familyUnits });
    if (q && q.unit.id === unit.id) {
      if (!req.scarceChoice) {
        throw invalidField('scarce_choice', 'placement.scarce.ask', { unit: unit.name, size: q.size, free: q.free, elsewhere: q.elsewhere?.name ?? '—' });
      }
      if (req.scarceChoice === 'together_elsewhere') {
        if (!q.elsewhere) throw noFreePlace('placement.scarce.nowhere_else', { unit: unit.name });
        unit = q.elsewhere;
        reason = { key: 'placement.reason.scarce_kept', params: { unit: unit.name, scarce: q.unit.name } };
      } else if (req.scarceChoice === 'split') {
        // Split: the desk places some members here and the rest elsewhere, and says why.
        if (!req.splitReason) throw invalidField('split_reason', 'placement.scarce.split_reason');
        if (apart.length === 0) throw invalidField('person_ids', 'placement.scarce.split_pick');
      }
    }
  }

  const overflow = unit.free < n;
  if (overflow) {
    if (unit.status !== 'AVAILABLE') throw conflict('stays.unit_unavailable', { unit: unit.name });
    if (!req.overflowReason) {
      throw noFreePlace('stays.no_free_place_unit', { unit: unit.name, free: unit.free, needed: n });
    }
    if (!isSupervisor(actor)) throw forbidden('stays.overflow_supervisor_only');
  }

  const split = apart.some((m) => m.unitId !== unit.id);
  if (split && !req.splitReason) throw invalidField('split_reason', 'stays.household_together', { count: apart.length });

  const beds = await assignBeds(tx, unit, n, req.bedLabel);
  // Placed among adults although a child alone: the command centre's exception stays an alert until the child is moved.
  const amongAdults = profile.loneChild && unitRefusal(unit, profile, kin)?.key === 'placement.unfit.child_alone';

  // The stays are written last, in one statement: their insert raises the occupancy version (a row every
  // occupancy change in the country updates, locked until COMMIT so versions follow commits), so what
  // runs after it — the NOTIFY and the COMMIT — is all another facility's check-in can wait on.
  const rows = group.map((p, i) => ({
    id: newId(),
    personId: p.id,
    householdId: p.householdId,
    facilityId: req.facility.id,
    unitId: unit.id,
    bedLabel: beds[i] ?? null,
    checkedInAt: req.at,
    checkedInBy: actor.id,
    overflow,
    overflowReason: overflow ? req.overflowReason! : null,
    splitReason: split ? req.splitReason! : null,
    previousStayId: req.previous?.get(p.id) ?? null,
    referralId: req.referralId ?? null,
  }));
  await auditAll(tx, actor, rows.map((row, i) => ({
    action: req.previous ? 'stay.transfer_in' : 'stay.check_in',
    entity: 'stay',
    entityId: row.id,
    at: req.at,
    detail: {
      person_id: row.personId,
      resident_code: group[i]!.residentCode,
      facility_id: req.facility.id,
      unit_id: unit.id,
      bed_label: row.bedLabel,
      ...(overflow ? { overflow: true, overflow_reason: req.overflowReason } : {}),
      ...(split ? { split_reason: req.splitReason } : {}),
      ...(req.previous ? { previous_stay_id: req.previous.get(row.personId) } : {}),
    },
  })));
  // Placed anew (a transfer, an arrival, found again): a child who was among adults has been moved, a child who left is back.
  await resolvePersonAlerts(tx, actor, group.map((p) => p.id), ['child_with_adults', 'child_left'], req.at);
  if (amongAdults) {
    for (const p of group) {
      const a = await raisePersonAlert(tx, actor, {
        kind: 'child_with_adults',
        personId: p.id,
        facilityId: req.facility.id,
        message: `Anak ${p.residentCode} ditempatkan di ${unit.name} bersama orang dewasa: ${req.childReason ?? ''}`.trim(),
        detail: { resident_code: p.residentCode, unit_id: unit.id, unit: unit.name, reason: req.childReason ?? null },
        at: req.at,
      });
      // Heard once the placement commits.
      if (a) hubFor(tx).publish({ type: 'alert', alertId: a.id, kind: a.kind, facilityId: a.facilityId });
    }
  }
  const written = await tx.insert(stays).values(rows).returning().all();
  const stayIds = rows.map((r) => r.id);
  return { stayIds, stays: written, unit, overflow, split, reason };
}

/** Beds where the unit names them: the one asked for (if free), else the first free ones in order. */
export async function assignBeds(tx: Tx, unit: UnitOccupancy, n: number, asked: string | undefined): Promise<(string | null)[]> {
  const row = (await tx.select({ pattern: units.bedLabelPattern, capacity: units.capacity }).from(units).where(eq(units.id, unit.id)).get())!;
  const taken = await bedsInUse(tx, unit.id);
  if (asked) {
    if (n !== 1) throw invalidField('bed_label', 'stays.bed_label_one_person');
    if (row.pattern && !bedLabels(row.pattern, row.capacity).includes(asked)) throw invalidField('bed_label', 'stays.bed_unknown', { bed: asked });
    if (taken.has(asked)) throw conflict('stays.bed_taken', { bed: asked });
    return [asked];
  }
  if (!row.pattern) return [];
  return bedLabels(row.pattern, row.capacity)
    .filter((b) => !taken.has(b))
    .slice(0, n);
}

/** Persons as placement needs them, refusing anyone merged away or already in a place. */
export async function loadPlaceablePersons(tx: Tx, ids: string[]): Promise<PlacePerson[]> {
  // One statement: the persons, and whether each already has an open stay.
  const rows = await tx
    // The outer row named in full: drizzle writes a column of a one-table select bare ("id"), which inside the
    // subquery would be the stay's own id.
    .select({ person: persons, open: sql<number>`exists (select 1 from stays s where s.person_id = "persons"."id" and s.checked_out_at is null)` })
    .from(persons)
    .where(inArray(persons.id, ids))
    .all();
  const byId = new Map(rows.map((r) => [r.person.id, r]));
  const today = wibDate(new Date().toISOString());
  return ids.map((id) => {
    const r = byId.get(id);
    const p = r?.person;
    if (!p || p.anonymisedAt) throw new DomainError('NOT_FOUND', 'residents.not_found');
    if (p.mergedIntoId) throw conflict('stays.person_merged', { code: p.residentCode });
    if (r.open) throw conflict('stays.already_open', { code: p.residentCode });
    return toPlacePerson(p, today);
  });
}

/**
 * The database's own guarantees, as the API's answers: a second open stay for a
 * person, or a bed given twice, is a 409 even if a check above were ever missed.
 */
export function mapStayConstraint(err: unknown): never {
  const e = err as { code?: string; message?: string };
  if (e?.code === 'SQLITE_CONSTRAINT_UNIQUE') {
    if (e.message?.includes('stays.person_id')) throw conflict('stays.already_open_generic');
    if (e.message?.includes('stays.bed_label')) throw conflict('stays.bed_taken_generic');
  }
  throw err;
}
