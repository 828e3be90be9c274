/**
 * The road to aid by NIK (DOMAIN.md): what stands between a person and
 * PKH/BPNT, each with the next step. Pure: the worklist, the case and the
 * exports all ask this one function.
 */
export const AID_STEPS = ['adminduk', 'dtks', 'dtks_proposed', 'domicile'] as const;
export type AidStep = (typeof AID_STEPS)[number];

export interface AidFacts {
  nik: string | null;
  dtks: 'yes' | 'no' | 'unknown';
  pkh: 'yes' | 'no' | 'unknown';
  bpnt: 'yes' | 'no' | 'unknown';
  ktpAddress: string | null;
  domicileAddress: string | null;
}

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

/** The KTP names another address than the one the person lives at. */
export function ktpElsewhere(p: Pick<AidFacts, 'ktpAddress' | 'domicileAddress'>): boolean {
  if (!p.ktpAddress || !p.domicileAddress) return false;
  return norm(p.ktpAddress) !== norm(p.domicileAddress);
}

/**
 * No NIK → record with Dukcapil (adminduk) first: DTKS takes people by NIK, so
 * the DTKS step waits for it. Not in DTKS (or not known to be) → propose to DTKS
 * through the Dinsos, or wait for it once proposed. KTP elsewhere → domicile letter.
 */
export function aidSteps(p: AidFacts, dtksProposedAt: string | null): AidStep[] {
  const steps: AidStep[] = [];
  if (!p.nik) steps.push('adminduk');
  else if (p.dtks !== 'yes') steps.push(dtksProposedAt ? 'dtks_proposed' : 'dtks');
  if (ktpElsewhere(p)) steps.push('domicile');
  return steps;
}
