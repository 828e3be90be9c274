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

/** Cells of one row that add up: `total` is the sum of `parts`. */
export interface Relation {
  total: string;
  parts: string[];
}

/**
 * The cells of one published row to leave blank: every count of 1–2 people
 * (primary), then, so that no blank can be worked out again by adding or
 * subtracting the row's published cells, one more member of every relation
 * that has exactly one blank (secondary: the smallest other part other than
 * 0, else a 0, else the total), repeated until no relation has a single blank; and every derived
 * figure computed from a blank cell. Both kinds of blank look the same.
 */
export function suppressCells(
  row: Record<string, string | number | null>,
  rules: { people: string[]; relations: Relation[]; derived?: { key: string; from: string[] }[] },
): Set<string> {
  const blank = new Set<string>();
  for (const key of rules.people) {
    const v = row[key];
    if (typeof v === 'number' && wouldSuppress(v)) blank.add(key);
  }
  for (let changed = blank.size > 0; changed; ) {
    changed = false;
    for (const r of rules.relations) {
      const members = [r.total, ...r.parts].filter((k) => typeof row[k] === 'number');
      const hidden = members.filter((k) => blank.has(k));
      if (hidden.length !== 1) continue;
      const candidates = r.parts.filter((k) => typeof row[k] === 'number' && !blank.has(k));
      // The smallest other part; a 0 last: it is published as 0 where it can be, and hiding a 0 hides little.
      const weight = (k: string) => ((row[k] as number) === 0 ? Number.POSITIVE_INFINITY : (row[k] as number));
      candidates.sort((a, b) => weight(a) - weight(b));
      const next = candidates[0] ?? (blank.has(r.total) ? undefined : r.total);
      if (next === undefined) continue;
      blank.add(next);
      changed = true;
    }
  }
  for (const d of rules.derived ?? []) if (d.from.some((k) => blank.has(k))) blank.add(d.key);
  return blank;
}
