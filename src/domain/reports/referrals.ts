import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { FacilityKind, ReferralStatus } from '../../db/schema/index.ts';
import { approachOf, APPROACHES, type Approach } from '../board/sampler.ts';
import type { ReportRange } from './range.ts';
import { inScope, type ReportScope } from './scope.ts';
import { spread, type Spread } from './stats.ts';

/**
 * Referrals proposed in the range (from or to a facility in scope), followed
 * to where they stand now: sent, accepted (said yes, whatever came after),
 * refused (with each reason and how often it was given), arrived, cancelled,
 * expired, still open; people carried; and how long a "yes" took, in hours.
 * Per destination approach too: that is where a need for balai places shows.
 */
export interface ReferralCounts {
  sent: number;
  people: number;
  accepted: number;
  refused: number;
  arrived: number;
  cancelled: number;
  expired: number;
  open: number;
}

export interface ReferralsReport {
  range: ReportRange;
  total: ReferralCounts;
  byApproach: (ReferralCounts & { approach: Approach; timeToAccept: Spread })[];
  refusals: { reason: string; count: number }[];
  /** Hours from proposal to acceptance. */
  timeToAccept: Spread;
}

export interface ReferralFact {
  status: ReferralStatus;
  proposedAt: string;
  decidedAt: string | null;
  refuseReason: string | null;
  toKind: FacilityKind;
  people: number;
}

const zero = (): ReferralCounts => ({ sent: 0, people: 0, accepted: 0, refused: 0, arrived: 0, cancelled: 0, expired: 0, open: 0 });

/** Accepted = a destination said yes: decided and not refused (a later cancellation does not undo the yes). */
export function wasAccepted(r: Pick<ReferralFact, 'status' | 'decidedAt'>): boolean {
  return r.decidedAt !== null && r.status !== 'REFUSED' && r.status !== 'PROPOSED';
}

function add(c: ReferralCounts, r: ReferralFact) {
  c.sent += 1;
  c.people += r.people;
  if (wasAccepted(r)) c.accepted += 1;
  if (r.status === 'REFUSED') c.refused += 1;
  if (r.status === 'ARRIVED') c.arrived += 1;
  if (r.status === 'CANCELLED') c.cancelled += 1;
  if (r.status === 'EXPIRED') c.expired += 1;
  if (r.status === 'PROPOSED' || r.status === 'ACCEPTED' || r.status === 'IN_TRANSIT') c.open += 1;
}

/** Refusal reasons grouped as people wrote them, ignoring case and spacing; the commonest first. */
export function groupReasons(reasons: readonly string[]): { reason: string; count: number }[] {
  const groups = new Map<string, { reason: string; count: number }>();
  for (const raw of reasons) {
    const reason = raw.trim().replace(/\s+/g, ' ');
    const k = reason.toLocaleLowerCase('id');
    const g = groups.get(k) ?? { reason, count: 0 };
    g.count += 1;
    groups.set(k, g);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

export function computeReferrals(range: ReportRange, facts: readonly ReferralFact[]): ReferralsReport {
  const total = zero();
  const byApproach = new Map<Approach, ReferralCounts>(APPROACHES.map((a) => [a, zero()]));
  const hours: number[] = [];
  const hoursBy = new Map<Approach, number[]>(APPROACHES.map((a) => [a, []]));
  for (const r of facts) {
    const a = approachOf(r.toKind);
    add(total, r);
    add(byApproach.get(a)!, r);
    if (wasAccepted(r)) {
      const h = (Date.parse(r.decidedAt!) - Date.parse(r.proposedAt)) / 3600_000;
      hours.push(h);
      hoursBy.get(a)!.push(h);
    }
  }
  return {
    range,
    total,
    byApproach: APPROACHES.map((a) => ({ ...byApproach.get(a)!, approach: a, timeToAccept: spread(hoursBy.get(a)!) })),
    refusals: groupReasons(facts.filter((r) => r.status === 'REFUSED').map((r) => r.refuseReason ?? '—')),
    timeToAccept: spread(hours),
  };
}

export async function referralsReport(args: { db: Db; range: ReportRange; scope: ReportScope }): Promise<ReferralsReport> {
  const rows = await args.db.all<{ status: ReferralStatus; proposed_at: string; decided_at: string | null; refuse_reason: string | null; to_kind: FacilityKind; people: number; places: number }>(sql`
    select r.status, r.proposed_at, r.decided_at, r.refuse_reason, f.kind as to_kind, r.places,
      (select count(*) from referral_persons rp where rp.referral_id = r.id) as people
    from referrals r join facilities f on f.id = r.to_facility_id
    where r.proposed_at >= ${args.range.startIso} and r.proposed_at < ${args.range.endIso}
      and (${inScope(sql.raw('r.to_facility_id'), args.scope)} or ${inScope(sql.raw('r.from_facility_id'), args.scope)})`);
  return computeReferrals(
    args.range,
    rows.map((r) => ({
      status: r.status,
      proposedAt: r.proposed_at,
      decidedAt: r.decided_at,
      refuseReason: r.refuse_reason,
      toKind: r.to_kind,
      // The persons on the referral; its places when none were recorded.
      people: r.people > 0 ? r.people : r.places,
    })),
  );
}
