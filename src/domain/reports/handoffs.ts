import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { ReportRange } from './range.ts';
import { inScope, type ReportScope } from './scope.ts';

/**
 * Satpol PP handoffs per street operation, for operations held in the range
 * (by operation time, WIB days): how many people were handed over, received,
 * not received (with the reasons given), and still pending.
 */
export interface HandoffOperationRow {
  operationNumber: string;
  /** The earliest operation time recorded for it. */
  operationAt: string;
  place: string;
  wilayahCode: string;
  wilayahName: string;
  handoffs: number;
  handed: number;
  received: number;
  notReceived: number;
  pending: number;
}

export interface HandoffsReport {
  range: ReportRange;
  operations: HandoffOperationRow[];
  total: { operations: number; handoffs: number; handed: number; received: number; notReceived: number; pending: number };
  notReceivedReasons: { reason: string; count: number }[];
}

export async function handoffsReport(args: { db: Db; range: ReportRange; scope: ReportScope }): Promise<HandoffsReport> {
  const rows = await args.db.all<{
    id: string;
    operation_number: string;
    operation_at: string;
    place: string;
    wilayah_code: string;
    wilayah_name: string | null;
    handed: number;
    received: number;
    not_received: number;
    pending: number;
  }>(sql`
    select h.id, h.operation_number, h.operation_at, h.place, h.wilayah_code, w.name as wilayah_name,
      count(p.id) as handed,
      coalesce(sum(case when p.status = 'RECEIVED' then 1 else 0 end), 0) as received,
      coalesce(sum(case when p.status = 'NOT_RECEIVED' then 1 else 0 end), 0) as not_received,
      coalesce(sum(case when p.status = 'PENDING' then 1 else 0 end), 0) as pending
    from handoffs h
      left join handoff_persons p on p.handoff_id = h.id
      left join wilayah w on w.code = h.wilayah_code
    where h.operation_at >= ${args.range.startIso} and h.operation_at < ${args.range.endIso}
      and ${inScope(sql.raw('h.facility_id'), args.scope)}
    group by h.id, w.name
    order by h.operation_at, h.operation_number`);
  const ops = new Map<string, HandoffOperationRow>();
  for (const r of rows) {
    const op = ops.get(r.operation_number) ?? {
      operationNumber: r.operation_number,
      operationAt: r.operation_at,
      place: r.place,
      wilayahCode: r.wilayah_code,
      wilayahName: r.wilayah_name ?? r.wilayah_code,
      handoffs: 0,
      handed: 0,
      received: 0,
      notReceived: 0,
      pending: 0,
    };
    op.handoffs += 1;
    op.handed += r.handed;
    op.received += r.received;
    op.notReceived += r.not_received;
    op.pending += r.pending;
    ops.set(r.operation_number, op);
  }
  const operations = [...ops.values()];
  const reasons = await args.db.all<{ reason: string; count: number }>(sql`
    select min(coalesce(nullif(trim(p.not_received_reason), ''), '—')) as reason, count(*) as count
    from handoff_persons p join handoffs h on h.id = p.handoff_id
    where p.status = 'NOT_RECEIVED' and h.operation_at >= ${args.range.startIso} and h.operation_at < ${args.range.endIso}
      and ${inScope(sql.raw('h.facility_id'), args.scope)}
    group by lower(coalesce(nullif(trim(p.not_received_reason), ''), '—'))
    order by count desc, reason`);
  const sum = (f: (o: HandoffOperationRow) => number) => operations.reduce((a, o) => a + f(o), 0);
  return {
    range: args.range,
    operations,
    total: {
      operations: operations.length,
      handoffs: sum((o) => o.handoffs),
      handed: sum((o) => o.handed),
      received: sum((o) => o.received),
      notReceived: sum((o) => o.notReceived),
      pending: sum((o) => o.pending),
    },
    notReceivedReasons: reasons,
  };
}
