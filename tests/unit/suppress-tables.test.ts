import { describe, it, expect } from 'vitest';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { translator } from '../../src/i18n/index.ts';
import { publishedRows, type Cell, type ExportTable } from '../../src/domain/reports/table.ts';
import { SUPPRESSED } from '../../src/domain/reports/suppress.ts';
import { outcomesTable } from '../../src/domain/reports/tables.ts';
import type { OutcomesReport } from '../../src/domain/reports/outcomes.ts';
import { toCsv } from '../../src/domain/reports/export/csv.ts';
import { toXlsx } from '../../src/domain/reports/export/xlsx.ts';
import { makeRange } from '../../src/domain/reports/range.ts';

const t = translator('id');

/**
 * Issue 28, item 6: complementary suppression in every published table. No
 * hidden cell may be worked out again from what is published: for every sum a
 * table declares, a sum with hidden members has at least two of them.
 */
function recoverable(table: ExportTable, rows: Record<string, Cell>[]): string[] {
  const found: string[] = [];
  const people = table.columns.filter((c) => c.type === 'people').map((c) => c.key);
  const check = (label: string, cells: Cell[]) => {
    const numbers = cells.filter((c) => c !== null);
    if (numbers.length > 1 && numbers.filter((c) => c === SUPPRESSED).length === 1) found.push(label);
  };
  rows.forEach((row, i) => {
    for (const r of table.rowSums ?? []) check(`row ${i} ${r.total}`, [row[r.total] ?? null, ...r.parts.map((k) => row[k] ?? null)]);
  });
  for (const s of table.columnSums ?? []) for (const k of people) check(`column ${k} row ${s.total}`, [rows[s.total]![k] ?? null, ...s.parts.map((p) => rows[p]![k] ?? null)]);
  return found;
}

function outcomes(): OutcomesReport {
  const row = (outcome: string, TPS: number, RESIDENTIAL: number, LKS: number) => ({ outcome, byApproach: { TPS, RESIDENTIAL, LKS }, total: TPS + RESIDENTIAL + LKS });
  const rows = [row('family', 9, 2, 3), row('home', 5, 4, 6), row('died', 0, 0, 0)];
  const sum = (k: 'TPS' | 'RESIDENTIAL' | 'LKS') => rows.reduce((n, r) => n + r.byApproach[k], 0);
  return {
    range: makeRange('2026-03-01', '2026-03-05'),
    rows,
    total: { byApproach: { TPS: sum('TPS'), RESIDENTIAL: sum('RESIDENTIAL'), LKS: sum('LKS') }, total: rows.reduce((n, r) => n + r.total, 0) },
    moves: 1,
  } as unknown as OutcomesReport;
}

describe('complementary suppression in published tables (one function: suppressCells)', () => {
  it('"Kembali ke keluarga, 9, 2, 3, 14": the 2 cannot be had back from the row total or the column total', () => {
    const table = outcomesTable(outcomes(), t);
    const rows = publishedRows(table);
    expect(rows[0]).toMatchObject({ TPS: 9, RESIDENTIAL: SUPPRESSED });
    // The row: one more of its cells is hidden, so 14 − 9 − x leaves two unknowns.
    expect([rows[0]!.LKS, rows[0]!.total].filter((c) => c === SUPPRESSED).length).toBeGreaterThan(0);
    expect(recoverable(table, rows)).toEqual([]);
    // Before: only the small cell itself was hidden, and the row gave it back.
    const naive: Record<string, Cell>[] = table.rows.map((r) => ({ ...r, RESIDENTIAL: r.RESIDENTIAL === 2 ? SUPPRESSED : (r.RESIDENTIAL ?? null) }));
    expect(recoverable(table, naive)).not.toEqual([]);
    // Cells no sum needs stay published (TPS has no small cell; 0 is kept where it can be).
    expect(rows.map((r) => r.TPS)).toEqual([9, 5, 0, 14, null]);
  });

  it('hides the same cells in the CSV and the workbook', async () => {
    const table = outcomesTable(outcomes(), t);
    const expected = publishedRows(table).map((r) => table.columns.slice(1).map((c) => (r[c.key] === null ? '' : String(r[c.key]))));
    const csv = parse(toCsv(table), { bom: true }) as string[][];
    expect(csv.slice(1).map((r) => r.slice(1))).toEqual(expected);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await toXlsx([table], { title: 'x', info: [] })) as unknown as ArrayBuffer);
    const ws = wb.worksheets.find((w) => w.name === table.sheet)!;
    const sheet: string[][] = [];
    ws.eachRow((row) => sheet.push(Array.from(row.values as unknown[]).slice(2).map((v) => (v === null || v === undefined ? '' : String(v)))));
    expect(sheet.slice(-expected.length)).toEqual(expected);
  });

  it('keeps going until no sum has a single hidden member (rows and columns together)', () => {
    const table: ExportTable = {
      sheet: 's',
      title: 's',
      published: true,
      columns: [
        { key: 'name', header: 'n', type: 'text' },
        { key: 'a', header: 'a', type: 'people' },
        { key: 'b', header: 'b', type: 'people' },
        { key: 'total', header: 't', type: 'people' },
      ],
      rows: [
        { name: 'x', a: 1, b: 10, total: 11 },
        { name: 'y', a: 7, b: 8, total: 15 },
        { name: 'z', a: 20, b: 30, total: 50 },
        { name: 'sum', a: 28, b: 48, total: 76 },
      ],
      rowSums: [{ total: 'total', parts: ['a', 'b'] }],
      columnSums: [{ total: 3, parts: [0, 1, 2] }],
    };
    const rows = publishedRows(table);
    expect(rows[0]!.a).toBe(SUPPRESSED);
    expect(recoverable(table, rows)).toEqual([]);
  });
});
