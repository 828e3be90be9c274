import type { NikWarningCode } from '../persons/nik.ts';
import type { PersonRow } from '../persons/record.ts';
import type { OfferedCandidate } from './candidates.ts';
import type { PersonInput } from './input.ts';
import type { PersonRecord } from './view.ts';

/* What an intake answers (registerIntake), and what its steps hand one another. */

export interface NikWarning {
  /** Which person of the intake (0-based). */
  index: number;
  code: NikWarningCode;
  params: Record<string, string>;
  /** Must be confirmed with nik_override_reason before the intake is saved. */
  blocking: boolean;
  /** The officer may keep the NIK as typed, with a reason (persons/nik.ts). */
  overridable: boolean;
}

export interface DuplicateGroup {
  index: number;
  /** What this desk may be told of each possible duplicate (candidates.ts). */
  candidates: OfferedCandidate[];
}

/**
 * Nothing was saved: the officer (or API caller) must decide. For each group
 * of duplicates, `same_as` (this existing person) or `confirm_new`; for each
 * blocking NIK warning, `nik_override_reason`. Then submit again.
 */
export interface IntakeNeedsDecision {
  status: 'needs_decision';
  duplicates: DuplicateGroup[];
  nik_warnings: NikWarning[];
}

export interface IntakeRegistered {
  status: 'registered';
  persons: PersonRecord[];
  household_id: string | null;
  /** Ids of existing records the intake attached to (no new person made). */
  attached: string[];
  facility_id: string | null;
  warnings: NikWarning[];
}

export type IntakeResult = IntakeNeedsDecision | IntakeRegistered;

export interface Checked {
  input: PersonInput;
  nik: string | null;
  kk: string | null;
  originWilayahCode: string | null;
  sameAs: PersonRow | null;
  dismissed: string[];
}
