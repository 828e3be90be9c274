/**
 * Age-based needs (DOMAIN.md): under 6 (anak usia dini), under 18 (anak) and
 * 60+ (lansia) follow from the birth date or the estimated age; they are
 * computed, never asked. Pure functions over ISO dates (YYYY-MM-DD).
 */

export const AGE_NEEDS = ['early_childhood', 'child', 'elderly'] as const;
export type AgeNeed = (typeof AGE_NEEDS)[number];

export interface AgeFacts {
  birthDate?: string | null;
  /** An estimate in whole years, made on estimatedAt. */
  estimatedAge?: number | null;
  estimatedAt?: string | null;
}

function parts(iso: string): [number, number, number] | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/** Whole years from one date to another (a birthday counts on its day). */
export function yearsBetween(fromIso: string, toIso: string): number | null {
  const a = parts(fromIso);
  const b = parts(toIso);
  if (!a || !b) return null;
  let years = b[0] - a[0];
  if (b[1] < a[1] || (b[1] === a[1] && b[2] < a[2])) years -= 1;
  return years;
}

/** Age in whole years on `today`, from the birth date, else from the estimate (which ages too); null when unknown. */
export function ageOn(facts: AgeFacts, today: string): number | null {
  if (facts.birthDate) {
    const y = yearsBetween(facts.birthDate, today);
    return y === null ? null : Math.max(0, y);
  }
  if (facts.estimatedAge !== null && facts.estimatedAge !== undefined) {
    const since = facts.estimatedAt ? (yearsBetween(facts.estimatedAt, today) ?? 0) : 0;
    return facts.estimatedAge + Math.max(0, since);
  }
  return null;
}

/** The needs an age brings with it. A child under 6 is also a child under 18. */
export function ageNeeds(age: number | null): AgeNeed[] {
  if (age === null) return [];
  const needs: AgeNeed[] = [];
  if (age < 6) needs.push('early_childhood');
  if (age < 18) needs.push('child');
  if (age >= 60) needs.push('elderly');
  return needs;
}

/** Convenience: the needs of a person on a day. */
export function ageNeedsOf(facts: AgeFacts, today: string): AgeNeed[] {
  return ageNeeds(ageOn(facts, today));
}

/**
 * Age and its needs from what an officer has typed so far (a birth date, or
 * an estimate in years, as form text): shown beside each member before
 * saving, never asked. Anything unreadable is an unknown age.
 */
export function ageFromTyped(birthDate: unknown, estimatedAge: unknown, today: string): { age: number | null; needs: AgeNeed[] } {
  const bd = typeof birthDate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(birthDate) ? birthDate : null;
  const est = typeof estimatedAge === 'string' && /^\d{1,3}$/.test(estimatedAge) ? Number(estimatedAge) : null;
  const age = ageOn({ birthDate: bd, estimatedAge: est, estimatedAt: today }, today);
  return { age, needs: ageNeeds(age) };
}
