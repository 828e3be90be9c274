import { and, eq, isNull, sql } from 'drizzle-orm';
import { isKnownWilayah, knownWilayahCodes, normaliseWilayahCode } from '../reference/wilayah.ts';
import { write, type Db, type Tx } from '../../db/client.ts';
import { facilities, households, persons } from '../../db/schema/index.ts';
import { receivableLine, receiveLine } from '../handoffs/receive.ts';
import type { Actor } from '../actor.ts';
import { canSeeFacility, FACILITY_ROLES, hasRole, isWide, PEOPLE_ROLES, requireRole } from '../access.ts';
import { audit } from '../audit.ts';
import { forbidden, invalid, type FieldError } from '../errors.ts';
import { parseInput } from '../validate.ts';
import { newId, newResidentCode } from '../../lib/ids.ts';
import { nowIso, wibDate } from '../../lib/time.ts';
import { findDuplicates } from './duplicates.ts';
import { nikHeldError, offerCandidates, type OfferedCandidate } from './candidates.ts';
import { placeOf } from '../persons/scope.ts';
import { householdWanted, IntakeInput, type PersonInput } from './input.ts';
import { checkKk, checkNik, isOverridableNikWarning, nikWarningState, type NikWarningCode } from '../persons/nik.ts';
import { searchKeyFor } from '../persons/names.ts';
import { personRecord, type PersonRecord } from './view.ts';
import { liveRecord, type PersonRow } from '../persons/record.ts';

export interface NikWarning {
  /** Which person of the intake (0-based). */
  index: number;
  code: NikWarningCode;
  params: Record<string, string>;
  /** Must be confirmed with nik_override_reason before the intake is saved. */
  blocking: boolean;
  /** The officer may keep the NIK as typed, with a reason (persons/nik.ts). */
  overridable: boolean;
}

export interface DuplicateGroup {
  index: number;
  /** What this desk may be told of each possible duplicate (candidates.ts). */
  candidates: OfferedCandidate[];
}

/**
 * Nothing was saved: the officer (or API caller) must decide. For each group
 * of duplicates, `same_as` (this existing person) or `confirm_new`; for each
 * blocking NIK warning, `nik_override_reason`. Then submit again.
 */
export interface IntakeNeedsDecision {
  status: 'needs_decision';
  duplicates: DuplicateGroup[];
  nik_warnings: NikWarning[];
}

export interface IntakeRegistered {
  status: 'registered';
  persons: PersonRecord[];
  household_id: string | null;
  /** Ids of existing records the intake attached to (no new person made). */
  attached: string[];
  facility_id: string | null;
  warnings: NikWarning[];
}

export type IntakeResult = IntakeNeedsDecision | IntakeRegistered;


/** Intake and managers register at their own facility; wide roles may name one (or none). */
async function intakeFacility(tx: Tx, actor: Actor, requested: string | undefined): Promise<string | null> {
  if (hasRole(actor, FACILITY_ROLES)) {
    if (!actor.facilityId) throw forbidden();
    if (requested && requested !== actor.facilityId) throw forbidden('residents.not_your_facility');
    return actor.facilityId;
  }
  if (!requested) return null;
  const f = await tx.select({ id: facilities.id, protected: facilities.protected }).from(facilities).where(eq(facilities.id, requested)).get();
  if (!f || !canSeeFacility(actor, f)) throw invalid([{ path: 'facility_id', message: 'field.unknown_facility' }]);
  return f.id;
}

interface Checked {
  input: PersonInput;
  nik: string | null;
  kk: string | null;
  originWilayahCode: string | null;
  sameAs: PersonRow | null;
  dismissed: string[];
}

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

  const result = await write(db, async (tx) => {
    const facilityId = await intakeFacility(tx, actor, data.facility_id);
    const errors: FieldError[] = [];
    const warnings: NikWarning[] = [];
    const checked: Checked[] = [];
    const niks = new Map<string, number>();

    for (const [i, p] of (data.persons).entries()) {
      const at = (field: string) => `persons.${i}.${field}`;
      let nik: string | null = null;
      if (p.nik) {
        const known = await knownWilayahCodes(tx);
        const r = checkNik(p.nik, { isKnownWilayah: (c) => known.has(c), birthDate: p.birth_date, sex: p.sex });
        for (const e of r.errors) errors.push({ path: at('nik'), message: e.code, ...(e.params ? { params: e.params } : {}) });
        if (!r.errors.length) {
          nik = r.nik;
          if (niks.has(nik)) errors.push({ path: at('nik'), message: 'residents.nik_repeated', params: { n: String(niks.get(nik)! + 1) } });
          niks.set(nik, i);
          // Overridden with a reason: no longer a question, still shown and recorded.
          for (const w of r.warnings) warnings.push({ index: i, code: w.code, params: w.params ?? {}, ...nikWarningState(w.code, p.nik_override_reason) });
        }
      } else if (p.nik_override_reason) {
        errors.push({ path: at('nik_override_reason'), message: 'residents.override_without_nik' });
      }
      let kk: string | null = null;
      if (p.kk) {
        kk = checkKk(p.kk);
        if (!kk) errors.push({ path: at('kk'), message: 'residents.kk_format' });
      }
      let originWilayahCode: string | null = null;
      if (p.origin_wilayah_code) {
        originWilayahCode = normaliseWilayahCode(p.origin_wilayah_code);
        if (!await isKnownWilayah(tx, originWilayahCode)) errors.push({ path: at('origin_wilayah_code'), message: 'field.unknown_wilayah' });
      }
      checked.push({ input: p, nik, kk, originWilayahCode, sameAs: null, dismissed: [] });
    }
    if (data.handoff_person_id && data.persons.length !== 1) errors.push({ path: 'handoff_person_id', message: 'residents.handoff_one_person' });
    if (errors.length) throw invalid(errors);

    // The officer's decisions on duplicates.
    const duplicates: DuplicateGroup[] = [];
    const sameAsUsed = new Set<string>();
    for (const [i, c] of (checked).entries()) {
      const at = (field: string) => `persons.${i}.${field}`;
      // The duplicate check runs on every submit: `same_as` must be one of the records it offers
      // this desk for this very intake (and may see) — never an id from anywhere else.
      const offer = await offerCandidates(
        tx,
        actor,
        await findDuplicates(
          tx,
          { name: c.input.name, alias: c.input.alias, nik: c.nik, sex: c.input.sex, birthDate: c.input.birth_date, estimatedAge: c.input.estimated_age, estimatedAt: today },
          { today, limit: 20 },
        ),
      );
      if (c.input.same_as) {
        const target = await liveRecord(tx, c.input.same_as);
        // Unknown, not visible, or not offered: one answer, so that nothing is confirmed about the id.
        if (!target || !offer.attachable.has(target.id)) { errors.push({ path: at('same_as'), message: 'residents.same_as_unknown' }); continue; }
        if (sameAsUsed.has(target.id)) { errors.push({ path: at('same_as'), message: 'residents.same_as_twice' }); continue; }
        sameAsUsed.add(target.id);
        if (c.nik && target.nik && c.nik !== target.nik) { errors.push({ path: at('nik'), message: 'residents.same_as_nik_differs', params: { code: target.residentCode } }); continue; }
        if (c.nik && !target.nik) {
          const holder = await tx.select({ id: persons.id, residentCode: persons.residentCode }).from(persons).where(and(eq(persons.nik, c.nik), isNull(persons.mergedIntoId))).get();
          if (holder) { errors.push(await nikHeldError(tx, actor, holder, at('nik'), 'residents.nik_taken')); continue; }
        }
        c.sameAs = target;
        continue;
      }
      // The NIK is someone's the desk may not see: refused, without saying whose.
      if (offer.nikHeldOutOfScope) {
        const f = offer.nikHeldOutOfScope.facility;
        { errors.push(f ? { path: at('nik'), message: 'residents.nik_held_elsewhere', params: { facility: f } } : { path: at('nik'), message: 'residents.nik_unavailable' }); continue; }
      }
      const candidates = offer.shown;
      const certain = candidates.find((x) => x.in_scope && x.certain);
      const confirmedNew = c.input.confirm_new || data.confirm_new;
      // The same NIK is the same person: "new" is not an answer (the NIK would be on two live records).
      if (certain && certain.in_scope && confirmedNew) { errors.push({ path: at('nik'), message: 'residents.nik_taken', params: { code: certain.resident_code } }); continue; }
      if (candidates.length && !confirmedNew) duplicates.push({ index: i, candidates });
      else c.dismissed = [...offer.attachable];
    }
    if (errors.length) throw invalid(errors);
    const blocking = warnings.filter((w) => w.blocking);
    if (duplicates.length || blocking.length) {
      // Nothing is written: the transaction ends having only read.
      return { status: 'needs_decision', duplicates, nik_warnings: warnings } satisfies IntakeNeedsDecision;
    }

    const handoffLine = data.handoff_person_id ? await receivableLine(tx, data.handoff_person_id, facilityId) : null;
    const source = handoffLine ? 'satpol_handoff' : data.source;

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

interface WriteContext {
  now: string;
  today: string;
  householdId: string | null;
  facilityId: string | null;
  source: PersonRow['source'];
  override: string | null;
}

async function createPerson(tx: Tx, actor: Actor, c: Checked, w: WriteContext): Promise<PersonRow> {
  const p = c.input;
  const id = newId();
  // A clash of random codes is unlikely (32^6) but the column is unique: draw again.
  let code = newResidentCode();
  while (await tx.get(sql`select 1 as x from persons where resident_code = ${code}`)) code = newResidentCode();
  await tx.insert(persons)
    .values({
      id,
      residentCode: code,
      name: p.name ?? null,
      description: p.description ?? null,
      alias: p.alias ?? null,
      searchKey: searchKeyFor(p.name, p.alias),
      nik: c.nik,
      kk: c.kk,
      sex: p.sex,
      birthDate: p.birth_date ?? null,
      estimatedAge: p.birth_date ? null : (p.estimated_age ?? null),
      estimatedAt: !p.birth_date && p.estimated_age !== undefined ? w.today : null,
      ktpAddress: p.ktp_address ?? null,
      domicileAddress: p.domicile_address ?? null,
      originWilayahCode: c.originWilayahCode,
      phone: p.phone ?? null,
      category: p.category ?? null,
      pregnant: p.pregnant,
      pregnancyWeeks: p.pregnant ? (p.pregnancy_weeks ?? null) : null,
      disabilities: p.disabilities,
      wheelchair: p.wheelchair,
      chronicIllness: p.chronic_illness ?? null,
      needsMedical: p.needs_medical,
      unaccompaniedChild: p.unaccompanied_child,
      traffickingVictim: p.trafficking_victim,
      napza: p.napza,
      dtks: p.dtks,
      pkh: p.pkh,
      bpnt: p.bpnt,
      consent: p.consent,
      consentAt: p.consent ? w.now : null,
      nikOverrideReason: w.override,
      householdId: w.householdId,
      source: w.source,
      createdAt: w.now,
      createdBy: actor.id,
      createdAtFacilityId: w.facilityId,
      updatedAt: w.now,
    })
    .run();
  await audit(tx, actor, {
    action: 'person.create',
    entity: 'person',
    entityId: id,
    at: w.now,
    detail: {
      resident_code: code,
      source: w.source,
      facility_id: w.facilityId,
      household_id: w.householdId,
      consent: p.consent,
      // Possible duplicates the officer looked at and said "a new person".
      ...(c.dismissed.length ? { dismissed_duplicates: c.dismissed } : {}),
    },
  });
  return (await tx.select().from(persons).where(eq(persons.id, id)).get())!;
}

/**
 * "Same person": the intake fills and updates the existing record — the
 * name on record stays (a new spelling becomes the alias when there is
 * none), other typed values replace old ones, blanks never erase, needs are
 * only ever added (a need is cleared on purpose, not by an unticked box) —
 * and links it to this facility. No new person is made.
 */
async function attachIntake(tx: Tx, actor: Actor, c: Checked, w: WriteContext): Promise<PersonRow> {
  const p = c.input;
  const old = c.sameAs!;
  const otherSpelling = p.name && old.name && p.name !== old.name ? p.name : undefined;
  const next = {
    name: old.name ?? p.name ?? null,
    description: p.description ?? old.description,
    alias: p.alias ?? old.alias ?? otherSpelling ?? null,
    nik: c.nik ?? old.nik,
    kk: c.kk ?? old.kk,
    sex: p.sex,
    birthDate: p.birth_date ?? old.birthDate,
    estimatedAge: p.birth_date ? null : p.estimated_age !== undefined ? p.estimated_age : old.estimatedAge,
    estimatedAt: p.birth_date ? null : p.estimated_age !== undefined ? w.today : old.estimatedAt,
    ktpAddress: p.ktp_address ?? old.ktpAddress,
    domicileAddress: p.domicile_address ?? old.domicileAddress,
    originWilayahCode: c.originWilayahCode ?? old.originWilayahCode,
    phone: p.phone ?? old.phone,
    category: p.category ?? old.category,
    pregnant: old.pregnant || p.pregnant,
    pregnancyWeeks: p.pregnant ? (p.pregnancy_weeks ?? old.pregnancyWeeks) : old.pregnancyWeeks,
    disabilities: [...new Set([...old.disabilities, ...p.disabilities])],
    wheelchair: old.wheelchair || p.wheelchair,
    chronicIllness: p.chronic_illness ?? old.chronicIllness,
    needsMedical: old.needsMedical || p.needs_medical,
    unaccompaniedChild: old.unaccompaniedChild || p.unaccompanied_child,
    traffickingVictim: old.traffickingVictim || p.trafficking_victim,
    napza: old.napza || p.napza,
    dtks: p.dtks !== 'unknown' ? p.dtks : old.dtks,
    pkh: p.pkh !== 'unknown' ? p.pkh : old.pkh,
    bpnt: p.bpnt !== 'unknown' ? p.bpnt : old.bpnt,
    consent: old.consent || p.consent,
    consentAt: p.consent && !old.consent ? w.now : old.consentAt,
    nikOverrideReason: w.override ?? old.nikOverrideReason,
    householdId: w.householdId ?? old.householdId,
  };
  // A record kept by another facility (the person is there now, or was last) is not rewritten
  // from this desk: typed values fill its blanks and add needs, and never replace what is there.
  const place = await placeOf(tx, old.id);
  const keptElsewhere = !isWide(actor) && place !== null && place.id !== w.facilityId;
  const kept: string[] = [];
  if (keptElsewhere) {
    for (const k of Object.keys(next) as (keyof typeof next)[]) {
      const before = old[k];
      const blank = before === null || before === '' || before === 'unknown';
      if (!blank && typeof before !== 'boolean' && !Array.isArray(before) && JSON.stringify(next[k]) !== JSON.stringify(before)) {
        (next as Record<string, unknown>)[k] = before;
        kept.push(k);
      }
    }
  }
  const changed = (Object.keys(next) as (keyof typeof next)[]).filter((k) => JSON.stringify(next[k]) !== JSON.stringify(old[k]));
  await tx.update(persons)
    .set({ ...next, searchKey: searchKeyFor(next.name, next.alias), updatedAt: w.now, version: old.version + 1 })
    .where(eq(persons.id, old.id))
    .run();
  await audit(tx, actor, {
    action: 'person.intake',
    entity: 'person',
    entityId: old.id,
    at: w.now,
    // facility_id links the person to this desk's facility (see links.ts); field names only, no values.
    detail: { facility_id: w.facilityId, source: w.source, changed, ...(kept.length ? { kept } : {}), previous_household_id: w.householdId ? old.householdId : undefined },
  });
  return (await tx.select().from(persons).where(eq(persons.id, old.id)).get())!;
}
