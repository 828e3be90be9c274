import { z } from 'zod';
import {
  ATENSI_MENUS,
  CLUSTERS,
  DISABILITY_TYPES,
  DISCHARGE_OUTCOMES,
  FOLLOW_UP_KINDS,
  FOLLOW_UP_OUTCOMES,
  HANDOFF_PERSON_STATUSES,
  HANDOFF_STATUSES,
  INTAKE_SOURCES,
  PPKS_CATEGORIES,
  REFERRAL_STATUSES,
  SEXES,
  TRISTATE,
  VISIBLE_NEEDS,
} from '../../db/schema/index.ts';
import { AGE_NEEDS } from '../../domain/persons/age.ts';
import { AID_STEPS } from '../../domain/cases/aid.ts';
import { NEEDS } from '../../domain/routing/route.ts';
import { ZONES } from '../../lib/time.ts';
import type { PersonRecord } from '../../domain/residents/view.ts';
import type { SearchHit } from '../../domain/residents/read.ts';
import type { IntakeRegistered } from '../../domain/residents/intake-result.ts';
import type { HouseholdResult } from '../../domain/residents/household.ts';
import type { StayRecord } from '../../domain/stays/view.ts';
import type { BirthResult } from '../../domain/residents/birth.ts';
import type { CheckInResult } from '../../domain/stays/check-in.ts';
import type { TransferResult } from '../../domain/stays/transfer.ts';
import type { ReferralRecord } from '../../domain/referrals/view.ts';
import type { toHandoffRecord, toHandoffSummaryRecord } from '../../domain/handoffs/view.ts';
import type { CaseView } from '../../domain/cases/read.ts';
import type { CaseloadEntry } from '../../domain/cases/caseload.ts';
import type { PersonCluster } from '../../domain/persons/cluster.ts';

/*
 * What the person-bearing routes of /api/v1 answer, field by field. Each schema
 * is checked against the type the domain returns (`satisfies`: a field the
 * type has and the schema lacks fails the typecheck), is published in the
 * OpenAPI document (src/plugins/openapi.ts) and filters the answer: a field
 * it does not list is not sent.
 */

const time = z.string().nullable().describe('ISO 8601 with the local offset (+07:00, +08:00, +09:00)');
const nstr = z.string().nullable();

const NikWarning = z.object({
  index: z.number().int().describe('Which person of the intake (0-based)'),
  code: z.string(),
  params: z.record(z.string(), z.string()),
  blocking: z.boolean(),
  path: z.string(),
  message: z.string(),
});

export const PersonRecordSchema = z.object({
  id: z.string(),
  resident_code: z.string(),
  name: nstr,
  description: nstr,
  alias: nstr,
  nik: nstr.describe('Masked unless revealed (an audited act)'),
  nik_masked: z.boolean(),
  kk: nstr,
  sex: z.enum(SEXES),
  birth_date: nstr,
  estimated_age: z.number().int().nullable(),
  estimated_at: nstr,
  age: z.number().int().nullable(),
  age_needs: z.array(z.enum(AGE_NEEDS)),
  ktp_address: nstr,
  domicile_address: nstr,
  origin_wilayah_code: nstr,
  phone: nstr,
  category: z.enum(PPKS_CATEGORIES).nullable(),
  birth_weight_grams: z.number().int().nullable(),
  needs: z.object({
    pregnant: z.boolean(),
    pregnancy_weeks: z.number().int().nullable(),
    pregnancy_due_date: z.string().nullable(),
    disabilities: z.array(z.enum(DISABILITY_TYPES)),
    wheelchair: z.boolean(),
    chronic_illness: nstr,
    needs_medical: z.boolean(),
    unaccompanied_child: z.boolean(),
    trafficking_victim: z.boolean(),
    napza: z.boolean(),
  }),
  cluster: z.enum(CLUSTERS).nullable(),
  dtks: z.enum(TRISTATE),
  pkh: z.enum(TRISTATE),
  bpnt: z.enum(TRISTATE),
  consent: z.boolean(),
  consent_at: time,
  nik_override_reason: nstr,
  household_id: nstr,
  source: z.enum(INTAKE_SOURCES),
  merged_into_id: nstr,
  created_at: time,
  updated_at: time,
}) satisfies z.ZodType<PersonRecord>;

const Versioned = PersonRecordSchema.extend({ version: z.number().int() });

export const StayRecordSchema = z.object({
  id: z.string(),
  person_id: z.string(),
  household_id: nstr,
  facility_id: z.string(),
  unit_id: z.string(),
  bed_label: nstr,
  checked_in_at: time,
  checked_in_by: nstr,
  checked_out_at: time,
  checked_out_by: nstr,
  outcome: z.enum(DISCHARGE_OUTCOMES).nullable(),
  destination: nstr,
  note: nstr,
  overflow: z.boolean(),
  overflow_reason: nstr,
  split_reason: nstr,
  previous_stay_id: nstr,
  referral_id: nstr,
}) satisfies z.ZodType<StayRecord>;

/** A stay of a person's history; a masked one carries no facility, unit or bed id. */
const StayAsSeen = StayRecordSchema.extend({
  facility_id: nstr,
  unit_id: nstr,
  facility_name: nstr,
  unit_name: nstr,
});

export const ResidentDetail = z.object({
  resident: Versioned,
  stays: z.array(StayAsSeen),
  household: z.array(z.object({ id: z.string(), resident_code: z.string(), name: nstr, sex: z.enum(SEXES), age: z.number().int().nullable(), unit_id: nstr })),
  referrals: z.array(z.object({ id: nstr.describe('null when the referral leads to a protected facility the caller may not see'), status: z.enum(REFERRAL_STATUSES), reason: z.string(), from_facility: nstr, to_facility: nstr })),
  handoffs: z.array(z.object({ id: z.string(), number: z.string(), operation_number: nstr, place: nstr, status: z.enum(HANDOFF_PERSON_STATUSES) })),
  merged_from: z.array(z.string()),
  requested_id: z.string().optional().describe('The id asked for, when it was merged into this record'),
});

export const ResidentSearch = z.object({
  residents: z.array(
    z.object({
      id: z.string(),
      resident_code: z.string(),
      name: nstr,
      alias: nstr,
      description: nstr,
      sex: z.enum(SEXES),
      age: z.number().int().nullable(),
      nik_masked: nstr,
      household_id: nstr,
      stay: z
        .object({ id: z.string(), facility_id: z.string(), facility_name: z.string(), unit_id: z.string(), unit_name: z.string(), bed_label: nstr, overflow: z.boolean() })
        .nullable(),
    }) satisfies z.ZodType<SearchHit>,
  ),
});

export const IntakeRegisteredSchema = z.object({
  status: z.literal('registered'),
  persons: z.array(PersonRecordSchema),
  household_id: nstr,
  attached: z.array(z.string()).describe('Existing records the intake attached to (no new person made)'),
  facility_id: nstr,
  warnings: z.array(NikWarning),
}) satisfies z.ZodType<Omit<IntakeRegistered, 'warnings'>>;

export const ResidentUpdated = z.object({
  resident: Versioned,
  changed: z.array(z.string()),
  warnings: z.array(NikWarning.omit({ index: true })),
});

export const RevealedNik = z.object({ id: z.string(), nik: nstr, kk: nstr });
export const Merged = z.object({ survivor: PersonRecordSchema, merged_id: z.string() });
export const Anonymised = z.object({ id: z.string(), resident_code: z.string() });
export const HouseholdChanged = z.object({
  household_id: nstr,
  members: z.array(z.object({ id: z.string(), resident_code: z.string() })),
  changed: z.object({ id: z.string(), resident_code: z.string() }),
}) satisfies z.ZodType<HouseholdResult>;

export const CheckedIn = z.object({
  stays: z.array(StayRecordSchema),
  facility_id: z.string(),
  unit_id: z.string(),
  unit_name: z.string(),
  overflow: z.boolean(),
  split: z.boolean(),
  unit_reason: z.object({ code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])).optional(), message: z.string() }),
}) satisfies z.ZodType<CheckInResult>;

export const Discharged = z.object({ stay: StayRecordSchema });
export const BirthRecorded = z.object({ baby: PersonRecordSchema, stays: z.array(StayRecordSchema), moved: z.boolean() }) satisfies z.ZodType<BirthResult>;
export const Transferred = z.object({ ended: z.array(StayRecordSchema), stays: z.array(StayRecordSchema), overflow: z.boolean() }) satisfies z.ZodType<TransferResult>;

const FacilityRef = z.object({ id: nstr, code: nstr, name: nstr, kind: nstr });
export const ReferralRecordSchema = z.object({
  id: z.string(),
  status: z.enum(REFERRAL_STATUSES),
  open: z.boolean(),
  from_facility: FacilityRef.nullable(),
  to_facility: FacilityRef,
  to_unit: z.object({ id: z.string(), name: z.string() }).nullable(),
  places: z.number().int(),
  reason: z.string(),
  refuse_reason: nstr,
  needs: z.array(z.enum(NEEDS)),
  persons: z.array(z.object({ id: z.string(), resident_code: z.string(), name: nstr, sex: z.enum(SEXES), age: z.number().int().nullable(), needs: z.array(z.enum(NEEDS)) })),
  proposed_at: time,
  decided_at: time,
  departed_at: time,
  arrived_at: time,
  closed_at: time,
  expires_at: time,
  age_minutes: z.number().int(),
  version: z.number().int(),
}) satisfies z.ZodType<ReferralRecord>;
export const OneReferral = z.object({ referral: ReferralRecordSchema });
export const ReferralList = z.object({ referrals: z.array(ReferralRecordSchema) });

const HandoffCounts = z.object({ total: z.number().int(), pending: z.number().int(), received: z.number().int(), not_received: z.number().int() });
export const HandoffRecord = z.object({
  id: z.string(),
  number: z.string(),
  status: z.enum(HANDOFF_STATUSES),
  operation: z.object({ number: z.string(), at: time, place: z.string(), wilayah_code: z.string(), team: z.string(), leader_name: z.string(), leader_nip: z.string() }),
  facility_id: nstr,
  facility: z.object({ id: z.string(), code: z.string(), name: z.string() }).nullable(),
  created_at: time,
  closed_at: time,
  receiving_officer: z.object({ name: z.string() }).nullable(),
  counts: HandoffCounts,
  persons: z.array(
    z.object({
      id: z.string(),
      seq: z.number().int(),
      name: nstr,
      description: nstr,
      sex: z.enum(SEXES),
      approx_age: z.number().int().nullable(),
      needs: z.array(z.enum(VISIBLE_NEEDS)),
      belongings: z.string(),
      notes: z.string(),
      status: z.enum(HANDOFF_PERSON_STATUSES),
      not_received_reason: nstr,
      accounted_at: time,
      person_id: nstr.optional().describe('Only for roles that see people'),
      resident_code: nstr.optional().describe('Only for roles that see people'),
    }),
  ),
}) satisfies z.ZodType<ReturnType<typeof toHandoffRecord>>;
export const HandoffList = z.object({
  handoffs: z.array(
    z.object({
      id: z.string(),
      number: z.string(),
      status: z.enum(HANDOFF_STATUSES),
      operation: z.object({ number: z.string(), at: time, place: z.string(), wilayah_code: z.string() }),
      facility: z.object({ id: nstr, name: z.string() }),
      created_at: time,
      closed_at: time,
      counts: HandoffCounts,
    }) satisfies z.ZodType<ReturnType<typeof toHandoffSummaryRecord>>,
  ),
});

export const PersonClusterSchema = z.object({
  cluster: z.enum(CLUSTERS).nullable(),
  derived: z.enum(CLUSTERS).nullable(),
  override: z.object({ cluster: z.enum(CLUSTERS), reason: z.string(), set_at: z.string() }).nullable(),
}) satisfies z.ZodType<PersonCluster>;

export const CaseViewSchema = z.object({
  time_zone: z.enum(ZONES).optional().describe('The zone the times of this answer are in'),
  person: z.object({
    id: z.string(),
    resident_code: z.string(),
    name: nstr,
    sex: z.enum(SEXES),
    age: z.number().int().nullable(),
    nik_masked: nstr,
    has_nik: z.boolean(),
    category: z.enum(PPKS_CATEGORIES).nullable(),
  }),
  stay: z
    .object({
      id: z.string(),
      open: z.boolean(),
      facility_id: nstr,
      facility_name: nstr,
      checked_in_at: time,
      checked_out_at: time,
      outcome: z.enum(DISCHARGE_OUTCOMES).nullable(),
      journey: z.object({ destination_wilayah_code: z.string(), family_contact: z.string(), escort: z.string(), date: z.string() }).nullable(),
    })
    .nullable(),
  pendamping: z.object({ id: z.string(), username: z.string(), name: z.string(), cluster: z.enum(CLUSTERS).nullable() }).nullable(),
  assigned_at: time,
  cluster: PersonClusterSchema,
  assessment: z.object({ needs: nstr, wishes: nstr, assessed_at: time }),
  plan: z.array(z.object({ id: z.string(), menu: z.enum(ATENSI_MENUS), service: z.string(), goal: z.string(), due: nstr })),
  services: z.array(z.object({ id: z.string(), menu: z.enum(ATENSI_MENUS), service: z.string(), given_at: time, given_by: z.string(), note: nstr })),
  follow_ups: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(FOLLOW_UP_KINDS),
      due: z.string(),
      note: nstr,
      state: z.enum(['done', 'overdue', 'today', 'upcoming']),
      stay_id: nstr,
      done_at: time,
      outcome: z.enum(FOLLOW_UP_OUTCOMES).nullable(),
      outcome_note: nstr,
    }),
  ),
  aid: z.object({
    has_nik: z.boolean(),
    dtks: z.enum(TRISTATE),
    pkh: z.enum(TRISTATE),
    bpnt: z.enum(TRISTATE),
    ktp_elsewhere: z.boolean(),
    dtks_proposed_at: time,
    steps: z.array(z.object({ code: z.enum(AID_STEPS), next_step: z.string() })),
  }),
}) satisfies z.ZodType<CaseView>;

export const Caseload = z.object({
  cases: z.array(
    z.object({
      person_id: z.string(),
      resident_code: z.string(),
      name: nstr,
      sex: z.enum(SEXES),
      age: z.number().int().nullable(),
      nik_masked: nstr,
      cluster: z.enum(CLUSTERS).nullable(),
      pendamping: nstr,
      facility_name: nstr,
      placed: z.boolean(),
      last_service_at: time,
      next_due: nstr,
      overdue: z.number().int(),
      due_today: z.number().int(),
      aid_steps: z.array(z.enum(AID_STEPS)),
    }) satisfies z.ZodType<CaseloadEntry>,
  ),
});

/*
 * Query parameters the routes read one by one (queryText, queryLimit in
 * src/domain/validate.ts), described for the document: the routes check them.
 */
const limit = z.string().regex(/^\d+$/).optional().describe('A whole number from 1 (more than the maximum is the maximum)');
export const SearchQuery = z.object({ q: z.string().max(200).optional().describe('Name, alias, resident code or NIK'), limit });
export const LimitQuery = z.object({ limit });
export const HandoffQuery = z.object({ status: z.enum(['OPEN', 'CLOSED']).optional(), facility_id: z.string().optional(), limit });
export const ReferralQuery = z.object({ scope: z.enum(['incoming', 'outgoing', 'all']).optional(), open: z.enum(['true', 'false']).optional(), limit });
export const RoutingQuery = z.object({ person_id: z.string(), alone: z.enum(['true', '1', 'false']).optional().describe('The person without their household (a split needs a reason)') });
export const AlertsQuery = z.object({ all: z.enum(['true', 'false']).optional().describe('Settled alerts too') });
export const WorklistQuery = z.object({ format: z.enum(['json', 'csv']).optional(), step: z.enum(AID_STEPS).optional() });
export const DtksQuery = z.object({ format: z.enum(['json', 'csv', 'xlsx']).optional() });
