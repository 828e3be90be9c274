import type { ConsentBy } from '../../db/schema/index.ts';

/**
 * Who may consent to a person's data use (DOMAIN.md "Children", UU 35/2014):
 * the person themself only from 18; for a child, a guardian or the social
 * worker (pekerja sosial), who is named. Consent without a "by" is the
 * person's own. One rule for every door that records consent.
 */
export interface ConsentFacts {
  consent: boolean;
  consentBy?: ConsentBy | undefined;
  consentByName?: string | undefined;
}

export interface ConsentProblem {
  path: 'consent_by' | 'consent_by_name';
  key: string;
}

/** Who consented, as stored: null when no consent. */
export function consentGiver(c: ConsentFacts): ConsentBy | null {
  if (!c.consent && !c.consentBy) return null;
  return c.consentBy ?? 'self';
}

/** Why this consent cannot stand, or null. `age` null (unknown) lets the person's own consent stand. */
export function consentProblem(c: ConsentFacts, age: number | null): ConsentProblem | null {
  const by = consentGiver(c);
  if (by === null) return null;
  if (by === 'self' && age !== null && age < 18) return { path: 'consent_by', key: 'residents.consent_minor_self' };
  if (by !== 'self' && !c.consentByName) return { path: 'consent_by_name', key: 'residents.consent_by_name_required' };
  return null;
}
