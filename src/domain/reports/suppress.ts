/**
 * Small-cell suppression for published exports: no cell may show a group of
 * fewer than 3 people. A count of people of 1 or 2 is written "<3"; 0 stays
 * 0 (nobody is not a person to protect). A figure computed from such a group
 * (a utilisation, a median length of stay) is suppressed with it. On screen,
 * admin and command see exact numbers with the cells an export would hide
 * marked.
 */
export const SUPPRESS_BELOW = 3;
export const SUPPRESSED = '<3';

export function wouldSuppress(n: number | null | undefined): boolean {
  return typeof n === 'number' && n > 0 && n < SUPPRESS_BELOW;
}

export function publishedCount(n: number): number | typeof SUPPRESSED {
  return wouldSuppress(n) ? SUPPRESSED : n;
}
