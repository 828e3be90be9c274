import writeXlsxFile, { type Cell as SheetCell, type Row, type Sheet } from 'write-excel-file/node';
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

/** One published cell as the workbook holds it: a real date, a number, or text (never a formula). */
function cell(c: Column, v: Cell): SheetCell {
  if (v === null || v === undefined || v === '') return null;
  const format = numFmt(c);
  if (c.type === 'date' && typeof v === 'string') return { type: Date, value: excelDate(v), format: FORMATS.date };
  if (c.type === 'datetime' && typeof v === 'string') return { type: Date, value: excelDateTime(v), format: FORMATS.datetime };
  if (typeof v === 'number') return format ? { type: Number, value: v, format } : { type: Number, value: v };
  const text = neutraliseFormula(v);
  if (c.type === 'id_number') return { type: String, value: text, format: '@' }; // a NIK stays text, all 16 digits
  // A suppressed "<3" is text in a number column: keep it right-aligned like its neighbours.
  if (c.type !== 'text') return { type: String, value: text, align: 'right' };
  return { type: String, value: text };
}

export interface WorkbookMeta {
  title: string;
  /** Label/value lines for the first sheet (period, scope, made by, suppression note). */
  info: [string, string | Date][];
}

/**
 * The workbook of an export: an Info sheet (title, then label/value lines), then one sheet per table with its
 * header row (and HXL hashtag row) frozen. Written by write-excel-file (one dependency, fflate), not exceljs
 * (about 200 packages): docs/operations.md "Spreadsheet writer".
 */
export async function toXlsx(tables: ExportTable[], meta: WorkbookMeta): Promise<Buffer> {
  const info: Row[] = [[{ type: String, value: neutraliseFormula(meta.title), fontWeight: 'bold', fontSize: 14 }]];
  for (const [label, value] of meta.info) {
    info.push([
      { type: String, value: neutraliseFormula(label), fontWeight: 'bold' },
      value instanceof Date
        ? { type: Date, value, format: FORMATS.datetime, wrap: true, alignVertical: 'top', align: 'left' }
        : { type: String, value: neutraliseFormula(value), wrap: true, alignVertical: 'top', align: 'left' },
    ]);
  }
  const sheets: Sheet<never>[] = [{ sheet: 'Info', data: info, columns: [{ width: 34 }, { width: 70 }] }];

  const used = new Set<string>(['Info']);
  for (const table of tables) {
    let name = table.sheet.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31);
    for (let i = 2; used.has(name); i++) name = `${table.sheet.slice(0, 28)} ${i}`;
    used.add(name);
    const data: Row[] = [table.columns.map((c) => ({ type: String, value: c.header, fontWeight: 'bold', wrap: true, alignVertical: 'top' }))];
    if (table.hxl) data.push(table.columns.map((c) => ({ type: String, value: c.hxl ?? '', fontStyle: 'italic', textColor: '#555555' })));
    for (const row of publishedRows(table)) data.push(table.columns.map((c) => cell(c, row[c.key] ?? null)));
    sheets.push({
      sheet: name,
      data,
      stickyRowsCount: table.hxl ? 2 : 1,
      columns: table.columns.map((c) => ({ width: c.width ?? (c.type === 'id_number' ? 20 : c.type === 'text' ? 28 : c.type === 'datetime' ? 17 : 13) })),
    });
  }
  return await writeXlsxFile(sheets).toBuffer();
}
