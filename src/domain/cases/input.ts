import { z } from 'zod';
import { ATENSI_MENUS, CLOSE_OUTCOMES, FOLLOW_UP_KINDS, FOLLOW_UP_OUTCOMES, OUTSIDE_SERVICES, PLAN_STATUSES } from '../../db/schema/index.ts';
import { isOtherService, menuOfService, SERVICE_CODES } from './catalogue.ts';
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

/** A code of the service catalogue (src/domain/cases/catalogue.ts). */
export const serviceCode = () => z.preprocess(blank, z.enum(SERVICE_CODES as [string, ...string[]], { error: 'cases.service_invalid' }));

/** The catalogue's rules on a menu + service pair: the service belongs to the menu; "other" says what in the note. */
function catalogueChecks(v: { menu?: string | undefined; service: string; note?: string | undefined }, ctx: z.RefinementCtx) {
  if (v.menu && menuOfService(v.service) !== v.menu) ctx.addIssue({ code: 'custom', path: ['service'], message: 'cases.service_not_in_menu' });
  if (isOtherService(v.service) && !v.note) ctx.addIssue({ code: 'custom', path: ['note'], message: 'cases.other_needs_note' });
}

export const PlanItemInput = z
  .object({ menu: menu(), service: serviceCode(), goal: text(500), due: optionalDay(), note: optionalText(500) })
  .superRefine(catalogueChecks);
/** Items added to the plan (each gets a stable id and starts `planned`); an item is never removed, it is dropped with a reason. */
export const PlanInput = z.object({ items: z.array(PlanItemInput, { error: 'field.required' }).min(1, 'field.required').max(30, 'field.too_long') });
export type PlanInput = z.infer<typeof PlanInput>;

/** Moving a plan item: `note` is the reason, required to mark it done or dropped. */
export const PlanStatusInput = z
  .object({ status: z.preprocess(blank, z.enum(PLAN_STATUSES, { error: 'cases.plan_status_invalid' })), note: optionalText(500) })
  .superRefine((v, ctx) => {
    if ((v.status === 'done' || v.status === 'dropped') && !v.note) ctx.addIssue({ code: 'custom', path: ['note'], message: 'cases.plan_reason_required' });
  });
export type PlanStatusInput = z.infer<typeof PlanStatusInput>;

/** A service given, picked from the catalogue; `menu` may be left out (the code says it); linked to a plan item it moves it. */
export const ServiceInput = z
  .object({
    menu: z.preprocess(blank, z.enum(ATENSI_MENUS, { error: 'cases.menu_invalid' }).optional()),
    service: serviceCode(),
    given_at: z.preprocess(blank, z.string().max(40).optional()),
    note: optionalText(1000),
    plan_item_id: z.preprocess(blank, z.string().max(64).optional()),
  })
  .superRefine(catalogueChecks);
export type ServiceInput = z.infer<typeof ServiceInput>;

export const EvaluationInput = z.object({ summary: text(2000) });
export const CloseInput = z
  .object({ outcome: z.preprocess(blank, z.enum(CLOSE_OUTCOMES, { error: 'cases.close_outcome_invalid' })), note: optionalText(1000) })
  .superRefine((v, ctx) => {
    if (v.outcome === 'lainnya' && !v.note) ctx.addIssue({ code: 'custom', path: ['note'], message: 'cases.close_other_needs_note' });
  });
export type CloseInput = z.infer<typeof CloseInput>;
export const ReopenInput = z.object({ reason: text(500) });

export const TransferInput = z.object({ to_pendamping_id: text(64), reason: text(500) });
export const TransferAnswerInput = z.object({ note: optionalText(500) });
export const TransferRefuseInput = z.object({ note: text(500) });

export const OutsideReferralInput = z.object({
  service: z.preprocess(blank, z.enum(OUTSIDE_SERVICES, { error: 'cases.outside_service_invalid' })),
  to_name: text(200),
  wilayah_code: optionalText(8),
  reason: text(1000),
});
export type OutsideReferralInput = z.infer<typeof OutsideReferralInput>;
export const OutsideAnswerInput = z.object({
  status: z.preprocess(blank, z.enum(['accepted', 'refused'], { error: 'cases.outside_answer_invalid' })),
  answer: text(1000),
});

export const FamilyCaseInput = z.object({ note: optionalText(1000) });
/** Who follows up after arrival when no pendamping of the destination is in Singgah: typed on the handover letter. */
export const FollowUpContactInput = z.object({ contact: text(200) });

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
