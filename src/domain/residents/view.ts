import type { Db, Tx } from '../../db/client.ts';
import { persons, type Cluster } from '../../db/schema/index.ts';
import { clusterFactsOf, clusterOverrideOf, effectiveCluster } from '../persons/cluster.ts';
import type { PersonRow } from '../persons/record.ts';
import { toWib } from '../../lib/time.ts';
import { ageNeeds, ageOn } from '../persons/age.ts';
import { maskIdNumber } from '../persons/nik.ts';
import { pregnancyWeeksOn } from '../persons/pregnancy.ts';


/**
 * A person as the API serves it (snake_case). NIK and KK are masked unless the
 * caller revealed them (an audited act); derived age needs are included, never stored.
 */
function toPersonRecord(p: PersonRow, opts: { today: string; revealNik?: boolean; clusterOverride: Cluster | null }) {
  const facts = clusterFactsOf(p, opts.today);
  const age = facts.age;
  return {
    id: p.id,
    resident_code: p.residentCode,
    name: p.name,
    description: p.description,
    alias: p.alias,
    nik: opts.revealNik ? p.nik : maskIdNumber(p.nik),
    nik_masked: !opts.revealNik && p.nik !== null,
    kk: opts.revealNik ? p.kk : maskIdNumber(p.kk),
    sex: p.sex,
    birth_date: p.birthDate,
    estimated_age: p.estimatedAge,
    estimated_at: p.estimatedAt,
    age,
    age_needs: ageNeeds(age),
    ktp_address: p.ktpAddress,
    domicile_address: p.domicileAddress,
    origin_wilayah_code: p.originWilayahCode,
    phone: p.phone,
    category: p.category,
    birth_weight_grams: p.birthWeightGrams,
    needs: {
      pregnant: p.pregnant,
      /** As of today: the weeks typed move on with the calendar (persons/pregnancy.ts). */
      pregnancy_weeks: pregnancyWeeksOn(p, opts.today),
      pregnancy_due_date: p.pregnant ? p.pregnancyDueDate : null,
      disabilities: p.disabilities,
      wheelchair: p.wheelchair,
      chronic_illness: p.chronicIllness,
      needs_medical: p.needsMedical,
      unaccompanied_child: p.unaccompaniedChild,
      trafficking_victim: p.traffickingVictim,
      napza: p.napza,
    },
    /** The ATENSI cluster: set by hand, else derived (persons/cluster.ts); null when nothing points at one. */
    cluster: effectiveCluster(opts.clusterOverride, facts),
    dtks: p.dtks,
    pkh: p.pkh,
    bpnt: p.bpnt,
    consent: p.consent,
    consent_at: toWib(p.consentAt),
    consent_by: p.consentBy,
    consent_by_name: p.consentByName,
    nik_override_reason: p.nikOverrideReason,
    household_id: p.householdId,
    source: p.source,
    merged_into_id: p.mergedIntoId,
    created_at: toWib(p.createdAt),
    updated_at: toWib(p.updatedAt),
  };
}
export type PersonRecord = ReturnType<typeof toPersonRecord>;

/**
 * A person as the API serves it, read in the caller's transaction: the
 * cluster is the one every reader gives (a case worker's override, else the
 * derived one), so /residents/:id and /cases never disagree.
 */
export async function personRecord(db: Db | Tx, p: PersonRow, opts: { today: string; revealNik?: boolean }): Promise<PersonRecord> {
  return toPersonRecord(p, { ...opts, clusterOverride: await clusterOverrideOf(db, p.id) });
}

/** Who a person is at a glance (lists, search hits, duplicate candidates): no NIK but masked, no address. */
/** What a person's summary is made of. */
export type SummaryFacts = Pick<PersonRow, 'id' | 'residentCode' | 'name' | 'alias' | 'description' | 'sex' | 'birthDate' | 'estimatedAge' | 'estimatedAt' | 'nik'>;

/** The columns personSummary reads: select these (and what else a caller shows) rather than whole rows. */
export const SUMMARY_COLUMNS = {
  id: persons.id,
  residentCode: persons.residentCode,
  name: persons.name,
  alias: persons.alias,
  description: persons.description,
  sex: persons.sex,
  birthDate: persons.birthDate,
  estimatedAge: persons.estimatedAge,
  estimatedAt: persons.estimatedAt,
  nik: persons.nik,
};

export function personSummary(p: SummaryFacts, today: string) {
  return {
    id: p.id,
    resident_code: p.residentCode,
    name: p.name,
    alias: p.alias,
    description: p.description,
    sex: p.sex,
    age: ageOn({ birthDate: p.birthDate, estimatedAge: p.estimatedAge, estimatedAt: p.estimatedAt }, today),
    nik_masked: maskIdNumber(p.nik),
  };
}
