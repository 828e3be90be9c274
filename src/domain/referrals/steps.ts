import { eq, sql } from 'drizzle-orm';
import { write, type Db, type Tx } from '../../db/client.ts';
import { persons, type ReferralStatus } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { PEOPLE_ROLES, requireRole } from '../access.ts';
import { audit } from '../audit.ts';
import { conflict } from '../errors.ts';
import { parseInput } from '../validate.ts';
import { addMinutes, nowIso } from '../../lib/time.ts';
import { translate } from '../../i18n/index.ts';
import { raisePersonAlert } from '../alerts.ts';
import { publishStep, type StepEvents } from './events.ts';
import { settleReferralAlerts } from './loop-alerts.ts';
import { expireReferrals } from './expire.ts';
import { CancelReferralInput, EmptyInput, RefuseReferralInput } from './input.ts';
import { assertMayTake, assertStatus, loadReferral, moveReferral, referralPersonIds, type ReferralRow, type Step } from './load.ts';
import { DEFAULT_HOLD_MINUTES } from './propose.ts';
import { toReferralRecord, type ReferralRecord } from './view.ts';

export interface StepArgs {
  db: Db;
  actor: Actor;
  referralId: string;
  input?: unknown;
  holdMinutes?: number;
}

/**
 * One step of a referral: read it, check who may take the step and from
 * which status, move it, audit it — one IMMEDIATE transaction — then tell
 * the hub. `apply` does the step's own writes and says what to publish.
 */
async function takeStep(
  args: StepArgs,
  step: Step,
  from: readonly ReferralStatus[],
  apply: (tx: Tx, r: ReferralRow, now: string) => Promise<{ detail?: Record<string, unknown>; events?: Omit<StepEvents, 'referral'> }>,
): Promise<ReferralRecord> {
  const { db, actor } = args;
  requireRole(actor, PEOPLE_ROLES);
  // A hold that ran out is released first: accepting it now would be accepting nothing.
  await expireReferrals(db);
  const now = nowIso();
  let events: Omit<StepEvents, 'referral'> = {};
  // The event names both ends from the row itself: the record is the actor's view (a protected end has no id there).
  let ends = { fromFacilityId: null as string | null, toFacilityId: '' };
  const record = await write(db, async (tx) => {
    const r = await loadReferral(tx, args.referralId);
    assertMayTake(actor, r, step);
    if (r.status === 'EXPIRED') throw conflict('referrals.expired');
    assertStatus(r, from);
    const out = await apply(tx, r, now);
    events = out.events ?? {};
    await audit(tx, actor, { action: `referral.${step}`, entity: 'referral', entityId: r.id, at: now, detail: { from_status: r.status, ...out.detail } });
    ends = { fromFacilityId: r.fromFacilityId, toFacilityId: r.toFacilityId };
    const after = await loadReferral(tx, r.id);
    // Arrived, refused, cancelled: the referral's loop is closed by this act (loop-alerts.ts).
    if (!['PROPOSED', 'ACCEPTED', 'IN_TRANSIT'].includes(after.status)) await settleReferralAlerts(tx, actor, r.id, now);
    const rec = await toReferralRecord(tx, actor, after);
    // Announced with the change itself: heard once it is committed, never for a rollback.
    publishStep(tx, { referral: { id: rec.id, status: rec.status, ...ends, places: rec.places }, ...events });
    return rec;
  });
  return record;
}

const released = (r: ReferralRow) => ({ occupancy: r.toUnitId ? [{ facilityId: r.toFacilityId, unitIds: [r.toUnitId] }] : [] });

/** The receiving manager accepts: the hold is renewed so the sending desk has time to send them. */
export async function acceptReferral(args: StepArgs): Promise<ReferralRecord> {
  parseInput(EmptyInput, args.input ?? {}, args.actor.lang);
  return await takeStep(args, 'accept', ['PROPOSED'], async (tx, r, now) => {
    const expiresAt = addMinutes(now, args.holdMinutes ?? DEFAULT_HOLD_MINUTES);
    await moveReferral(tx, r, { status: 'ACCEPTED', decidedAt: now, decidedBy: args.actor.id, expiresAt });
    return { detail: { expires_at: expiresAt } };
  });
}

/**
 * The receiving manager refuses, saying why. The places are released and the
 * person is back on the sending desk's list with the next suggestions. A
 * person refused twice is raised to the command centre.
 */
export async function refuseReferral(args: StepArgs): Promise<ReferralRecord> {
  const input = parseInput(RefuseReferralInput, args.input ?? {}, args.actor.lang);
  return await takeStep(args, 'refuse', ['PROPOSED', 'ACCEPTED'], async (tx, r, now) => {
    await moveReferral(tx, r, { status: 'REFUSED', decidedAt: now, decidedBy: args.actor.id, refuseReason: input.reason, closedAt: now, closedBy: args.actor.id });
    const lead = (await referralPersonIds(tx, r.id))[0];
    const alerts: NonNullable<StepEvents['alerts']> = [];
    if (lead) {
      const refusals = (await tx.get<{ n: number }>(sql`
        select count(*) as n from referral_persons rp join referrals x on x.id = rp.referral_id
        where rp.person_id = ${lead} and x.status = 'REFUSED'`))!.n;
      if (refusals >= 2) {
        const p = await tx.select({ code: persons.residentCode }).from(persons).where(eq(persons.id, lead)).get();
        const a = await raisePersonAlert(tx, args.actor, {
          kind: 'referral_refused_twice',
          personId: lead,
          facilityId: r.fromFacilityId,
          at: now,
          message: translate('id', 'referrals.alert.refused_twice', { code: p?.code ?? '', n: refusals, reason: input.reason }),
          detail: { person_id: lead, resident_code: p?.code, referral_id: r.id, refusals, last_reason: input.reason },
        });
        if (a) alerts.push(a);
      }
    }
    return { detail: { reason: input.reason }, events: { ...released(r), alerts } };
  });
}

/** The sending desk sends them on their way. The hold stays until they arrive (it no longer expires). */
export async function departReferral(args: StepArgs): Promise<ReferralRecord> {
  parseInput(EmptyInput, args.input ?? {}, args.actor.lang);
  return await takeStep(args, 'depart', ['ACCEPTED'], async (tx, r, now) => {
    await moveReferral(tx, r, { status: 'IN_TRANSIT', departedAt: now });
    return {};
  });
}

/** The sending desk (or the command centre) calls it off; the places are released. */
export async function cancelReferral(args: StepArgs): Promise<ReferralRecord> {
  const input = parseInput(CancelReferralInput, args.input ?? {}, args.actor.lang);
  return await takeStep(args, 'cancel', ['PROPOSED', 'ACCEPTED', 'IN_TRANSIT'], async (tx, r, now) => {
    await moveReferral(tx, r, { status: 'CANCELLED', closedAt: now, closedBy: args.actor.id });
    return { detail: input.reason ? { reason: input.reason } : {}, events: released(r) };
  });
}

export { takeStep };
