import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../actor.ts';
import { requireRole } from '../access.ts';
import { translate } from '../../i18n/index.ts';
import { caseWorkerToday, daysOverdue, dueState } from '../time-zone.ts';
import { caseScopeFilter, WORKLIST_ROLES } from '../cases/scope.ts';
import type { ExportTable } from '../reports/table.ts';

export interface FollowUpEntry {
  id: string;
  person_id: string;
  resident_code: string;
  name: string | null;
  kind: string;
  due: string;
  state: 'overdue' | 'today';
  days_overdue: number;
  note: string | null;
  pendamping: string | null;
  after_discharge: boolean;
}

/** Open follow-ups due today or before (the case worker's day: domain/time-zone.ts), oldest first, in the actor's scope (after discharge too). */
export async function followUpWorklist(args: { db: Db; actor: Actor; today?: string; pendampingId?: string }): Promise<FollowUpEntry[]> {
  const { db, actor } = args;
  requireRole(actor, WORKLIST_ROLES);
  const today = args.today ?? (await caseWorkerToday(db, actor));
  const rows = await db.all<{ id: string; person_id: string; resident_code: string; name: string | null; kind: string; due: string; note: string | null; pendamping: string | null; open_stay: number }>(sql`
    select f.id, p.id as person_id, p.resident_code, coalesce(p.name, p.description) as name, f.kind, f.due, f.note,
           coalesce(nullif(u.display_name, ''), u.username) as pendamping,
           exists (select 1 from stays s where s.person_id = p.id and s.checked_out_at is null) as open_stay
    from case_follow_ups f
    join cases c on c.id = f.case_id
    join persons p on p.id = c.person_id
    left join users u on u.id = c.pendamping_id
    where f.done_at is null and f.due <= ${today}
      and p.merged_into_id is null and p.anonymised_at is null
      and ${caseScopeFilter(actor, sql`p.id`)}
      ${args.pendampingId ? sql`and c.pendamping_id = ${args.pendampingId}` : sql``}
    order by f.due, p.resident_code`);
  return rows.map((r) => ({
    id: r.id,
    person_id: r.person_id,
    resident_code: r.resident_code,
    name: r.name,
    kind: r.kind,
    due: r.due,
    state: dueState({ doneAt: null, due: r.due }, today) === 'overdue' ? 'overdue' : 'today',
    days_overdue: daysOverdue(r.due, today),
    note: r.note,
    pendamping: r.pendamping,
    after_discharge: r.open_stay === 0,
  }));
}

export function followUpCsvTable(entries: FollowUpEntry[], lang: Actor['lang']): ExportTable {
  const t = (k: string) => translate(lang, k);
  return {
    sheet: 'follow-ups',
    title: t('worklists.follow_ups_title'),
    published: false,
    columns: [
      { key: 'due', header: t('worklists.col.due'), type: 'date' },
      { key: 'state', header: t('worklists.col.state'), type: 'text' },
      { key: 'resident_code', header: t('worklists.col.code'), type: 'text' },
      { key: 'name', header: t('worklists.col.name'), type: 'text' },
      { key: 'kind', header: t('worklists.col.kind'), type: 'text' },
      { key: 'pendamping', header: t('worklists.col.pendamping'), type: 'text' },
      { key: 'note', header: t('worklists.col.note'), type: 'text' },
    ],
    rows: entries.map((e) => ({
      due: e.due,
      state: t(`cases.state.${e.state}`),
      resident_code: e.resident_code,
      name: e.name,
      kind: t(`cases.kind.${e.kind}`),
      pendamping: e.pendamping,
      note: e.note,
    })),
  };
}
