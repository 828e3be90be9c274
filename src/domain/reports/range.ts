import { z } from 'zod';
import { parseInput } from '../validate.ts';
import { DomainError } from '../errors.ts';
import { type Zone } from '../../lib/time.ts';
import { dayStart, NATIONAL_ZONE, nationalToday } from '../time-zone.ts';
import type { Lang } from '../../i18n/index.ts';

/**
 * A report covers whole calendar days, `from` to `to` inclusive. `startIso`
 * and `endIso` are the national view's instants (WIB, domain/time-zone.ts); a facility's day is its
 * own local day (WITA, WIT: `dayIndex(range, iso, zone)`), so a check-in at
 * 23:30 WITA in Bali counts on that Bali day. No zone keeps daylight saving
 * time, so every day is exactly 24 hours and an instant's day is arithmetic.
 */
export const DAY_MS = 24 * 3600_000;
/** Two years of days: an operation's end-of-operation report fits with room to spare. */
export const MAX_DAYS = 731;

export interface ReportRange {
  /** YYYY-MM-DD, WIB. */
  from: string;
  to: string;
  /** Every WIB day of the range, in order. */
  days: string[];
  /** The first instant of `from` (00:00 WIB) as UTC ISO. */
  startIso: string;
  /** The first instant after `to` (00:00 WIB the next day) as UTC ISO: ranges are half-open. */
  endIso: string;
}

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'reports.bad_date')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'reports.bad_date');
const optionalDate = z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v), isoDate.optional());

/** The start of a national (WIB) day as a UTC instant. */
export function dayStartIso(date: string): string {
  return dayStart(date, NATIONAL_ZONE);
}

export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

export function makeRange(from: string, to: string): ReportRange {
  const n = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
  const days = Array.from({ length: n }, (_, i) => addDays(from, i));
  return { from, to, days, startIso: dayStartIso(from), endIso: dayStartIso(addDays(to, 1)) };
}

/** The first instant of the range in a zone (00:00 local of `from`), UTC ISO. */
export function rangeStartIn(range: ReportRange, zone: Zone = NATIONAL_ZONE): string {
  return dayStart(range.from, zone);
}

/** The first instant after the range in a zone (00:00 local the day after `to`), UTC ISO. */
export function rangeEndIn(range: ReportRange, zone: Zone = NATIONAL_ZONE): string {
  return dayStart(addDays(range.to, 1), zone);
}

/**
 * The earliest instant any zone's range starts (00:00 WIT of `from`, two hours
 * before WIB): what a query loads from, before each fact is placed on its own
 * facility's local day.
 */
export function rangeLoadStart(range: ReportRange): string {
  return rangeStartIn(range, 'WIT');
}

/** Which local day (in the facility's zone; WIB by default) of the range an instant falls on: 0 … days-1, negative before, ≥ days after. */
export function dayIndex(range: ReportRange, iso: string, zone: Zone = NATIONAL_ZONE): number {
  return Math.floor((Date.parse(iso) - Date.parse(rangeStartIn(range, zone))) / DAY_MS);
}

/** The end of local day i (the instant a stay must still be open at to count present that day). */
export function dayEndIso(range: ReportRange, i: number, zone: Zone = NATIONAL_ZONE): string {
  return new Date(Date.parse(rangeStartIn(range, zone)) + (i + 1) * DAY_MS).toISOString();
}

export const RangeInput = z
  .object({ from: optionalDate, to: optionalDate })
  .superRefine((v, ctx) => {
    if (v.from && v.to && v.from > v.to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'reports.range_order' });
  });
export type RangeInput = z.infer<typeof RangeInput>;

/** From query fields: `to` defaults to the national view's today (WIB), `from` to six days before `to` (a week). */
export function parseRange(input: unknown, lang: Lang = 'id', today = nationalToday()): ReportRange {
  const v = parseInput(RangeInput, input ?? {}, lang);
  const to = v.to ?? (v.from && v.from > today ? v.from : today);
  const from = v.from ?? (addDays(to, -6));
  if (from > to) throw new DomainError('VALIDATION', 'error.validation', undefined, [{ path: 'from', message: 'reports.range_order' }]);
  const range = makeRange(from, to);
  if (range.days.length > MAX_DAYS) {
    throw new DomainError('VALIDATION', 'error.validation', undefined, [{ path: 'from', message: 'reports.range_too_long', params: { max: MAX_DAYS } }]);
  }
  return range;
}
