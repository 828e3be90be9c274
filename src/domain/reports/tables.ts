import type { Translator } from '../../i18n/index.ts';
import { APPROACHES } from '../board/sampler.ts';
import type { CensusReport, CensusRow, CensusTotals } from './census.ts';
import type { HandledReport } from './handled.ts';
import type { HandoffsReport } from './handoffs.ts';
import type { LosReport } from './length-of-stay.ts';
import type { OutcomesReport } from './outcomes.ts';
import type { ReferralsReport } from './referrals.ts';
import type { ResidentRow } from './residents.ts';
import type { FacilityInfo } from './scope.ts';
import type { Cell, Column, ExportTable } from './table.ts';

/**
 * Each report as export tables (one CSV each; one sheet each in a workbook).
 * Published tables never name a protected facility: its row is kept (the
 * totals must add up) but its name and code are replaced.
 */
const col = (key: string, header: string, type: Column['type'], extra: Partial<Column> = {}): Column => ({ key, header, type, ...extra });

export function facilityLabel(f: FacilityInfo, t: Translator): { code: string; name: string } {
  return f.protected ? { code: '', name: t('reports.protected_facility') } : { code: f.code, name: f.name };
}

function censusColumns(t: Translator, daily: boolean): Column[] {
  return [
    ...(daily ? [col('date', t('reports.col.date'), 'date', { width: 12 })] : []),
    col('level', t('reports.col.level'), 'text', { width: 14 }),
    col('code', t('reports.col.code'), 'text', { width: 14 }),
    col('name', t('reports.col.name'), 'text', { width: 36 }),
    col('approach', t('reports.col.approach'), 'text', { width: 22 }),
    col('wilayah_code', t('reports.col.wilayah_code'), 'text', { width: 10 }),
    col('wilayah', t('reports.col.wilayah'), 'text', { width: 26 }),
    col('in', t('reports.col.in'), 'people'),
    col('out', t('reports.col.out'), 'people'),
    col('present', daily ? t('reports.col.present') : t('reports.col.present_end'), 'people'),
    ...(daily ? [] : [col('peak', t('reports.col.peak'), 'people')]),
    col('capacity', daily ? t('reports.col.capacity') : t('reports.col.capacity_end'), 'int'),
    col('utilisation', daily ? t('reports.col.utilisation') : t('reports.col.utilisation_range'), 'pct', { basis: daily ? 'present' : 'peak' }),
  ];
}

interface Labelled {
  level: string;
  code: string;
  name: string;
  approach: string;
  wilayah_code: string;
  wilayah: string;
}

function labelledRows(report: CensusReport, t: Translator): [Labelled, CensusRow][] {
  const out: [Labelled, CensusRow][] = [];
  out.push([{ level: t('reports.level.total'), code: '', name: t('reports.total'), approach: '', wilayah_code: '', wilayah: '' }, report.total]);
  for (const a of report.approaches) {
    out.push([{ level: t('reports.level.approach'), code: a.approach, name: t(`reports.approach.${a.approach}`), approach: t(`reports.approach.${a.approach}`), wilayah_code: '', wilayah: '' }, a]);
  }
  for (const w of report.wilayah) out.push([{ level: t('reports.level.wilayah'), code: w.code, name: w.name, approach: '', wilayah_code: w.code, wilayah: w.name }, w]);
  for (const f of report.facilities) {
    const l = facilityLabel(f.facility, t);
    out.push([
      {
        level: t('reports.level.facility'),
        code: l.code,
        name: l.name,
        approach: t(`reports.approach.${f.approach}`),
        wilayah_code: f.facility.wilayahCode,
        wilayah: f.facility.wilayahName,
      },
      f,
    ]);
  }
  return out;
}

const totalsCells = (x: CensusTotals): Record<string, Cell> => ({
  in: x.in,
  out: x.out,
  present: x.present,
  peak: x.peak,
  capacity: x.capacity,
  utilisation: x.utilisation,
});

/** The index range 0..n-1 offset by `from`. */
const span = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

/**
 * The census rows that add up, by index in labelledRows' order (total,
 * approaches, wilayah, facilities), offset by `at` (a day's block in the daily
 * table): the total is the sum of the approaches and of the wilayah, each
 * approach and each wilayah the sum of its facilities.
 */
function censusSums(report: CensusReport, at = 0): { total: number; parts: number[] }[] {
  const a0 = at + 1;
  const w0 = a0 + report.approaches.length;
  const f0 = w0 + report.wilayah.length;
  const facilitiesWhere = (keep: (f: CensusReport['facilities'][number]) => boolean) =>
    report.facilities.flatMap((f, i) => (keep(f) ? [f0 + i] : []));
  return [
    { total: at, parts: span(a0, report.approaches.length) },
    { total: at, parts: span(w0, report.wilayah.length) },
    ...report.approaches.map((a, i) => ({ total: a0 + i, parts: facilitiesWhere((f) => f.approach === a.approach) })),
    ...report.wilayah.map((w, i) => ({ total: w0 + i, parts: facilitiesWhere((f) => f.facility.wilayahCode === w.code) })),
  ];
}

export function censusTables(report: CensusReport, t: Translator): ExportTable[] {
  const rows = labelledRows(report, t);
  const summary: ExportTable = {
    sheet: t('reports.sheet.census_summary'),
    title: t('reports.census.title'),
    columns: censusColumns(t, false),
    rows: rows.map(([l, r]) => ({ ...l, ...totalsCells(r.totals) })),
    published: true,
    columnSums: censusSums(report),
  };
  const daily: ExportTable = {
    sheet: t('reports.sheet.census_daily'),
    title: t('reports.census.daily'),
    columns: censusColumns(t, true),
    rows: report.range.days.flatMap((date, i) =>
      rows.map(([l, r]) => {
        const d = r.days[i]!;
        return { date, ...l, in: d.in, out: d.out, present: d.present, capacity: d.capacity, utilisation: d.utilisation };
      }),
    ),
    published: true,
    columnSums: report.range.days.flatMap((_, i) => censusSums(report, i * rows.length)),
  };
  return [summary, daily];
}

export function handledTable(report: HandledReport, t: Translator): ExportTable {
  return {
    sheet: t('reports.sheet.handled'),
    title: t('reports.handled.title'),
    columns: [
      col('approach', t('reports.col.approach'), 'text', { width: 40 }),
      col('people', t('reports.col.people'), 'people'),
      col('male', t('reports.col.male'), 'people'),
      col('female', t('reports.col.female'), 'people'),
    ],
    rows: [
      ...report.rows.map((r) => ({ approach: t(`reports.handled.${r.approach}`), people: r.people, male: r.male, female: r.female })),
      { approach: t('reports.total'), ...report.total },
    ],
    published: true,
    rowSums: [{ total: 'people', parts: ['male', 'female'] }],
    columnSums: [{ total: report.rows.length, parts: span(0, report.rows.length) }],
  };
}

export function outcomesTable(report: OutcomesReport, t: Translator): ExportTable {
  return {
    sheet: t('reports.sheet.outcomes'),
    title: t('reports.outcomes.title'),
    columns: [
      col('outcome', t('reports.col.outcome'), 'text', { width: 40 }),
      ...APPROACHES.map((a) => col(a, t(`reports.approach.${a}`), 'people', { width: 16 })),
      col('total', t('reports.total'), 'people'),
    ],
    rows: [
      ...report.rows.map((r) => ({ outcome: t(`reports.outcome.${r.outcome}`), ...r.byApproach, total: r.total })),
      { outcome: t('reports.total'), ...report.total.byApproach, total: report.total.total },
      { outcome: t('reports.outcomes.moves'), TPS: null, RESIDENTIAL: null, LKS: null, total: report.moves },
    ],
    published: true,
    rowSums: [{ total: 'total', parts: [...APPROACHES] }],
    columnSums: [{ total: report.rows.length, parts: span(0, report.rows.length) }],
  };
}

export function losTable(report: LosReport, t: Translator): ExportTable {
  const rows = [...report.rows, report.total];
  return {
    sheet: t('reports.sheet.los'),
    title: t('reports.los.title'),
    columns: [
      col('group', t('reports.col.approach'), 'text', { width: 30 }),
      col('n', t('reports.col.discharged'), 'people'),
      col('median', t('reports.col.median_days'), 'decimal', { basis: 'n' }),
      col('p25', t('reports.col.p25_days'), 'decimal', { basis: 'n' }),
      col('p75', t('reports.col.p75_days'), 'decimal', { basis: 'n' }),
      col('max', t('reports.col.max_days'), 'decimal', { basis: 'n' }),
      col('open', t('reports.col.still_present'), 'people'),
    ],
    rows: rows.map((r) => ({
      group: r.key === 'total' ? t('reports.total') : t(`reports.approach.${r.key}`),
      n: r.n,
      median: r.median,
      p25: r.p25,
      p75: r.p75,
      max: r.max,
      open: r.open,
    })),
    published: true,
    columnSums: [{ total: report.rows.length, parts: span(0, report.rows.length) }],
  };
}

export function referralTables(report: ReferralsReport, t: Translator): ExportTable[] {
  const rows = [...report.byApproach.map((r) => ({ ...r, label: t(`reports.approach.${r.approach}`) })), { ...report.total, timeToAccept: report.timeToAccept, label: t('reports.total') }];
  return [
    {
      sheet: t('reports.sheet.referrals'),
      title: t('reports.referrals.title'),
      columns: [
        col('to', t('reports.col.to_approach'), 'text', { width: 30 }),
        col('sent', t('reports.col.sent'), 'people'),
        col('people', t('reports.col.people_referred'), 'people'),
        col('accepted', t('reports.col.accepted'), 'people'),
        col('refused', t('reports.col.refused'), 'people'),
        col('arrived', t('reports.col.arrived'), 'people'),
        col('cancelled', t('reports.col.cancelled'), 'people'),
        col('expired', t('reports.col.expired'), 'people'),
        col('open', t('reports.col.open'), 'people'),
        col('accept_median', t('reports.col.accept_median_hours'), 'decimal', { basis: 'accepted' }),
        col('accept_p75', t('reports.col.accept_p75_hours'), 'decimal', { basis: 'accepted' }),
        col('accept_max', t('reports.col.accept_max_hours'), 'decimal', { basis: 'accepted' }),
      ],
      rows: rows.map((r) => ({
        to: r.label,
        sent: r.sent,
        people: r.people,
        accepted: r.accepted,
        refused: r.refused,
        arrived: r.arrived,
        cancelled: r.cancelled,
        expired: r.expired,
        open: r.open,
        accept_median: r.timeToAccept.median,
        accept_p75: r.timeToAccept.p75,
        accept_max: r.timeToAccept.max,
      })),
      published: true,
      columnSums: [{ total: report.byApproach.length, parts: span(0, report.byApproach.length) }],
    },
    {
      sheet: t('reports.sheet.refusals'),
      title: t('reports.referrals.refusals'),
      columns: [col('reason', t('reports.col.reason'), 'text', { width: 60 }), col('count', t('reports.col.count'), 'people')],
      rows: report.refusals.map((r) => ({ reason: r.reason, count: r.count })),
      published: true,
    },
  ];
}

export function handoffTables(report: HandoffsReport, t: Translator): ExportTable[] {
  return [
    {
      sheet: t('reports.sheet.handoffs'),
      title: t('reports.handoffs.title'),
      columns: [
        col('operation', t('reports.col.operation'), 'text', { width: 22 }),
        col('at', t('reports.col.operation_at'), 'datetime'),
        col('place', t('reports.col.place'), 'text', { width: 30 }),
        col('wilayah_code', t('reports.col.wilayah_code'), 'text', { width: 10 }),
        col('wilayah', t('reports.col.wilayah'), 'text', { width: 26 }),
        col('handoffs', t('reports.col.handoffs'), 'int'),
        col('handed', t('reports.col.handed'), 'people'),
        col('received', t('reports.col.received'), 'people'),
        col('not_received', t('reports.col.not_received'), 'people'),
        col('pending', t('reports.col.pending'), 'people'),
      ],
      rows: [
        ...report.operations.map((o) => ({
          operation: o.operationNumber,
          at: o.operationAt,
          place: o.place,
          wilayah_code: o.wilayahCode,
          wilayah: o.wilayahName,
          handoffs: o.handoffs,
          handed: o.handed,
          received: o.received,
          not_received: o.notReceived,
          pending: o.pending,
        })),
        {
          operation: t('reports.total'),
          at: null,
          place: '',
          wilayah_code: '',
          wilayah: '',
          handoffs: report.total.handoffs,
          handed: report.total.handed,
          received: report.total.received,
          not_received: report.total.notReceived,
          pending: report.total.pending,
        },
      ],
      published: true,
      rowSums: [{ total: 'handed', parts: ['received', 'not_received', 'pending'] }],
      columnSums: [{ total: report.operations.length, parts: span(0, report.operations.length) }],
    },
    {
      sheet: t('reports.sheet.not_received'),
      title: t('reports.handoffs.reasons'),
      columns: [col('reason', t('reports.col.reason'), 'text', { width: 60 }), col('count', t('reports.col.count'), 'people')],
      rows: report.notReceivedReasons.map((r) => ({ reason: r.reason, count: r.count })),
      published: true,
    },
  ];
}

export function residentsTable(rows: ResidentRow[], t: Translator, includeNik: boolean): ExportTable {
  return {
    sheet: t('reports.sheet.residents'),
    title: t('reports.residents.title'),
    columns: [
      col('code', t('reports.col.resident_code'), 'text', { width: 14 }),
      col('name', t('reports.col.person_name'), 'text', { width: 30 }),
      col('nik', includeNik ? t('reports.col.nik') : t('reports.col.nik_masked'), 'text', { width: 20 }),
      col('sex', t('reports.col.sex'), 'text', { width: 6 }),
      col('age', t('reports.col.age'), 'int', { width: 7 }),
      col('facility_code', t('reports.col.code'), 'text', { width: 14 }),
      col('facility', t('reports.col.facility'), 'text', { width: 34 }),
      col('approach', t('reports.col.approach'), 'text', { width: 20 }),
      col('unit', t('reports.col.unit'), 'text', { width: 18 }),
      col('bed', t('reports.col.bed'), 'text', { width: 8 }),
      col('since', t('reports.col.since'), 'datetime'),
      col('needs', t('reports.col.needs'), 'text', { width: 44 }),
    ],
    rows: rows.map((r) => ({
      code: r.residentCode,
      name: r.name,
      nik: r.nik,
      sex: r.sex,
      age: r.age,
      facility_code: r.facilityCode,
      facility: r.facilityName,
      approach: t(`reports.approach.${r.approach}`),
      unit: r.unit,
      bed: r.bed,
      since: r.since,
      needs: r.needs
        .map((n) =>
          n === 'pregnant' && r.pregnancyWeeks
            ? `${t('reports.need.pregnant')} (${r.pregnancyWeeks} ${t('reports.weeks')})`
            : n === 'disability' && r.disabilities.length
              ? `${t('reports.need.disability')} (${r.disabilities.map((d) => t(`reports.disability.${d}`)).join(', ')})`
              : t(`reports.need.${n}`),
        )
        .join('; '),
    })),
    // People, not an aggregate: nothing to suppress; who may see it is checked before.
    published: false,
  };
}
