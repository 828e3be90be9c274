import { z } from 'zod';
import { CONSENT_BY, DISABILITY_TYPES, INTAKE_SOURCES, PPKS_CATEGORIES, SEXES, TRISTATE } from '../../db/schema/index.ts';
import { checkbox, list, NAME_OR_DESCRIPTION, optionalInt, optionalText } from '../validate.ts';
import { checkKk, checkNik } from '../persons/nik.ts';
import { ageOn } from '../persons/age.ts';
import { consentProblem } from '../persons/consent.ts';

const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/** An optional choice from a list: a blank form field is "not given". */
const optionalEnum = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((v) => (blank(v) ? undefined : v), z.enum(values, { error: 'field.invalid' }).optional());

/** Yes / no / unknown (DTKS, PKH, BPNT): blank is unknown. */
const tristate = () => z.preprocess((v) => (blank(v) ? 'unknown' : v), z.enum(TRISTATE, { error: 'field.invalid' }));

/** An identity number as typed; the NIK rules (nik.ts) judge it. */
const idNumber = () => z.preprocess((v) => (blank(v) ? undefined : typeof v === 'string' ? v.trim() : v), z.string().max(32, 'field.too_long').optional());

/** YYYY-MM-DD, a real date, not in the future. */
const birthDate = () =>
  z.preprocess(
    (v) => (blank(v) ? undefined : v),
    z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'residents.birth_date_format')
      .refine((s) => {
        const d = new Date(`${s}T00:00:00Z`);
        return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s && s >= '1900-01-01';
      }, 'residents.birth_date_format')
      .refine((s) => s <= new Date().toISOString().slice(0, 10), 'residents.birth_date_future')
      .optional(),
  );

/** One person at the intake desk. Field names are the API's (snake_case) and the form's. */
export const PersonInput = z
  .object({
    name: optionalText(120),
    description: optionalText(200),
    alias: optionalText(120),
    nik: idNumber().superRefine((v, ctx) => {
      if (v === undefined) return;
      // The NIK's own impossibilities, here so they show beside the field with every other error;
      // the wilayah warnings and the comparison with birth date and sex come in the verb.
      const [first] = checkNik(v, { isKnownWilayah: () => true }).errors;
      if (first) ctx.addIssue({ code: 'custom', message: first.code, params: first.params ?? {} });
    }),
    kk: idNumber().refine((v) => v === undefined || checkKk(v) !== null, 'residents.kk_format'),
    sex: z.enum(SEXES, { error: 'residents.sex_required' }),
    birth_date: birthDate(),
    estimated_age: optionalInt(0, 120),
    ktp_address: optionalText(300),
    domicile_address: optionalText(300),
    origin_wilayah_code: optionalText(100), // a code or a kab/kota's name (reference/wilayah.ts wilayahFromTyped)
    phone: z.preprocess(
      (v) => (blank(v) ? undefined : typeof v === 'string' ? v.trim() : v),
      z.string().regex(/^\+?[0-9 ()-]{6,20}$/, 'residents.phone_format').optional(),
    ),
    category: optionalEnum(PPKS_CATEGORIES),
    pregnant: checkbox(),
    pregnancy_weeks: optionalInt(1, 45),
    disabilities: list(z.enum(DISABILITY_TYPES, { error: 'field.invalid' })),
    wheelchair: checkbox(),
    chronic_illness: optionalText(200),
    needs_medical: checkbox(),
    unaccompanied_child: checkbox(),
    trafficking_victim: checkbox(),
    /** Drug dependence (NAPZA): a need that calls for addiction counselling. */
    napza: checkbox(),
    dtks: tristate(),
    pkh: tristate(),
    bpnt: tristate(),
    consent: checkbox(),
    /** Who consented: `self` (18+ only), `guardian` or `pekerja_sosial` (named in consent_by_name). Blank with consent: self. */
    consent_by: optionalEnum(CONSENT_BY),
    consent_by_name: optionalText(120),
    /** "Keep NIK as typed": why a NIK that disagrees with birth date or sex stays. */
    nik_override_reason: optionalText(200),
    /** The officer's decision on possible duplicates: this is that existing person… */
    same_as: optionalText(64),
    /** …or a new person after all. */
    confirm_new: checkbox(),
    /** This member's own Satpol PP handoff line, when the members are the lines of one group received together. */
    handoff_person_id: optionalText(64),
  })
  // Checked even when other fields fail, so the officer sees every problem at once.
  .refine((p) => !!(p && (p.name || p.description)), { path: ['name'], message: 'residents.name_or_description', when: () => true })
  .superRefine((p, ctx) => {
    if (p.pregnant && p.sex !== 'P') ctx.addIssue({ code: 'custom', path: ['pregnant'], message: 'residents.pregnant_female_only' });
    if (p.pregnancy_weeks !== undefined && !p.pregnant) ctx.addIssue({ code: 'custom', path: ['pregnancy_weeks'], message: 'residents.weeks_without_pregnancy' });
    const today = new Date().toISOString().slice(0, 10);
    const age = ageOn({ birthDate: p.birth_date ?? null, estimatedAge: p.estimated_age ?? null, estimatedAt: today }, today);
    const consent = consentProblem({ consent: p.consent, consentBy: p.consent_by, consentByName: p.consent_by_name }, age);
    if (consent) ctx.addIssue({ code: 'custom', path: [consent.path], message: consent.key });
    if (p.wheelchair && !p.disabilities.includes('fisik')) ctx.addIssue({ code: 'custom', path: ['wheelchair'], message: 'residents.wheelchair_needs_fisik' });
  })
  .meta(NAME_OR_DESCRIPTION);
export type PersonInput = z.infer<typeof PersonInput>;

export const IntakeInput = z.object({
  persons: z.array(PersonInput, { error: 'field.required' }).min(1, 'field.required').max(20, 'residents.too_many_members'),
  /** Arrived together, placed together. Defaults to true when more than one person is registered. */
  household: z.preprocess((v) => (blank(v) ? undefined : v), z.union([z.boolean(), z.enum(['on', 'true', '1', 'false', '0'])]).optional()),
  source: z.preprocess((v) => (blank(v) ? 'walk_in' : v), z.enum(INTAKE_SOURCES, { error: 'field.invalid' })),
  /** The Satpol PP handoff line this person arrived on (serah terima). */
  handoff_person_id: optionalText(64),
  /** Where the intake happens; intake and managers always register at their own facility. */
  facility_id: optionalText(64),
  /** Past every possible (not certain) duplicate at once: "these are all new people". */
  confirm_new: checkbox(),
})
  // One line for the intake, or one line for each member: never both.
  .refine((d) => !(d.handoff_person_id && d.persons.some((p) => p.handoff_person_id)), { path: ['handoff_person_id'], message: 'residents.handoff_line_twice' });
export type IntakeInput = z.infer<typeof IntakeInput>;

export function householdWanted(input: IntakeInput): boolean {
  const h = input.household;
  if (h === undefined) return input.persons.length > 1;
  return h === true || h === 'on' || h === 'true' || h === '1';
}
