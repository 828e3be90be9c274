import { and, eq, isNull } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { facilities, persons } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { canSeeFacility, FACILITY_ROLES, hasRole } from '../access.ts';
import { forbidden, invalid, type FieldError } from '../errors.ts';
import { knownWilayahCodes, wilayahFromTyped } from '../reference/wilayah.ts';
import { checkKk, checkNik, nikWarningState } from '../persons/nik.ts';
import { liveRecord } from '../persons/record.ts';
import { scoreDuplicates } from './duplicates.ts';
import { nikHeldError, offerCandidates } from './candidates.ts';
import type { IntakeInput } from './input.ts';
import type { Checked, DuplicateGroup, NikWarning } from './intake-result.ts';

/** Intake and managers register at their own facility; wide roles may name one (or none). */
export async function intakeFacility(tx: Tx, actor: Actor, requested: string | undefined): Promise<string | null> {
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

/**
 * Each member's fields by the intake's rules: the NIK (persons/nik.ts; its
 * overridable warnings are questions unless a reason came with them), the KK,
 * the wilayah of origin, a NIK typed twice in one intake. Field errors are
 * thrown together; the members, cleaned, and the NIK warnings are returned.
 */
export async function checkMembers(tx: Tx, data: IntakeInput): Promise<{ checked: Checked[]; warnings: NikWarning[] }> {
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
      // A code or a kab/kota's name (the picker's list, or typed); a province is an origin too.
      const w = await wilayahFromTyped(tx, p.origin_wilayah_code, { province: true });
      if ('code' in w) originWilayahCode = w.code;
      else errors.push({ path: at('origin_wilayah_code'), message: w.error });
    }
    checked.push({ input: p, nik, kk, originWilayahCode, sameAs: null, dismissed: [] });
  }
  if (data.handoff_person_id && data.persons.length !== 1) errors.push({ path: 'handoff_person_id', message: 'residents.handoff_one_person' });
  if (errors.length) throw invalid(errors);
  return { checked, warnings };
}

/**
 * The officer's decisions on possible duplicates (DOMAIN.md): the check runs
 * on every submit; `same_as` must be one of the records it offers this desk
 * for this very intake; the same NIK is the same person. Wrong answers are
 * field errors (thrown); members still to decide on are returned as groups.
 * `nameIds(i)`: the persons to score for member i's name, found before the
 * write (duplicates.ts nameNeighbours, with those changed since).
 */
export async function decideDuplicates(tx: Tx, actor: Actor, data: IntakeInput, checked: Checked[], today: string, nameIds: (i: number) => readonly string[]): Promise<DuplicateGroup[]> {
  const errors: FieldError[] = [];
  const duplicates: DuplicateGroup[] = [];
  const sameAsUsed = new Set<string>();
  for (const [i, c] of (checked).entries()) {
    const at = (field: string) => `persons.${i}.${field}`;
    // The duplicate check runs on every submit: `same_as` must be one of the records it offers
    // this desk for this very intake (and may see) — never an id from anywhere else.
    const offer = await offerCandidates(
      tx,
      actor,
      await scoreDuplicates(
        tx,
        { name: c.input.name, alias: c.input.alias, nik: c.nik, sex: c.input.sex, birthDate: c.input.birth_date, estimatedAge: c.input.estimated_age, estimatedAt: today },
        nameIds(i),
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
  return duplicates;
}
