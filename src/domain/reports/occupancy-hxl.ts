import type { Db } from '../../db/client.ts';
import type { Translator } from '../../i18n/index.ts';
import { approachOf } from '../board/sampler.ts';
import { addCounts, emptyCounts, loadFacilityOccupancy, type Counts } from '../occupancy/compute.ts';
import { nowIso, wibDate } from '../../lib/time.ts';
import { loadFacilities, type ReportScope } from './scope.ts';
import type { Column, ExportTable } from './table.ts';

/**
 * Occupancy now, one row per facility, with a second header row of HXL
 * hashtags (Humanitarian Exchange Language) so that partners' tools read the
 * columns without a mapping. Protected facilities are not listed by name or
 * place: their places are summed into one row per province with no location.
 * People counts of 1–2 are suppressed like every published export.
 */
export async function occupancyHxlTable(args: { db: Db; scope: ReportScope; t: Translator; now?: string }): Promise<ExportTable> {
  const { db, scope, t } = args;
  const today = wibDate(args.now ?? nowIso());
  const info = new Map((await loadFacilities(db, scope)).map((f) => [f.id, f]));
  const occupancy = (await loadFacilityOccupancy(db)).filter((f) => info.has(f.id));
  const col = (key: string, header: string, type: Column['type'], hxl: string, extra: Partial<Column> = {}): Column => ({ key, header, type, hxl, ...extra });
  const columns: Column[] = [
    col('date', t('reports.col.date'), 'date', '#date+reported'),
    col('adm1_code', t('reports.col.province_code'), 'text', '#adm1+code', { width: 8 }),
    col('adm1_name', t('reports.col.province'), 'text', '#adm1+name', { width: 20 }),
    col('adm2_code', t('reports.col.wilayah_code'), 'text', '#adm2+code', { width: 10 }),
    col('adm2_name', t('reports.col.wilayah'), 'text', '#adm2+name', { width: 26 }),
    col('loc_code', t('reports.col.code'), 'text', '#loc+code', { width: 14 }),
    col('loc_name', t('reports.col.name'), 'text', '#loc+name', { width: 36 }),
    col('kind', t('reports.col.kind'), 'text', '#loc+type+code', { width: 8 }),
    col('approach', t('reports.col.approach'), 'text', '#loc+type+approach', { width: 12 }),
    col('lat', t('reports.col.lat'), 'text', '#geo+lat', { width: 10 }),
    col('lon', t('reports.col.lon'), 'text', '#geo+lon', { width: 10 }),
    col('org', t('reports.col.operator'), 'text', '#org+name', { width: 26 }),
    col('status', t('reports.col.status'), 'text', '#status+code', { width: 10 }),
    col('capacity', t('reports.col.capacity_total'), 'int', '#capacity+num+total'),
    col('blocked', t('reports.col.blocked'), 'int', '#capacity+num+blocked'),
    col('usable', t('reports.col.usable'), 'int', '#capacity+num+usable'),
    col('occupied', t('reports.col.occupied'), 'people', '#affected+num+sheltered'),
    col('held', t('reports.col.held'), 'people', '#inneed+num+referred'),
    col('free', t('reports.col.free'), 'int', '#capacity+num+free'),
    col('load', t('reports.col.load'), 'pct', '#indicator+pct+load', { basis: 'occupied' }),
  ];
  const rows: ExportTable['rows'] = [];
  const hidden = new Map<string, Counts>();
  for (const f of occupancy) {
    const fi = info.get(f.id)!;
    if (fi.protected) {
      addCounts(hidden.get(fi.provinceCode) ?? hidden.set(fi.provinceCode, emptyCounts()).get(fi.provinceCode)!, f);
      continue;
    }
    rows.push({
      date: today,
      adm1_code: fi.provinceCode,
      adm1_name: fi.provinceName,
      adm2_code: fi.wilayahCode,
      adm2_name: fi.wilayahName,
      loc_code: f.code,
      loc_name: f.name,
      kind: f.kind,
      approach: approachOf(f.kind),
      lat: fi.lat === null ? null : String(fi.lat),
      lon: fi.lng === null ? null : String(fi.lng),
      org: fi.operator,
      status: f.status,
      capacity: f.capacity,
      blocked: f.blocked,
      usable: f.usable,
      occupied: f.occupied,
      held: f.held,
      free: f.free,
      load: f.usable > 0 ? (f.occupied + f.held) / f.usable : null,
    });
  }
  for (const [province, c] of hidden) {
    const name = [...info.values()].find((f) => f.provinceCode === province)?.provinceName ?? province;
    rows.push({
      date: today,
      adm1_code: province,
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
      capacity: c.capacity,
      blocked: c.blocked,
      usable: c.usable,
      occupied: c.occupied,
      held: c.held,
      free: c.free,
      load: c.usable > 0 ? (c.occupied + c.held) / c.usable : null,
    });
  }
  return { sheet: t('reports.sheet.occupancy'), title: t('reports.occupancy.title'), columns, rows, published: true, hxl: true };
}
