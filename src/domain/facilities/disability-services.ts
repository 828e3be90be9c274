import type { Service } from '../../db/schema/index.ts';

/**
 * The typed disability services a facility gives, read from its own name —
 * the rule that carried the single `disability` service to the typed ones
 * (db migrations 0012 SQLite / 0010 PostgreSQL, whose SQL says the same):
 * Bina Daksa → physical; Bina Netra, Rungu, Wicara → sensory; Bina Grahita →
 * intellectual; Bina Laras → mental (psychosocial). A name that names none
 * gets all four: it served every type before and keeps doing so until an
 * administrator narrows it, so the upgrade turns no one away.
 */
export const DISABILITY_SERVICES = ['disability_physical', 'disability_sensory', 'disability_intellectual', 'disability_mental'] as const satisfies readonly Service[];

const WORDS: [RegExp, (typeof DISABILITY_SERVICES)[number]][] = [
  [/daksa/i, 'disability_physical'],
  [/netra|rungu|wicara/i, 'disability_sensory'],
  [/grahita/i, 'disability_intellectual'],
  [/laras/i, 'disability_mental'],
];

export function disabilityServicesByName(name: string): (typeof DISABILITY_SERVICES)[number][] {
  const named = DISABILITY_SERVICES.filter((s) => WORDS.some(([re, t]) => t === s && re.test(name)));
  return named.length ? named : [...DISABILITY_SERVICES];
}
