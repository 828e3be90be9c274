import type { Db } from '../../db/client.ts';
import type { Actor } from '../../domain/actor.ts';
import { isWide } from '../../domain/access.ts';
import type { Lang, Translator } from '../../i18n/index.ts';
import { APPROACHES } from '../../domain/board/sampler.ts';
import type { FullReport } from '../../domain/reports/index.ts';
import { reportScopeChoices } from '../../domain/reports/scope.ts';
import { SUPPRESSED, wouldSuppress } from '../../domain/reports/suppress.ts';
import { boxChart, hbarChart, stackedColumns } from './charts.ts';

/**
 * Indonesian figures as Indonesians write them (5.836; 85,3%), English as
 * English readers do. On screen a count of 1–2 people is shown exactly and
 * marked; `published` (the printed report, which leaves the system like an
 * export) writes it "<3", as the exports do.
 */
export function formatters(lang: Lang, t: Translator, opts: { published?: boolean } = {}) {
  const locale = lang === 'id' ? 'id-ID' : 'en-GB';
  const int = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const dec = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const pct = new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const f = {
    int: (n: number | null | undefined) => (n === null || n === undefined ? '—' : int.format(n)),
    dec: (n: number | null | undefined) => (n === null || n === undefined ? '—' : dec.format(n)),
    pct: (n: number | null | undefined) => (n === null || n === undefined ? '—' : pct.format(n)),
    /** YYYY-MM-DD → dd/mm/yyyy. */
    date: (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`,
    shortDate: (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}`,
    /**
     * A count of people as HTML: the exact figure, and when an export would
     * hide it (1–2), a mark saying so. Only digits and a fixed message: safe raw.
     */
    people: (n: number | null | undefined) => {
      const text = f.int(n);
      if (!wouldSuppress(n)) return text;
      if (opts.published) return `<span class="suppressed">${esc(SUPPRESSED)}</span>`;
      return `<span class="would-suppress" title="${esc(t('reports.suppressed_mark'))}">${text}<span class="flag" role="img" aria-label="${esc(t('reports.suppressed_mark'))}">⚑</span></span>`;
    },
    /** A figure computed from a group of `basis` people: marked with it. */
    derived: (text: string, basis: number | null | undefined) =>
      wouldSuppress(basis) && opts.published
        ? `<span class="suppressed">${esc(SUPPRESSED)}</span>`
        : wouldSuppress(basis) ? `<span class="would-suppress" title="${esc(t('reports.suppressed_mark'))}">${esc(text)}<span class="flag" role="img" aria-label="${esc(t('reports.suppressed_mark'))}">⚑</span></span>` : esc(text),
  };
  return f;
}

export type Formatters = Awaited<ReturnType<typeof formatters>>;

/** The charts of the page, from the report's figures. */
export function charts(report: FullReport, t: Translator, f: Formatters) {
  const c = report.census;
  const census = stackedColumns({
    days: report.range.days,
    dayLabel: f.shortDate,
    series: c.approaches.map((a) => ({ cls: `s-${a.approach.toLowerCase()}`, label: t(`reports.approach.${a.approach}`), values: a.days.map((d) => d.present) })),
    line: { label: t('reports.census.capacity_line'), values: c.total.days.map((d) => d.capacity) },
    format: (n) => f.int(n),
    title: (i) =>
      `${f.date(report.range.days[i]!)}: ` +
      c.approaches.map((a) => `${t(`reports.approach.${a.approach}`)} ${f.int(a.days[i]!.present)}`).join(', ') +
      ` · ${t('reports.census.capacity_line')} ${f.int(c.total.days[i]!.capacity)}`,
  });
  const handled = hbarChart(
    report.handled.rows.map((r) => ({ label: t(`reports.approach.${r.approach}`), value: r.people, text: f.int(r.people), cls: `s-${r.approach.toLowerCase()}` })),
    { labelWidth: 200 },
  );
  const outcomes = hbarChart(
    report.outcomes.rows.filter((r) => r.total > 0).map((r) => ({ label: t(`reports.outcome.${r.outcome}`), value: r.total, text: f.int(r.total), cls: 's-outcome' })),
    { labelWidth: 250 },
  );
  const los = boxChart(
    [...report.los.rows.map((r) => ({ ...r, label: t(`reports.approach.${r.key}`) })), { ...report.los.total, label: t('reports.total') }],
    (n) => f.int(n),
  );
  const rt = report.referrals.total;
  const referrals = hbarChart(
    [
      { label: t('reports.col.sent'), value: rt.sent, text: f.int(rt.sent), cls: 's-sent' },
      { label: t('reports.col.accepted'), value: rt.accepted, text: f.int(rt.accepted), cls: 's-accepted' },
      { label: t('reports.col.refused'), value: rt.refused, text: f.int(rt.refused), cls: 's-refused' },
      { label: t('reports.col.arrived'), value: rt.arrived, text: f.int(rt.arrived), cls: 's-arrived' },
    ],
    { labelWidth: 160 },
  );
  return { census, handled, outcomes, los, referrals };
}

export interface FilterChoices {
  facilities: { id: string; label: string }[];
  wilayah: { code: string; name: string }[];
}

/** What the filter form offers: wide roles choose a facility or wilayah; a manager has theirs. */
export async function filterChoices(db: Db, actor: Actor): Promise<FilterChoices> {
  if (!isWide(actor)) return { facilities: [], wilayah: [] };
  const choices = await reportScopeChoices(db);
  const facilities = choices.facilities.map((r) => ({ id: r.id, label: `${r.code} · ${r.name}` }));
  return { facilities, wilayah: choices.wilayah };
}

/** The query string that reproduces this report (for export links and the print view). */
export function reportQuery(report: FullReport): string {
  const q = new URLSearchParams({ from: report.range.from, to: report.range.to });
  if (report.scope.facilityId) q.set('facility', report.scope.facilityId);
  if (report.scope.wilayah) q.set('wilayah', report.scope.wilayah);
  return q.toString();
}

export { APPROACHES };
