import { and, eq } from 'drizzle-orm';
import { dueDateFrom, pregnancyWeeksOn } from '../persons/pregnancy.ts';
import { normaliseWilayahCode, wilayahFromTyped } from '../reference/wilayah.ts';
import { write, type Db } from '../../db/client.ts';
import { DISABILITY_TYPES, persons } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { requireRole } from '../access.ts';
import { audit } from '../audit.ts';
import { conflict, invalid, type FieldError } from '../errors.ts';
import { nowIso, wibDate } from '../../lib/time.ts';
import { searchKeyFor } from '../persons/names.ts';
import { ageOn } from '../persons/age.ts';
import { consentProblem } from '../persons/consent.ts';
import { checkKk, cleanIdNumber } from '../persons/nik.ts';
import type { PersonRow } from '../persons/record.ts';
import { personRecord, type PersonRecord } from './view.ts';
import { editableRecord, UPDATE_ROLES } from './edit-form.ts';
import { FIELDS, parsePatch, type PersonField } from './patch.ts';
import { judgeNikChange, mapPersonNikConstraint, type UpdateNikWarning } from './update-nik.ts';




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


const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/**
 * Corrects a person's record after intake: a misspelt name, a NIK brought in
 * later, a birth date instead of an estimate, a new phone, needs, consent.
 * Absent fields stay as they are; a blank one is cleared. The NIK follows the
 * intake's rules (impossible values are errors; a disagreement with birth date
 * or sex needs `nik_override_reason`; a NIK on another live record is refused
 * with that record's code). One transaction: the change, the search key, the
 * version, and the audit event, which names the changed fields and never their values.
 *
 * Longer than 80 lines on purpose: the correction is read field by field
 * with each rule beside the field it holds (name or description, birth date
 * over estimate, weeks only while pregnant, a wheelchair means 'fisik',
 * known wilayah, KK, NIK), and fields judge one another; split apart, the
 * rules would be read out of order.
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
      const data = parsePatch(raw, actor.lang);
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
      let pregnancyWeeks = old.pregnancyWeeks;
      let pregnancyDueDate = old.pregnancyDueDate;
      // Weeks given as the record shows them today change nothing; other weeks give a new due date.
      if (has('pregnancy_weeks') && (data.pregnancy_weeks ?? null) !== pregnancyWeeksOn(old, today)) {
        pregnancyWeeks = data.pregnancy_weeks ?? null;
        pregnancyDueDate = pregnancyWeeks === null ? null : dueDateFrom(pregnancyWeeks, today);
      }
      if (!pregnant) {
        pregnancyDueDate = null;
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
        const typed = data.origin_wilayah_code ? normaliseWilayahCode(data.origin_wilayah_code) : null;
        // Unchanged is kept as it is (even a code the reference data no longer has); else a code or a kab/kota's name.
        const w = typed && typed !== old.originWilayahCode ? await wilayahFromTyped(tx, typed, { province: true }) : null;
        if (w && 'error' in w) errors.push({ path: 'origin_wilayah_code', message: w.error });
        originWilayahCode = w && 'code' in w ? w.code : typed;
      }

      const kk = has('kk') ? (data.kk ? checkKk(data.kk) : null) : old.kk;
      if (has('kk') && data.kk && kk === null) errors.push({ path: 'kk', message: 'residents.kk_format' });

      // The NIK, by the intake's rules; judged again when it, the birth date or the sex changes.
      const nik = has('nik') ? (data.nik ? cleanIdNumber(data.nik) : null) : old.nik;
      const { warnings, nikOverrideReason, overridden } = await judgeNikChange(tx, actor, old, { nik, birthDate, sex, reason: data.nik_override_reason }, errors);
      // Who consents (persons/consent.ts): judged when consent is given now or its giver changes.
      const consentNow = flag('consent', old.consent) || (has('consent_by') && !!data.consent_by);
      const consentBy = consentNow ? (has('consent_by') ? (data.consent_by ?? 'self') : (old.consentBy ?? 'self')) : null;
      const consentByName = consentBy && consentBy !== 'self' ? (has('consent_by_name') ? (data.consent_by_name ?? null) : old.consentByName) : null;
      if (consentNow && ((!old.consent) || has('consent_by') || has('consent_by_name'))) {
        const problem = consentProblem({ consent: true, consentBy: consentBy ?? undefined, consentByName: consentByName ?? undefined }, ageOn({ birthDate, estimatedAge, estimatedAt }, today));
        if (problem) errors.push({ path: problem.path, message: problem.key });
      }
      if (errors.length) throw invalid(errors);
      // Nothing is written: the transaction ends having only read.
      if (warnings.some((w) => w.blocking)) return { status: 'needs_decision', nik_warnings: warnings } satisfies UpdateNeedsDecision;

      const consent = consentNow;
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
        pregnancyDueDate,
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
        consentBy,
        consentByName,
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
