import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { zoneOf, type Zone } from '../../lib/time.ts';
import { apiTokens, facilities, handoffPersons, handoffs, persons, stays, users, wilayah, type VisibleNeed } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { canSeeFacility, requireRole } from '../access.ts';
import { maySeePerson } from '../persons/scope.ts';
import { notFound } from '../errors.ts';
import { canAccountHandoff, canViewHandoff, seesPeople, visibleHandoffsSql, VIEW_ROLES } from './scope.ts';

export type HandoffRow = typeof handoffs.$inferSelect;
export type HandoffLineRow = typeof handoffPersons.$inferSelect;

export interface HandoffCounts {
  total: number;
  pending: number;
  received: number;
  not_received: number;
}

export interface HandoffLine {
  id: string;
  seq: number;
  name: string | null;
  description: string | null;
  sex: 'L' | 'P';
  approxAge: number | null;
  needs: VisibleNeed[];
  belongings: string;
  notes: string;
  /** Who came together (the officers' label), and how this person is related to the others. */
  group: string | null;
  relationship: HandoffLineRow['relationship'];
  status: HandoffLineRow['status'];
  notReceivedReason: string | null;
  accountedAt: string | null;
  /** Only for roles that work with person records; null for Satpol PP. */
  person: { id: string; residentCode: string; placed: boolean } | null;
}

export interface Party {
  name: string;
  staffNumber: string;
  role: string | null;
}

export interface HandoffDetail {
  handoff: HandoffRow;
  facility: { id: string; code: string; name: string; address: string; wilayahCode: string; kind: string; visible: boolean };
  wilayahName: string;
  /** The zone its times are served and shown in: the receiving facility's (the operation's wilayah's when the actor may not know the facility). */
  zone: Zone;
  lines: HandoffLine[];
  counts: HandoffCounts;
  /** People received but never placed since: the handoff is done on paper, not for them ("Diterima, menunggu tempat"). */
  waiting: string[];
  submitter: Party | null;
  receiver: Party | null;
  /** May this actor receive / mark not received? (only while lines are pending) */
  canAccount: boolean;
  /** Does this actor see who a line became (resident code, record link)? */
  seesPeople: boolean;
}

export interface LineBlock<L extends { group: string | null }> {
  /** The group's label, or null for someone who came alone. */
  group: string | null;
  lines: L[];
}

/**
 * The lines as families: each group's members together, in the order its
 * first member was written down; someone without a group is a block alone.
 * The desk's page and the BAST both list a handoff this way.
 */
export function linesByGroup<L extends { group: string | null }>(lines: readonly L[]): LineBlock<L>[] {
  const blocks: LineBlock<L>[] = [];
  const byLabel = new Map<string, LineBlock<L>>();
  for (const l of lines) {
    if (l.group === null) {
      blocks.push({ group: null, lines: [l] });
      continue;
    }
    let b = byLabel.get(l.group);
    if (!b) {
      b = { group: l.group, lines: [] };
      byLabel.set(l.group, b);
      blocks.push(b);
    }
    b.lines.push(l);
  }
  return blocks;
}

export function countLines(lines: { status: HandoffLineRow['status'] }[]): HandoffCounts {
  const c: HandoffCounts = { total: lines.length, pending: 0, received: 0, not_received: 0 };
  for (const l of lines) {
    if (l.status === 'PENDING') c.pending++;
    else if (l.status === 'RECEIVED') c.received++;
    else c.not_received++;
  }
  return c;
}

/** A user's (or token's) name and staff number, as a BAST prints them. */
async function partyOf(db: Db | Tx, id: string | null, fallbackName: string | null): Promise<Party | null> {
  if (!id) return fallbackName ? { name: fallbackName, staffNumber: '', role: null } : null;
  const u = await db.select({ name: users.displayName, username: users.username, staff: users.staffNumber, role: users.role }).from(users).where(eq(users.id, id)).get();
  if (u) return { name: u.name || u.username, staffNumber: u.staff, role: u.role };
  const t = await db.select({ name: apiTokens.name, role: apiTokens.role }).from(apiTokens).where(eq(apiTokens.id, id)).get();
  if (t) return { name: fallbackName ?? t.name, staffNumber: '', role: t.role };
  return fallbackName ? { name: fallbackName, staffNumber: '', role: null } : null;
}

/** One handoff as this actor may see it; 404 when it does not exist for them. */
export async function readHandoff(args: { db: Db | Tx; actor: Actor; id: string }): Promise<HandoffDetail> {
  const { db, actor } = args;
  requireRole(actor, VIEW_ROLES);
  const h = await db.select().from(handoffs).where(eq(handoffs.id, args.id)).get();
  if (!h || !canViewHandoff(actor, h)) throw notFound('handoffs.not_found');
  return await detailOf(db, actor, h);
}

export async function detailOf(db: Db | Tx, actor: Actor, h: HandoffRow): Promise<HandoffDetail> {
  const f = (await db.select().from(facilities).where(eq(facilities.id, h.facilityId)).get())!;
  const rows = await db.select().from(handoffPersons).where(eq(handoffPersons.handoffId, h.id)).orderBy(asc(handoffPersons.seq)).all();
  const people = seesPeople(actor);
  const personIds = rows.map((r) => r.personId).filter((x): x is string => x !== null);
  const personInfo = new Map<string, { residentCode: string; placed: boolean }>();
  if (people && personIds.length) {
    const ps = await db.select({ id: persons.id, code: persons.residentCode }).from(persons).where(inArray(persons.id, personIds)).all();
    const open = new Set(
      (await db
        .select({ id: stays.personId })
        .from(stays)
        .where(and(inArray(stays.personId, personIds), isNull(stays.checkedOutAt)))
        .all())
        .map((s) => s.id),
    );
    // A person the actor may no longer see (placed at a protected facility since) is not linked from the line.
    for (const p of ps) if (await maySeePerson(db, actor, p.id)) personInfo.set(p.id, { residentCode: p.code, placed: open.has(p.id) });
  }
  const everPlaced = new Set(
    personIds.length ? (await db.select({ id: stays.personId }).from(stays).where(inArray(stays.personId, personIds)).all()).map((s) => s.id) : [],
  );
  const waiting = rows.filter((r) => r.status === 'RECEIVED' && r.personId && !everPlaced.has(r.personId)).map((r) => r.personId!);
  const lines: HandoffLine[] = rows.map((r) => ({
    id: r.id,
    seq: r.seq,
    name: r.name,
    description: r.description,
    sex: r.sex,
    approxAge: r.approxAge,
    needs: r.needs,
    belongings: r.belongings,
    notes: r.notes,
    group: r.groupLabel,
    relationship: r.relationship,
    status: r.status,
    notReceivedReason: r.notReceivedReason,
    accountedAt: r.accountedAt,
    person: people && r.personId && personInfo.has(r.personId) ? { id: r.personId, ...personInfo.get(r.personId)! } : null,
  }));
  const w = await db.select({ name: wilayah.name }).from(wilayah).where(eq(wilayah.code, h.wilayahCode)).get();
  const counts = countLines(lines);
  return {
    handoff: h,
    facility: {
      id: f.id,
      code: f.code,
      name: f.name,
      address: f.address,
      wilayahCode: f.wilayahCode,
      kind: f.kind,
      visible: canSeeFacility(actor, f),
    },
    wilayahName: w?.name ?? h.wilayahCode,
    zone: zoneOf(canSeeFacility(actor, f) ? f.wilayahCode : h.wilayahCode),
    lines,
    counts,
    waiting: people ? waiting : [],
    submitter: await partyOf(db, h.submittedBy ?? h.submittedByToken, null),
    receiver: await partyOf(db, h.receivingOfficerId, h.receivingOfficerName),
    canAccount: counts.pending > 0 && canAccountHandoff(actor, h),
    seesPeople: people,
  };
}

export interface HandoffSummary {
  id: string;
  number: string;
  status: HandoffRow['status'];
  operationNumber: string;
  operationAt: string;
  place: string;
  wilayahCode: string;
  facilityId: string;
  facilityName: string;
  /** The zone its times are in: the receiving facility's (the operation's wilayah's when the actor may not know the facility). */
  zone: Zone;
  createdAt: string;
  closedAt: string | null;
  counts: HandoffCounts;
  /** Received people not yet placed anywhere. */
  waiting: number;
}

/** Handoffs this actor may see: open ones first (oldest first, they wait longest), then the latest closed. */
export async function listHandoffs(args: { db: Db | Tx; actor: Actor; status?: 'OPEN' | 'CLOSED' | undefined; facilityId?: string | undefined; limit?: number; offset?: number }): Promise<HandoffSummary[]> {
  const { db, actor } = args;
  requireRole(actor, VIEW_ROLES);
  // 501: a page of the API asks one past its limit (500) to know whether there is more.
  const limit = Math.min(Math.max(args.limit ?? 100, 1), 501);
  const offset = Math.max(args.offset ?? 0, 0);
  const status = args.status ? sql` and h.status = ${args.status}` : sql``;
  const facility = args.facilityId ? sql` and h.facility_id = ${args.facilityId}` : sql``;
  const rows = await db.all<{
    id: string;
    number: string;
    status: HandoffRow['status'];
    operation_number: string;
    operation_at: string;
    place: string;
    wilayah_code: string;
    facility_id: string;
    facility_name: string;
    facility_protected: number;
    facility_wilayah_code: string;
    created_at: string;
    closed_at: string | null;
    total: number;
    pending: number;
    received: number;
    waiting: number;
  }>(sql`
    select h.id, h.number, h.status, h.operation_number, h.operation_at, h.place, h.wilayah_code, h.facility_id,
      f.name as facility_name, f.protected as facility_protected, f.wilayah_code as facility_wilayah_code, h.created_at, h.closed_at,
      (select count(*) from handoff_persons p where p.handoff_id = h.id) as total,
      (select count(*) from handoff_persons p where p.handoff_id = h.id and p.status = 'PENDING') as pending,
      (select count(*) from handoff_persons p where p.handoff_id = h.id and p.status = 'RECEIVED') as received,
      (select count(*) from handoff_persons p where p.handoff_id = h.id and p.status = 'RECEIVED' and p.person_id is not null
         and not exists (select 1 from stays s where s.person_id = p.person_id)) as waiting
    from handoffs h join facilities f on f.id = h.facility_id
    where ${visibleHandoffsSql(actor)}${status}${facility}
    order by case h.status when 'OPEN' then 0 else 1 end,
      case h.status when 'OPEN' then h.created_at end asc,
      h.closed_at desc, h.id
    limit ${limit} offset ${offset}`);
  return rows.map((r) => {
    const visible = canSeeFacility(actor, { id: r.facility_id, protected: r.facility_protected === 1 });
    return {
      id: r.id,
      number: r.number,
      status: r.status,
      operationNumber: r.operation_number,
      operationAt: r.operation_at,
      place: r.place,
      wilayahCode: r.wilayah_code,
      facilityId: r.facility_id,
      facilityName: visible ? r.facility_name : '—',
      zone: zoneOf(visible ? r.facility_wilayah_code : r.wilayah_code),
      createdAt: r.created_at,
      closedAt: r.closed_at,
      counts: { total: r.total, pending: r.pending, received: r.received, not_received: r.total - r.pending - r.received },
      waiting: r.waiting,
    };
  });
}
