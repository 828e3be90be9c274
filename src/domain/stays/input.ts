import { z } from 'zod';
import { DISCHARGE_OUTCOMES } from '../../db/schema/index.ts';
import { checkbox, list, optionalText } from '../validate.ts';
import { SCARCE_CHOICES } from '../placement/choose-unit.ts';

export const CheckInInput = z
  .object({
    person_id: optionalText(64),
    /** A household (or any group) placed together in one unit. */
    person_ids: list(z.string().trim().min(1).max(64)),
    /** Defaults to the officer's own facility. */
    facility_id: optionalText(64),
    /** Defaults to the first unit that admits the group and has room for all of it. */
    unit_id: optionalText(64),
    bed_label: optionalText(40),
    /** A supervisor's written reason to place past capacity. */
    overflow_reason: optionalText(300),
    /** Why a household is placed apart, on purpose. */
    split_reason: optionalText(300),
    /** The desk's answer when the household would take most of the only scarce unit that meets its needs. */
    scarce_choice: z.preprocess((v) => (v === '' || v === null ? undefined : v), z.enum(SCARCE_CHOICES, { error: 'field.invalid' }).optional()),
    /** The command centre's reason to place a child with no adult of their own household among adults (raises child_with_adults). */
    child_reason: optionalText(300),
  })
  .refine((v) => v.person_id || v.person_ids.length > 0, { path: ['person_id'], message: 'field.required' })
  .refine((v) => new Set([...(v.person_id ? [v.person_id] : []), ...v.person_ids]).size <= 20, { path: ['person_ids'], message: 'residents.too_many_members' });
export type CheckInInput = z.infer<typeof CheckInInput>;

/** A transfer ends a stay with "transferred"; a referral's arrival ends one with "referred". */
export const MANUAL_OUTCOMES = DISCHARGE_OUTCOMES.filter((o) => o !== 'transferred');
/** Outcomes that say where the person went. */
export const OUTCOMES_WITH_DESTINATION = ['reunited', 'returned_home', 'moved_to_lks', 'referred', 'hospitalised'] as const;

export const DischargeInput = z
  .object({
    /** For callers that pass the stay in the input (the demo seed); the API takes it from the path. */
    stay_id: optionalText(64),
    outcome: z.enum(MANUAL_OUTCOMES as [string, ...string[]], { error: 'stays.outcome_required' }),
    destination: optionalText(200),
    note: optionalText(500),
    // Pemulangan and reunification as a journey (src/domain/cases/journey.ts): all four together, or none.
    destination_wilayah_code: optionalText(100), // a code or a kab/kota's name
    family_contact: optionalText(200),
    escort: optionalText(200),
    date: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'cases.bad_date').optional()),
  })
  .refine((v) => v.destination || !(OUTCOMES_WITH_DESTINATION as readonly string[]).includes(v.outcome), {
    path: ['destination'],
    message: 'stays.destination_required',
  })
  .superRefine((v, ctx) => {
    const fields = ['destination_wilayah_code', 'family_contact', 'escort', 'date'] as const;
    if (!fields.some((f) => v[f])) return;
    if (v.outcome !== 'reunited' && v.outcome !== 'returned_home') {
      ctx.addIssue({ code: 'custom', path: ['outcome'], message: 'cases.journey_only_home' });
      return;
    }
    for (const f of fields) if (!v[f]) ctx.addIssue({ code: 'custom', path: [f], message: 'field.required' });
  });
export type DischargeInput = z.infer<typeof DischargeInput>;

export const TransferInput = z.object({
  /** Defaults to the same facility (a move between rooms). Another facility: the command centre only, with a reason. */
  facility_id: optionalText(64),
  /** Why the command centre moves someone directly to another facility (no referral). */
  reason: optionalText(500),
  unit_id: optionalText(64),
  bed_label: optionalText(40),
  overflow_reason: optionalText(300),
  split_reason: optionalText(300),
  /** Move the household members who share this unit too. */
  household: checkbox(),
  note: optionalText(500),
});
export type TransferInput = z.infer<typeof TransferInput>;
