import { SUPPRESSED, suppressCells, type Relation } from './suppress.ts';

/**
 * One table of a report as both exports write it: the CSV and the workbook
 * sheet come from the same columns and rows, so they cannot disagree.
 * Values are raw (numbers, ISO dates); each writer formats by column type.
 */
export type ColumnType =
  /** Free text. */
  | 'text'
  /**
   * A NIK or KK number: digits that are an identifier, not a quantity. Text in
   * both writers, so a spreadsheet never shows 3.17106E+15 nor drops the 16th digit.
   */
  | 'id_number'
  /** A WIB calendar day, YYYY-MM-DD. */
  | 'date'
  /** An instant: UTC ISO (shown in WIB) or ISO with a zone's offset (shown in that zone). */
  | 'datetime'
  /** A whole number that is not a count of people (places, operations). */
  | 'int'
  /** Any number written as it is (a coordinate). */
  | 'number'
  /** A count of people: suppressed when 1–2 in a published export. */
  | 'people'
  /** A ratio (0.853 = 85.3 %). */
  | 'pct'
  /** A number of days or hours, one decimal. */
  | 'decimal';

export type Cell = string | number | null;

/**
 * A text cell a spreadsheet would run as a formula (it starts with =, +, -,
 * @, a tab or a carriage return: OWASP "CSV injection") gets a leading
 * apostrophe, so Excel and LibreOffice show it as the text it is. A name or a
 * note typed at a desk can never become a formula in the command centre's
 * spreadsheet. Used by both writers, CSV and workbook.
 */
export function neutraliseFormula(v: string): string {
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

export interface Column {
  key: string;
  header: string;
  type: ColumnType;
  /** The HXL hashtag of the column, for exports that carry a hashtag row. */
  hxl?: string;
  /** A count of people this figure is computed from: suppressed with it. */
  basis?: string;
  width?: number;
}

export interface ExportTable {
  /** Sheet name (≤ 31 characters) and the file name's stem. */
  sheet: string;
  title: string;
  columns: Column[];
  rows: Record<string, Cell>[];
  /** Aggregate tables are published with small cells suppressed; person-level lists are not aggregates. */
  published: boolean;
  /** Carries a second header row of HXL hashtags. */
  hxl?: boolean;
  /** Small cells are already left blank by the table itself (HXL: never text in a numeric column), not marked "<3". */
  suppressed?: boolean;
  /** Columns of one row that add up (total = sum of parts), in every row. */
  rowSums?: Relation[];
  /** Rows that add up (row `total` = sum of rows `parts`, by index), in every column of people. */
  columnSums?: { total: number; parts: number[] }[];
}

/**
 * The rows as a published export shows them: every count of 1–2 people is
 * "<3", and so is every cell that would give one back from the table's own
 * sums (complementary suppression, by `suppressCells`, the one function the
 * HXL file uses too): a row's total and its parts, a total row and the rows it
 * adds up. A figure computed from a hidden count is hidden with it.
 */
export function publishedRows(table: ExportTable): Record<string, Cell>[] {
  if (!table.published || table.suppressed) return table.rows;
  const id = (row: number, key: string) => `${row}\u0000${key}`;
  const grid: Record<string, Cell> = {};
  const people: string[] = [];
  const relations: Relation[] = [];
  const derived: { key: string; from: string[] }[] = [];
  const peopleColumns = table.columns.filter((c) => c.type === 'people').map((c) => c.key);
  table.rows.forEach((row, i) => {
    for (const c of table.columns) {
      const v = row[c.key];
      grid[id(i, c.key)] = v ?? null;
      if (c.type === 'people') people.push(id(i, c.key));
      if (c.basis !== undefined && v !== null && v !== undefined) derived.push({ key: id(i, c.key), from: [id(i, c.basis)] });
    }
    for (const r of table.rowSums ?? []) relations.push({ total: id(i, r.total), parts: r.parts.map((k) => id(i, k)) });
  });
  for (const s of table.columnSums ?? []) {
    for (const k of peopleColumns) relations.push({ total: id(s.total, k), parts: s.parts.map((p) => id(p, k)) });
  }
  const blank = suppressCells(grid, { people, relations, derived });
  return table.rows.map((row, i) => {
    const out: Record<string, Cell> = { ...row };
    for (const c of table.columns) if (blank.has(id(i, c.key))) out[c.key] = SUPPRESSED;
    return out;
  });
}
