import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { Translator } from '../../i18n/index.ts';
import { approachOf } from '../board/sampler.ts';
import { addCounts, emptyCounts, loadFacilityOccupancy, type Counts } from '../occupancy/compute.ts';
import { ageOn } from '../persons/age.ts';
import { localDate, nowIso, wibDate, zoneOf } from '../../lib/time.ts';
import { kabkotaPcode, provincePcode } from './pcodes.ts';
import { loadFacilities, type ReportScope } from './scope.ts';
import { suppressCells, type Relation } from './suppress.ts';
import type { Cell, Column, ExportTable } from './table.ts';

/** People present by sex and age group, per facility. */
interface Breakdown {
  f: number;
  m: number;
  children: number;
  elderly: number;
}

const emptyBreakdown = (): Breakdown => ({ f: 0, m: 0, children: 0, elderly: 0 });

/** The people present now (open stays), by facility: sex from the record, age on `today` (under 18: children; 60 and over: elderly). */
async function loadBreakdown(db: Db, today: string): Promise<Map<string, Breakdown>> {
  const rows = await db.all<{ facility_id: string; sex: string; birth_date: string | null; estimated_age: number | null; estimated_at: string | null }>(sql`
    select s.facility_id, p.sex, p.birth_date, p.estimated_age, p.estimated_at
    from stays s join persons p on p.id = s.person_id
    where s.checked_out_at is null`);
  const out = new Map<string, Breakdown>();
  for (const r of rows) {
    const b = out.get(r.facility_id) ?? out.set(r.facility_id, emptyBreakdown()).get(r.facility_id)!;
    if (r.sex === 'P') b.f += 1;
    else b.m += 1;
    const age = ageOn({ birthDate: r.birth_date, estimatedAge: r.estimated_age, estimatedAt: r.estimated_at }, today);
    if (age !== null && age < 18) b.children += 1;
    if (age !== null && age >= 60) b.elderly += 1;
  }
  return out;
}

/** The cells of a row whose value is a count of people: 1–2 of them are never published. */
const PEOPLE = ['occupied', 'occupied_f', 'occupied_m', 'occupied_children', 'occupied_elderly'];
/**
 * What a reader could add or subtract to recover a blank cell: the sexes sum
 * to the people present, and the usable places are those present, those held
 * for referrals and those free. `load` is computed from occupied and held.
 */
const RELATIONS: Relation[] = [
  { total: 'occupied', parts: ['occupied_f', 'occupied_m'] },
  { total: 'usable', parts: ['occupied', 'held', 'free'] },
];
const DERIVED = [{ key: 'load', from: ['occupied', 'held', 'usable'] }];

/**
 * Occupancy now, one row per facility, with a second header row of HXL
 * hashtags (Humanitarian Exchange Language) so that partners' tools read the
 * columns without a mapping. Admin codes are COD-AB P-codes (`ID31`,
 * `ID3171`; see pcodes.ts), and every numeric column holds only numbers.
 *
 * Protected facilities are not listed by name or place: their places are
 * summed into one row per province with no location. A count of 1–2 people
 * is left blank, and so is every cell from which it could be worked out by
 * adding or subtracting the row's other published cells (suppress.ts); the
 * row's `#meta+note` says so.
 */
export async function occupancyHxlTable(args: { db: Db; scope: ReportScope; t: Translator; now?: string }): Promise<ExportTable> {
  const { db, scope, t } = args;
  const now = args.now ?? nowIso();
  // Ages are counted on the national (WIB) day; each row's date is its facility's own day (DOMAIN.md "Time").
  const today = wibDate(now);
  const info = new Map((await loadFacilities(db, scope)).map((f) => [f.id, f]));
  const occupancy = (await loadFacilityOccupancy(db)).filter((f) => info.has(f.id));
  const breakdown = await loadBreakdown(db, today);
  const col = (key: string, header: string, type: Column['type'], hxl: string, extra: Partial<Column> = {}): Column => ({ key, header, type, hxl, ...extra });
  const columns: Column[] = [
    col('date', t('reports.col.date'), 'date', '#date+reported'),
    col('adm1_code', t('reports.col.province_pcode'), 'text', '#adm1+code', { width: 8 }),
    col('adm1_name', t('reports.col.province'), 'text', '#adm1+name', { width: 20 }),
    col('adm2_code', t('reports.col.wilayah_pcode'), 'text', '#adm2+code', { width: 10 }),
    col('adm2_name', t('reports.col.wilayah'), 'text', '#adm2+name', { width: 26 }),
    col('loc_code', t('reports.col.code'), 'text', '#loc+code', { width: 14 }),
    col('loc_name', t('reports.col.name'), 'text', '#loc+name', { width: 36 }),
    col('kind', t('reports.col.kind'), 'text', '#loc+type+code', { width: 8 }),
    col('approach', t('reports.col.approach'), 'text', '#loc+type+approach', { width: 12 }),
    col('lat', t('reports.col.lat'), 'number', '#geo+lat', { width: 10 }),
    col('lon', t('reports.col.lon'), 'number', '#geo+lon', { width: 10 }),
    col('org', t('reports.col.operator'), 'text', '#org+name', { width: 26 }),
    col('status', t('reports.col.status'), 'text', '#status+code', { width: 10 }),
    col('capacity', t('reports.col.capacity_total'), 'int', '#capacity+num+total'),
    col('blocked', t('reports.col.blocked'), 'int', '#capacity+num+blocked'),
    col('usable', t('reports.col.usable'), 'int', '#capacity+num+usable'),
    col('occupied', t('reports.col.occupied'), 'int', '#affected+ind'),
    col('occupied_f', t('reports.col.occupied_f'), 'int', '#affected+ind+f'),
    col('occupied_m', t('reports.col.occupied_m'), 'int', '#affected+ind+m'),
    col('occupied_children', t('reports.col.occupied_children'), 'int', '#affected+ind+children'),
    col('occupied_elderly', t('reports.col.occupied_elderly'), 'int', '#affected+ind+elderly'),
    col('held', t('reports.col.held'), 'int', '#capacity+num+held'),
    col('free', t('reports.col.free'), 'int', '#capacity+num+free'),
    col('load', t('reports.col.load'), 'pct', '#indicator+pct+load'),
    col('note', t('reports.col.note'), 'text', '#meta+note', { width: 40 }),
  ];
  const figures = (c: Counts, b: Breakdown): Record<string, Cell> => ({
    capacity: c.capacity,
    blocked: c.blocked,
    usable: c.usable,
    occupied: c.occupied,
    occupied_f: b.f,
    occupied_m: b.m,
    occupied_children: b.children,
    occupied_elderly: b.elderly,
    held: c.held,
    free: c.free,
    load: c.usable > 0 ? (c.occupied + c.held) / c.usable : null,
  });
  const rows: ExportTable['rows'] = [];
  const hidden = new Map<string, { counts: Counts; people: Breakdown }>();
  for (const f of occupancy) {
    const fi = info.get(f.id)!;
    const b = breakdown.get(f.id) ?? emptyBreakdown();
    if (fi.protected) {
      const h = hidden.get(fi.provinceCode) ?? hidden.set(fi.provinceCode, { counts: emptyCounts(), people: emptyBreakdown() }).get(fi.provinceCode)!;
      addCounts(h.counts, f);
      h.people.f += b.f;
      h.people.m += b.m;
      h.people.children += b.children;
      h.people.elderly += b.elderly;
      continue;
    }
    rows.push({
      date: localDate(now, zoneOf(fi.wilayahCode)),
      adm1_code: provincePcode(fi.provinceCode),
      adm1_name: fi.provinceName,
      adm2_code: kabkotaPcode(fi.wilayahCode),
      adm2_name: fi.wilayahName,
      loc_code: f.code,
      loc_name: f.name,
      kind: f.kind,
      approach: approachOf(f.kind),
      lat: fi.lat,
      lon: fi.lng,
      org: fi.operator,
      status: f.status,
      ...figures(f, b),
      note: null,
    });
  }
  for (const [province, h] of hidden) {
    const name = [...info.values()].find((f) => f.provinceCode === province)?.provinceName ?? province;
    rows.push({
      date: localDate(now, zoneOf(province)),
      adm1_code: provincePcode(province),
      adm1_name: name,
      adm2_code: null,
      adm2_name: null,
      loc_code: null,
      loc_name: t('reports.protected_facilities'),
      kind: null,
      approach: null,
      lat: null,
      lon: null,
      org: null,
      status: null,
      ...figures(h.counts, h.people),
      note: null,
    });
  }
  for (const row of rows) {
    const blank = suppressCells(row, { people: PEOPLE, relations: RELATIONS, derived: DERIVED });
    for (const key of blank) row[key] = null;
    if (blank.size > 0) row.note = t('reports.hxl_suppressed_note');
  }
  // Suppression is done here (blank cells and a note), not by the "<3" marking of other exports.
  return { sheet: t('reports.sheet.occupancy'), title: t('reports.occupancy.title'), columns, rows, published: true, suppressed: true, hxl: true };
}
