import { z } from 'zod';
import { ATENSI_MENUS, FOLLOW_UP_KINDS, FOLLOW_UP_OUTCOMES } from '../../db/schema/index.ts';
import { optionalText, text } from '../validate.ts';
import { fromLocal, type Zone } from '../../lib/time.ts';

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const isRealDay = (s: string) => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};

/** A calendar day, YYYY-MM-DD (WIB). */
export const day = () =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    z.string({ error: 'field.required' }).regex(/^\d{4}-\d{2}-\d{2}$/, 'cases.bad_date').refine(isRealDay, 'cases.bad_date'),
  );
export const optionalDay = () => z.preprocess(blank, day().optional());

export const menu = () => z.preprocess(blank, z.enum(ATENSI_MENUS, { error: 'cases.menu_invalid' }));

/**
 * An instant from a form (a day, or "YYYY-MM-DDTHH:MM" read in `zone`: WIB
 * unless the caller names another) or from JSON (ISO 8601 with an offset);
 * stored as UTC ISO.
 */
export function parseInstant(v: string, zone: Zone = 'WIB'): string | null {
  const s = v.trim();
  let ms: number;
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) {
    if (!isRealDay(s)) return null;
    ms = Date.parse(fromLocal(`${s}T12:00:00`, zone));
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(s)) {
    // An impossible wall clock (25:00) is no instant: checked before it is read in the zone.
    ms = Number.isNaN(Date.parse(`${s}Z`)) ? NaN : Date.parse(fromLocal(s, zone));
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s)) {
    ms = Date.parse(s);
  } else return null;
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export const AssignInput = z.object({ pendamping_id: text(64) });

export const AssessmentInput = z.object({ needs: optionalText(2000), wishes: optionalText(2000) });

export const PlanItemInput = z.object({ menu: menu(), service: text(200), goal: text(500), due: optionalDay() });
export const PlanInput = z.object({ items: z.array(PlanItemInput, { error: 'field.required' }).max(30, 'field.too_long') });
export type PlanInput = z.infer<typeof PlanInput>;

export const ServiceInput = z.object({
  menu: menu(),
  service: text(200),
  given_at: z.preprocess(blank, z.string().max(40).optional()),
  note: optionalText(1000),
});
export type ServiceInput = z.infer<typeof ServiceInput>;

export const FollowUpInput = z.object({
  due: day(),
  kind: z.preprocess(blank, z.enum(FOLLOW_UP_KINDS, { error: 'cases.kind_invalid' })),
  note: optionalText(1000),
});
export type FollowUpInput = z.infer<typeof FollowUpInput>;

export const FollowUpDoneInput = z.object({
  outcome: z.preprocess(blank, z.enum(FOLLOW_UP_OUTCOMES, { error: 'cases.outcome_invalid' })),
  note: optionalText(1000),
});
export type FollowUpDoneInput = z.infer<typeof FollowUpDoneInput>;

export const DtksProposalInput = z.object({ note: optionalText(500) });
/** What the Dinsos said when the person's NIK was checked against DTKS (the `dtks_check` step's outcome). */
export const DtksCheckInput = z.object({ outcome: z.enum(['yes', 'no']), note: optionalText(500) });
