import { z } from 'zod';
import { checkbox, list, optionalText, text } from '../validate.ts';

const trimmed = (v: unknown) => (typeof v === 'string' ? v.trim() : v);

/** POST /referrals: who, where to, and why; the unit defaults to the one routing picks. */
export const ProposeReferralInput = z.object({
  person_id: text(64),
  to_facility_id: text(64),
  unit_id: optionalText(64),
  reason: text(500),
  /**
   * Part of the household only (the person first): e.g. a pregnant woman to a
   * maternity balai while her elderly mother goes to a panti. `alone` = the
   * person only. Either needs `split_reason`.
   */
  person_ids: list(z.string().trim().min(1).max(64)),
  alone: checkbox(),
  split_reason: optionalText(300),
});
export type ProposeReferralInput = z.infer<typeof ProposeReferralInput>;

/** A refusal always says why: the desk reads it, and so does the command centre. */
export const RefuseReferralInput = z.object({
  reason: z.preprocess(
    trimmed,
    z
      .string({ error: 'referrals.refuse_reason_required' })
      .min(1, 'referrals.refuse_reason_required')
      .max(500, 'field.too_long'),
  ),
});
export type RefuseReferralInput = z.infer<typeof RefuseReferralInput>;

export const CancelReferralInput = z.object({ reason: optionalText(500) });
export type CancelReferralInput = z.infer<typeof CancelReferralInput>;

/** Arrival: the receiving desk may put them in another unit than the one held, or name a bed. */
export const ArriveReferralInput = z.object({
  unit_id: optionalText(64),
  bed_label: optionalText(40),
});
export type ArriveReferralInput = z.infer<typeof ArriveReferralInput>;

/** Steps with no fields (accept, depart) still accept the form's own fields. */
export const EmptyInput = z.object({}).loose();
