import type ExcelJS from 'exceljs';
import { ZONE_OFFSET_MINUTES, zoneOfOffset } from '../../../lib/time.ts';
import { neutraliseFormula, publishedRows, type Cell, type Column, type ExportTable } from '../table.ts';

/**
 * Number formats as stored in the workbook. OOXML keeps format codes in one
 * invariant notation (comma = thousands, dot = decimals) and Excel shows them
 * with the reader's own separators: on an Indonesian Excel "#,##0" shows
 * 5.836 and is listed as #.##0, "0.0%" shows 85,3%. Writing "#.##0" into the
 * file would mean three decimals, so these are the codes Indonesian readers see as #.##0 and 0,0%.
 */
export const FORMATS = {
  int: '#,##0',
  decimal: '#,##0.0',
  pct: '0.0%',
  date: 'dd/mm/yyyy',
  datetime: 'dd/mm/yyyy hh:mm',
} as const;

/** A WIB calendar day as a real Excel date (serials carry no time zone: the day is written as is). */
export function excelDate(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

/** An instant as the wall-clock time Excel should show: in the zone its offset names (+08:00: WITA), else WIB. */
export function excelDateTime(iso: string): Date {
  return new Date(Date.parse(iso) + ZONE_OFFSET_MINUTES[zoneOfOffset(iso) ?? 'WIB'] * 60_000);
}

function cellValue(c: Column, v: Cell): ExcelJS.CellValue {
  if (v === null || v === undefined || v === '') return null;
  if (c.type === 'date' && typeof v === 'string') return excelDate(v);
  if (c.type === 'datetime' && typeof v === 'string') return excelDateTime(v);
  return typeof v === 'string' ? neutraliseFormula(v) : v;
}

function numFmt(c: Column): string | undefined {
  switch (c.type) {
    case 'id_number':
      return '@'; // a string cell formatted as text: retyping it keeps it text too
    case 'int':
    case 'people':
      return FORMATS.int;
    case 'decimal':
      return FORMATS.decimal;
    case 'pct':
      return FORMATS.pct;
    case 'date':
      return FORMATS.date;
    case 'datetime':
      return FORMATS.datetime;
    default:
      return undefined;
  }
}

export interface WorkbookMeta {
  title: string;
  /** Label/value lines for the first sheet (period, scope, made by, suppression note). */
  info: [string, string | Date][];
}

export async function toXlsx(tables: ExportTable[], meta: WorkbookMeta): Promise<Buffer> {
  // Loaded on first use: exceljs costs about half a second at start-up, and most requests never write a workbook.
  const { default: Excel } = await import('exceljs');
  const wb = new Excel.Workbook();
  wb.creator = 'Singgah';
  wb.title = meta.title;
  wb.created = new Date();
  const info = wb.addWorksheet('Info');
  info.columns = [{ width: 34 }, { width: 70 }];
  info.addRow([meta.title]).font = { bold: true, size: 14 };
  for (const [label, value] of meta.info) {
    const row = info.addRow([label, typeof value === 'string' ? neutraliseFormula(value) : value]);
    row.getCell(1).font = { bold: true };
    if (value instanceof Date) row.getCell(2).numFmt = FORMATS.datetime;
    row.getCell(2).alignment = { wrapText: true, vertical: 'top', horizontal: 'left' };
  }

  const used = new Set<string>(['Info']);
  for (const table of tables) {
    let name = table.sheet.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31);
    for (let i = 2; used.has(name); i++) name = `${table.sheet.slice(0, 28)} ${i}`;
    used.add(name);
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: table.hxl ? 2 : 1 }] });
    ws.columns = table.columns.map((c) => ({
      key: c.key,
      width: c.width ?? (c.type === 'id_number' ? 20 : c.type === 'text' ? 28 : c.type === 'datetime' ? 17 : 13),
      style: numFmt(c) ? { numFmt: numFmt(c)! } : {},
    }));
    const head = ws.addRow(table.columns.map((c) => c.header));
    head.font = { bold: true };
    head.alignment = { wrapText: true, vertical: 'top' };
    if (table.hxl) ws.addRow(table.columns.map((c) => c.hxl ?? '')).font = { italic: true, color: { argb: 'FF555555' } };
    for (const row of publishedRows(table)) {
      const r = ws.addRow(table.columns.map((c) => cellValue(c, row[c.key] ?? null)));
      table.columns.forEach((c, i) => {
        const cell = r.getCell(i + 1);
        const f = numFmt(c);
        if (f) cell.numFmt = f;
        // A suppressed "<3" is text in a number column: keep it right-aligned like its neighbours.
        if (typeof cell.value === 'string' && c.type !== 'text' && c.type !== 'id_number') cell.alignment = { horizontal: 'right' };
      });
    }
  }
  const out = await wb.xlsx.writeBuffer();
  return Buffer.from(out as ArrayBuffer);
}
