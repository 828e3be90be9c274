import { z } from 'zod';
import { DomainError, invalid, type FieldError } from '../errors.ts';
import { parseInput } from '../validate.ts';
import type { Lang } from '../../i18n/index.ts';
import type { PersonRow } from '../persons/record.ts';
import { PersonInput } from './input.ts';

/**
 * A correction as a door sends it (API PATCH, the edit form): every field
 * optional, absent stays, blank clears; `version` as read.
 */
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
  consent_by: patch(S.consent_by),
  consent_by_name: patch(S.consent_by_name),
  /** "Keep NIK as typed": why a NIK that disagrees with birth date or sex stays. */
  nik_override_reason: patch(S.nik_override_reason),
});
export type PersonPatch = z.infer<typeof PersonPatch>;

/** Sent along by forms and clients, not fields of the record. */
export const IGNORED_KEYS = new Set(['idempotency_key', '_csrf']);

/** The record's column for each field a correction may change: the audit lists these names, never the values. */
export const FIELDS = {
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
  consent_by: 'consentBy',
  consent_by_name: 'consentByName',
  nik_override_reason: 'nikOverrideReason',
} as const satisfies Record<string, keyof PersonRow>;
export type PersonField = keyof typeof FIELDS;

/**
 * The correction, validated; a field that is not one of the record's
 * (a typo, a computed field) is refused by name, beside any other error.
 */
export function parsePatch(raw: Record<string, unknown>, lang: Lang): PersonPatch {
  const notEditable: FieldError[] = Object.keys(raw)
    .filter((k) => !Object.hasOwn(PersonPatch.shape, k) && !IGNORED_KEYS.has(k))
    .map((k) => ({ path: k, message: 'residents.not_editable' }));
  let data: PersonPatch;
  try {
    data = parseInput(PersonPatch, raw, lang);
  } catch (err) {
    if (err instanceof DomainError && err.code === 'VALIDATION' && notEditable.length) throw invalid([...err.fieldErrors, ...notEditable]);
    throw err;
  }
  if (notEditable.length) throw invalid(notEditable);
  return data;
}
