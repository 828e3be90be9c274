import { SUPPRESSED, wouldSuppress } from './suppress.ts';

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
}

/** The rows as a published export shows them: people counts of 1–2, and what is computed from them, become "<3". */
export function publishedRows(table: ExportTable): Record<string, Cell>[] {
  if (!table.published || table.suppressed) return table.rows;
  return table.rows.map((row) => {
    const out: Record<string, Cell> = { ...row };
    for (const c of table.columns) {
      const v = row[c.key];
      if (c.type === 'people' && typeof v === 'number' && wouldSuppress(v)) out[c.key] = SUPPRESSED;
      if (c.basis !== undefined) {
        const b = row[c.basis];
        if (typeof b === 'number' && wouldSuppress(b) && v !== null && v !== undefined) out[c.key] = SUPPRESSED;
      }
    }
    return out;
  });
}
