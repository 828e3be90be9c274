/**
 * Weeks of pregnancy move on with the calendar (DOMAIN.md "Births"): the weeks
 * typed at intake give an estimated due date (40 weeks), and the record shows
 * the weeks as of the day it is read. Pure: dates are YYYY-MM-DD.
 */
export const FULL_TERM_WEEKS = 40;
const DAY_MS = 86_400_000;

const dayNumber = (d: string) => Date.parse(`${d}T00:00:00Z`) / DAY_MS;
const fromDayNumber = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);

/** The estimated due date of a pregnancy of `weeks` weeks on `today`. */
export function dueDateFrom(weeks: number, today: string): string {
  return fromDayNumber(dayNumber(today) + (FULL_TERM_WEEKS - weeks) * 7);
}

/** Whole weeks of pregnancy on `today` for this due date (never below 0). */
export function weeksOn(dueDate: string, today: string): number {
  const daysLeft = dayNumber(dueDate) - dayNumber(today);
  return Math.max(0, Math.floor((FULL_TERM_WEEKS * 7 - daysLeft) / 7));
}

/** The weeks to show: from the due date when there is one, else as typed (records made before due dates were kept). */
export function pregnancyWeeksOn(p: { pregnant: boolean; pregnancyWeeks: number | null; pregnancyDueDate: string | null }, today: string): number | null {
  if (!p.pregnant) return null;
  return p.pregnancyDueDate ? weeksOn(p.pregnancyDueDate, today) : p.pregnancyWeeks;
}
