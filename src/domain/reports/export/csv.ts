import { stringify } from 'csv-stringify/sync';
import { toLocalIso, zoneOfOffset } from '../../../lib/time.ts';
import { neutraliseFormula, publishedRows, type Cell, type Column, type ExportTable } from '../table.ts';

/**
 * CSV for machines and for Excel alike: comma-separated, UTF-8 (with a byte
 * order mark, so Excel reads the Indonesian names right, except for HXL files,
 * which partners' tools read), ISO dates, a dot for decimals, percentages as
 * numbers 0–100. One header row of readable names; an HXL table adds its
 * hashtag row under it.
 */
export function csvValue(c: Column, v: Cell): string | number {
  // A NIK or KK as ="3171…": Excel (and LibreOffice, Google Sheets) then keeps all 16 digits as
  // text and shows no mark. A leading apostrophe stays visible when a CSV is opened, and a
  // leading tab is itself a formula trigger. Only pure digits take this form: no formula can hide in it.
  if (c.type === 'id_number' && typeof v === 'string' && /^\d+$/.test(v)) return `="${v}"`;
  const out = rawCsvValue(c, v);
  return typeof out === 'string' ? neutraliseFormula(out) : out;
}

function rawCsvValue(c: Column, v: Cell): string | number {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string' && c.type !== 'text' && c.type !== 'id_number' && c.type !== 'date' && c.type !== 'datetime') return v; // "<3"
  switch (c.type) {
    case 'datetime':
      // An instant already in its facility's zone (+08:00) keeps it; a UTC one is WIB.
      return typeof v === 'string' ? (toLocalIso(v, zoneOfOffset(v) ?? 'WIB') ?? '') : v;
    case 'pct':
      return typeof v === 'number' ? Math.round(v * 1000) / 10 : v;
    case 'decimal':
      return typeof v === 'number' ? Math.round(v * 10) / 10 : v;
    default:
      return v;
  }
}

export function toCsv(table: ExportTable): string {
  const records: (string | number)[][] = [table.columns.map((c) => neutraliseFormula(c.header))];
  if (table.hxl) records.push(table.columns.map((c) => neutraliseFormula(c.hxl ?? '')));
  for (const row of publishedRows(table)) records.push(table.columns.map((c) => csvValue(c, row[c.key] ?? null)));
  const body = stringify(records, { record_delimiter: '\r\n' });
  return table.hxl ? body : '\uFEFF' + body;
}
