import { and, eq, isNull, ne } from 'drizzle-orm';
import { isKnownWilayah, knownWilayahCodes } from '../reference/wilayah.ts';
import { z } from 'zod';
import { write, type Db, type Tx } from '../../db/client.ts';
import { DISABILITY_TYPES, persons } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { PEOPLE_ROLES, requireRole } from '../access.ts';
import { audit } from '../audit.ts';
import { conflict, DomainError, invalid, notFound, type FieldError } from '../errors.ts';
import { parseInput } from '../validate.ts';
import { nowIso, wibDate } from '../../lib/time.ts';
import { PersonInput } from './input.ts';
import { assertCanSeePerson } from '../persons/scope.ts';
import { nikHeldError } from './candidates.ts';
import { searchKeyFor } from '../persons/names.ts';
import { checkKk, checkNik, cleanIdNumber, isOverridableNikWarning, nikWarningState, type NikWarningCode } from '../persons/nik.ts';
import { liveRecord, type PersonRow } from '../persons/record.ts';
import { personRecord, type PersonRecord } from './view.ts';
import { normaliseWilayahCode } from '../reference/wilayah.ts';

/** Who may correct a person's record (within the people they may see). */
export const UPDATE_ROLES = PEOPLE_ROLES;

const S = PersonInput.shape;
/**
 * A field of the intake's own schema, made optional: absent = leave as is. A
 * present blank ("" or null) clears an optional field (the intake schemas turn
 * blank into undefined, read below as "clear"); a required one (sex) says so.
 */
const patch = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === null ? undefined : v), schema).optional();

const version = z.preprocess(
  (v) => (typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v.trim()) : v),
  z.number({ error: (iss) => (iss.input === undefined || iss.input === '' ? 'field.required' : 'field.invalid') }).int('field.invalid').min(1, 'field.invalid'),
);

/**
 * A correction of one person's record (`PATCH /api/v1/residents/:id`, the edit
 * page). Field names and rules are the intake's (input.ts); `version` is the
 * one the caller read.
 */
export const PersonPatch = z.object({
  version,
  name: patch(S.name),
  description: patch(S.description),
  alias: patch(S.alias),
  nik: patch(S.nik),
  kk: patch(S.kk),
  sex: patch(S.sex),
  birth_date: patch(S.birth_date),
  estimated_age: patch(S.estimated_age),
  ktp_address: patch(S.ktp_address),
  domicile_address: patch(S.domicile_address),
  origin_wilayah_code: patch(S.origin_wilayah_code),
  phone: patch(S.phone),
  category: patch(S.category),
  pregnant: patch(S.pregnant),
  pregnancy_weeks: patch(S.pregnancy_weeks),
  disabilities: patch(S.disabilities),
  wheelchair: patch(S.wheelchair),
  chronic_illness: patch(S.chronic_illness),
  needs_medical: patch(S.needs_medical),
  unaccompanied_child: patch(S.unaccompanied_child),
  trafficking_victim: patch(S.trafficking_victim),
  napza: patch(S.napza),
  dtks: patch(S.dtks),
  pkh: patch(S.pkh),
  bpnt: patch(S.bpnt),
  consent: patch(S.consent),
  /** "Keep NIK as typed": why a NIK that disagrees with birth date or sex stays. */
  nik_override_reason: patch(S.nik_override_reason),
});
export type PersonPatch = z.infer<typeof PersonPatch>;

/** Sent along by forms and clients, not fields of the record. */
const IGNORED_KEYS = new Set(['idempotency_key', '_csrf']);

/** The record's column for each field a correction may change: the audit lists these names, never the values. */
const FIELDS = {
  name: 'name',
  description: 'description',
  alias: 'alias',
  nik: 'nik',
  kk: 'kk',
  sex: 'sex',
  birth_date: 'birthDate',
  estimated_age: 'estimatedAge',
  ktp_address: 'ktpAddress',
  domicile_address: 'domicileAddress',
  origin_wilayah_code: 'originWilayahCode',
  phone: 'phone',
  category: 'category',
  pregnant: 'pregnant',
  pregnancy_weeks: 'pregnancyWeeks',
  disabilities: 'disabilities',
  wheelchair: 'wheelchair',
  chronic_illness: 'chronicIllness',
  needs_medical: 'needsMedical',
  unaccompanied_child: 'unaccompaniedChild',
  trafficking_victim: 'traffickingVictim',
  napza: 'napza',
  dtks: 'dtks',
  pkh: 'pkh',
  bpnt: 'bpnt',
  consent: 'consent',
  nik_override_reason: 'nikOverrideReason',
} as const satisfies Record<string, keyof PersonRow>;
export type PersonField = keyof typeof FIELDS;

export interface UpdateNikWarning {
  code: NikWarningCode;
  params: Record<string, string>;
  /** Must be confirmed with nik_override_reason before the change is saved. */
  blocking: boolean;
  /** The officer may keep the NIK as typed, with a reason (persons/nik.ts). */
  overridable: boolean;
}

/** Nothing was saved: the NIK disagrees with the birth date or sex; send `nik_override_reason` to keep it. */
export interface UpdateNeedsDecision {
  status: 'needs_decision';
  nik_warnings: UpdateNikWarning[];
}

export interface PersonUpdated {
  status: 'updated';
  /** The person as the API serves it (persons' cluster rule included). */
  record: PersonRecord;
  person: PersonRow;
  /** Field names that changed (empty: nothing to save, nothing written). */
  changed: PersonField[];
  warnings: UpdateNikWarning[];
}

export type UpdateResult = UpdateNeedsDecision | PersonUpdated;


/**
 * The record to correct: visible to the actor (404 otherwise), neither merged
 * into another (that one is corrected instead) nor anonymised (409 both).
 */
async function editableRecord(tx: Tx, actor: Actor, id: string): Promise<PersonRow> {
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

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/**
 * Corrects a person's record after intake: a misspelt name, a NIK brought in
 * later, a birth date instead of an estimate, a new phone, needs, consent.
 * Absent fields stay as they are; a blank one is cleared. The NIK follows the
 * intake's rules (impossible values are errors; a disagreement with birth date
 * or sex needs `nik_override_reason`; a NIK on another live record is refused
 * with that record's code). One transaction: the change, the search key, the
 * version, and the audit event, which names the changed fields and never their values.
 */
export async function updatePerson(args: { db: Db; actor: Actor; personId: string; input: unknown }): Promise<UpdateResult> {
  const { db, actor } = args;
  requireRole(actor, UPDATE_ROLES);
  const raw = (args.input && typeof args.input === 'object' && !Array.isArray(args.input) ? args.input : {}) as Record<string, unknown>;
  const has = (k: string) => Object.hasOwn(raw, k) && raw[k] !== undefined;
  const now = nowIso();
  const today = wibDate(now);
  let nikWritten: string | null = null;
  try {
    return await write(db, async (tx) => {
      const old = await editableRecord(tx, actor, args.personId);
      const notEditable: FieldError[] = Object.keys(raw)
        .filter((k) => !Object.hasOwn(PersonPatch.shape, k) && !IGNORED_KEYS.has(k))
        .map((k) => ({ path: k, message: 'residents.not_editable' }));
      let data: PersonPatch;
      try {
        data = parseInput(PersonPatch, raw, actor.lang);
      } catch (err) {
        if (err instanceof DomainError && err.code === 'VALIDATION' && notEditable.length) throw invalid([...err.fieldErrors, ...notEditable]);
        throw err;
      }
      if (notEditable.length) throw invalid(notEditable);
      // Someone changed the record since the caller read it: no silent overwrite.
      if (data.version !== old.version) throw conflict('residents.changed', { version: old.version });

      const errors: FieldError[] = [];
      const text = (k: 'name' | 'description' | 'alias' | 'ktp_address' | 'domicile_address' | 'phone' | 'chronic_illness', current: string | null) =>
        has(k) ? (data[k] ?? null) : current;
      const flag = (k: 'pregnant' | 'wheelchair' | 'needs_medical' | 'unaccompanied_child' | 'trafficking_victim' | 'napza' | 'consent', current: boolean) =>
        has(k) ? data[k] === true : current;
      const tri = (k: 'dtks' | 'pkh' | 'bpnt', current: PersonRow['dtks']) => (has(k) ? (data[k] ?? 'unknown') : current);

      const name = text('name', old.name);
      const description = text('description', old.description);
      const alias = text('alias', old.alias);
      const sex = has('sex') && data.sex ? data.sex : old.sex;
      if (!name && !description) errors.push({ path: has('description') && !has('name') ? 'description' : 'name', message: 'residents.name_or_description' });

      // A birth date replaces an estimate; a new estimate counts from today; the same estimate keeps its day.
      const birthDate = has('birth_date') ? (data.birth_date ?? null) : old.birthDate;
      let estimatedAge = old.estimatedAge;
      let estimatedAt = old.estimatedAt;
      if (birthDate) {
        estimatedAge = null;
        estimatedAt = null;
      } else if (has('estimated_age')) {
        const est = data.estimated_age ?? null;
        if (est !== old.estimatedAge) {
          estimatedAge = est;
          estimatedAt = est === null ? null : today;
        }
      }

      const pregnant = flag('pregnant', old.pregnant);
      let pregnancyWeeks = has('pregnancy_weeks') ? (data.pregnancy_weeks ?? null) : old.pregnancyWeeks;
      if (!pregnant) {
        if (has('pregnancy_weeks') && data.pregnancy_weeks !== undefined) errors.push({ path: 'pregnancy_weeks', message: 'residents.weeks_without_pregnancy' });
        pregnancyWeeks = null;
      }
      if (pregnant && sex !== 'P') errors.push({ path: has('pregnant') || !has('sex') ? 'pregnant' : 'sex', message: 'residents.pregnant_female_only' });

      let disabilities = old.disabilities;
      if (has('disabilities')) {
        const given = DISABILITY_TYPES.filter((t) => (data.disabilities ?? []).includes(t));
        if (!sameSet(given, old.disabilities)) disabilities = given;
      }
      const wheelchair = flag('wheelchair', old.wheelchair);
      if (wheelchair && !disabilities.includes('fisik')) errors.push({ path: has('wheelchair') || !has('disabilities') ? 'wheelchair' : 'disabilities', message: 'residents.wheelchair_needs_fisik' });

      let originWilayahCode = old.originWilayahCode;
      if (has('origin_wilayah_code')) {
        originWilayahCode = data.origin_wilayah_code ? normaliseWilayahCode(data.origin_wilayah_code) : null;
        if (originWilayahCode && originWilayahCode !== old.originWilayahCode && !await isKnownWilayah(tx, originWilayahCode)) {
          errors.push({ path: 'origin_wilayah_code', message: 'field.unknown_wilayah' });
        }
      }

      const kk = has('kk') ? (data.kk ? checkKk(data.kk) : null) : old.kk;
      if (has('kk') && data.kk && kk === null) errors.push({ path: 'kk', message: 'residents.kk_format' });

      // The NIK, by the intake's rules; judged again when it, the birth date or the sex changes.
      const nik = has('nik') ? (data.nik ? cleanIdNumber(data.nik) : null) : old.nik;
      const reason = data.nik_override_reason;
      let nikOverrideReason = old.nikOverrideReason;
      const warnings: UpdateNikWarning[] = [];
      let overridden = false;
      if (!nik) {
        nikOverrideReason = null;
        if (reason) errors.push({ path: 'nik_override_reason', message: 'residents.override_without_nik' });
      } else if (nik !== old.nik || birthDate !== old.birthDate || sex !== old.sex || reason) {
        const known = await knownWilayahCodes(tx);
        const r = checkNik(nik, { isKnownWilayah: (c) => known.has(c), birthDate, sex });
        for (const e of r.errors) errors.push({ path: 'nik', message: e.code, ...(e.params ? { params: e.params } : {}) });
        if (!r.errors.length) {
          if (nik !== old.nik) {
            const holder = await tx
              .select({ id: persons.id, residentCode: persons.residentCode })
              .from(persons)
              .where(and(eq(persons.nik, nik), isNull(persons.mergedIntoId), ne(persons.id, old.id)))
              .get();
            // A typed NIK never reveals who holds it: the code only of a record the actor may see.
            if (holder) errors.push(await nikHeldError(tx, actor, holder, 'nik', 'residents.edit_nik_taken'));
          }
          const blocking = r.warnings.some((w) => isOverridableNikWarning(w.code));
          for (const w of r.warnings) warnings.push({ code: w.code, params: w.params ?? {}, ...nikWarningState(w.code, reason) });
          if (blocking && reason) {
            nikOverrideReason = reason;
            overridden = true;
          } else if (!blocking) {
            // Nothing disagrees any more: an old reason to keep the NIK no longer applies.
            nikOverrideReason = null;
          }
        }
      }
      if (errors.length) throw invalid(errors);
      // Nothing is written: the transaction ends having only read.
      if (warnings.some((w) => w.blocking)) return { status: 'needs_decision', nik_warnings: warnings } satisfies UpdateNeedsDecision;

      const consent = flag('consent', old.consent);
      const next = {
        name,
        description,
        alias,
        nik,
        kk,
        sex,
        birthDate,
        estimatedAge,
        estimatedAt,
        ktpAddress: text('ktp_address', old.ktpAddress),
        domicileAddress: text('domicile_address', old.domicileAddress),
        originWilayahCode,
        phone: text('phone', old.phone),
        category: has('category') ? (data.category ?? null) : old.category,
        pregnant,
        pregnancyWeeks,
        disabilities,
        wheelchair,
        chronicIllness: text('chronic_illness', old.chronicIllness),
        needsMedical: flag('needs_medical', old.needsMedical),
        unaccompaniedChild: flag('unaccompanied_child', old.unaccompaniedChild),
        traffickingVictim: flag('trafficking_victim', old.traffickingVictim),
        napza: flag('napza', old.napza),
        dtks: tri('dtks', old.dtks),
        pkh: tri('pkh', old.pkh),
        bpnt: tri('bpnt', old.bpnt),
        consent,
        // Consent given now is timed now; withdrawn, it has no time.
        consentAt: consent ? (old.consent ? old.consentAt : now) : null,
        nikOverrideReason,
      };
      const changed = (Object.keys(FIELDS) as PersonField[]).filter((f) => JSON.stringify(next[FIELDS[f]]) !== JSON.stringify(old[FIELDS[f]]));
      if (!changed.length) return { status: 'updated', person: old, record: await personRecord(tx, old, { today: wibDate(now) }), changed, warnings } satisfies PersonUpdated;

      nikWritten = nik;
      const done = await tx
        .update(persons)
        .set({ ...next, searchKey: searchKeyFor(name, alias), updatedAt: now, version: old.version + 1 })
        .where(and(eq(persons.id, old.id), eq(persons.version, old.version)))
        .run();
      if (done.changes !== 1) throw conflict('residents.changed', { version: old.version });
      // Field names only: the audit log must not become a second copy of personal data.
      await audit(tx, actor, { action: 'person.update', entity: 'person', entityId: old.id, at: now, detail: { changed } });
      if (overridden) {
        await audit(tx, actor, {
          action: 'person.nik_override',
          entity: 'person',
          entityId: old.id,
          at: now,
          detail: { reason: nikOverrideReason, warnings: warnings.map((w) => w.code) },
        });
      }
      const person = (await tx.select().from(persons).where(eq(persons.id, old.id)).get())!;
      return { status: 'updated', person, record: await personRecord(tx, person, { today: wibDate(now) }), changed, warnings } satisfies PersonUpdated;
    });
  } catch (err) {
    return await mapPersonNikConstraint(db, actor, err, args.personId, nikWritten);
  }
}

/**
 * The database's own guarantee (persons_nik_live_uq: one live record per NIK)
 * as the same answer the check above gives: a field error on `nik` naming the
 * record that holds it. Anything else is rethrown.
 */
export async function mapPersonNikConstraint(db: Db, actor: Actor, err: unknown, personId: string, nik: string | null): Promise<never> {
  const e = err as { code?: string; message?: string };
  if (e?.code === 'SQLITE_CONSTRAINT_UNIQUE' && e.message?.includes('persons.nik')) {
    const holder = nik
      ? await db
          .select({ id: persons.id, residentCode: persons.residentCode })
          .from(persons)
          .where(and(eq(persons.nik, nik), isNull(persons.mergedIntoId), ne(persons.id, personId)))
          .get()
      : undefined;
    throw invalid([holder ? await nikHeldError(db, actor, holder, 'nik', 'residents.edit_nik_taken') : { path: 'nik', message: 'residents.nik_unavailable' }]);
  }
  throw err;
}
