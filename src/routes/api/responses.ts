import { z } from 'zod';
import {
  ALERT_KINDS,
  FACILITY_KINDS,
  ATENSI_MENUS,
  CLOSE_OUTCOMES,
  OUTSIDE_REFERRAL_STATUSES,
  OUTSIDE_SERVICES,
  PLAN_STATUSES,
  TRANSFER_STATUSES,
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
  CONSENT_BY,
  VISIBLE_NEEDS,
  HANDOFF_RELATIONSHIPS,
} from '../../db/schema/index.ts';
import { AGE_NEEDS } from '../../domain/persons/age.ts';
import { AID_STEPS } from '../../domain/cases/aid.ts';
import { nextField } from './queries.ts';
import { NEEDS } from '../../domain/routing/route.ts';
import { ZONES } from '../../lib/time.ts';
import { OCCUPANCY_LEVELS } from '../../domain/occupancy/levels.ts';
import type { PersonRecord } from '../../domain/residents/view.ts';
import type { SearchHit } from '../../domain/residents/search.ts';
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
import type { AidEntry } from '../../domain/worklists/aid.ts';
import type { FollowUpEntry } from '../../domain/worklists/follow-ups.ts';
import type { WilayahOption } from '../../domain/reference/wilayah.ts';

/*
 * What the routes of /api/v1 answer, field by field: each route names its schema in
 * `schema.response`, which is the one description of the answer. It types what the
 * handler returns (src/plugins/zod.ts), is published in the OpenAPI document
 * (src/plugins/openapi.ts), and checks the answer strictly: a field the domain sends
 * that the schema lacks is an error of ours (500, logged by path), never dropped
 * silently. `satisfies` holds each schema to the type the domain returns.
 */

const time = z.string().nullable().describe('ISO 8601 with the local offset (+07:00, +08:00, +09:00)');
const nstr = z.string().nullable();

const NikWarning = z.object({
  index: z.number().int().describe('Which person of the intake (0-based)'),
  code: z.string(),
  params: z.record(z.string(), z.string()),
  blocking: z.boolean(),
  overridable: z.boolean().describe('Whether a reason (nik_override_reason) may override it'),
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
  consent_by: z.enum(CONSENT_BY).nullable(),
  consent_by_name: z.string().nullable(),
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
  next: nextField,
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
export const ReferralList = z.object({ referrals: z.array(ReferralRecordSchema), next: nextField });

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
      group: nstr.describe('Who came together: persons with the same label were received as one household'),
      relationship: z.enum(HANDOFF_RELATIONSHIPS).nullable(),
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
  next: nextField,
});

export const PersonClusterSchema = z.object({
  cluster: z.enum(CLUSTERS).nullable(),
  derived: z.enum(CLUSTERS).nullable(),
  override: z.object({ cluster: z.enum(CLUSTERS), reason: z.string(), set_at: z.string() }).nullable(),
}) satisfies z.ZodType<PersonCluster>;

/** One step on the road to aid (src/domain/cases/aid.ts): the code, why, what to do next, and the Dinsos that acts. */
const AidStepOut = z.object({ code: z.enum(AID_STEPS), reason: z.string(), next_step: z.string(), dinsos_wilayah_code: nstr });

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
    has_kk: z.boolean(),
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
  state: z.enum(['open', 'closed']).describe('closed (terminasi): read-only until reopened'),
  plan: z.array(
    z.object({
      id: z.string(),
      menu: z.enum(ATENSI_MENUS),
      service: z.string().describe('A code of the service catalogue (docs/api.md "ATENSI service catalogue")'),
      goal: z.string(),
      due: nstr,
      note: nstr,
      status: z.enum(PLAN_STATUSES),
      status_at: time,
      status_reason: nstr,
      services: z.number().int().describe('Services given for this item'),
    }),
  ),
  services: z.array(z.object({ id: z.string(), menu: z.enum(ATENSI_MENUS), service: z.string(), plan_item_id: nstr, given_at: time, given_by: z.string(), note: nstr })),
  evaluation: z.object({ summary: z.string(), evaluated_at: time }).nullable(),
  closing: z.object({ outcome: z.enum(CLOSE_OUTCOMES), note: nstr, closed_at: time }).nullable(),
  transfers: z.array(
    z.object({
      id: z.string(),
      status: z.enum(TRANSFER_STATUSES),
      from: z.object({ id: z.string(), name: z.string() }).nullable(),
      to: z.object({ id: z.string(), name: z.string() }),
      reason: z.string(),
      requested_at: time,
      answered_at: time,
      answer_note: nstr,
    }),
  ),
  outside_referrals: z.array(
    z.object({
      id: z.string(),
      service: z.enum(OUTSIDE_SERVICES),
      to_name: z.string(),
      wilayah_code: nstr,
      reason: z.string(),
      status: z.enum(OUTSIDE_REFERRAL_STATUSES),
      referred_at: time,
      answer: nstr,
      answered_at: time,
    }),
  ),
  family: z
    .object({
      id: z.string(),
      kk_masked: nstr,
      note: nstr,
      members: z.array(z.object({ person_id: z.string(), resident_code: z.string(), name: nstr, self: z.boolean(), closed: z.boolean() })),
      hidden_members: z.number().int().describe('Members whose case this reader may not see: counted, never named'),
    })
    .nullable(),
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
      owner: z.object({ id: z.string(), name: z.string() }).nullable().describe('Who follows up: a pendamping in Singgah'),
      owner_contact: nstr.describe('Else a contact typed on the handover letter'),
    }),
  ),
  aid: z.object({
    has_nik: z.boolean(),
    dtks: z.enum(TRISTATE),
    pkh: z.enum(TRISTATE),
    bpnt: z.enum(TRISTATE),
    ktp_elsewhere: z.boolean(),
    domicile: z.enum(['elsewhere', 'same', 'unknown']),
    nik_region: nstr,
    lives_in: nstr,
    dtks_proposed_at: time,
    steps: z.array(AidStepOut),
  }),
}) satisfies z.ZodType<CaseView>;

/** How a worklist (caseload, aid) lists a person: the domain's PersonListed. */
const PersonListedOut = {
  person_id: z.string(),
  resident_code: z.string(),
  name: nstr,
  sex: z.enum(SEXES),
  age: z.number().int().nullable(),
  nik_masked: nstr,
};

export const Caseload = z.object({
  cases: z.array(
    z.object({
      ...PersonListedOut,
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

export const AuditEvents = z.object({
  events: z.array(
    z.object({
      id: z.string(),
      at: time,
      actor_type: z.enum(['user', 'token', 'system']),
      actor: z.string(),
      action: z.string(),
      entity: z.string(),
      entity_id: nstr,
      ip: nstr,
      detail: z.unknown().describe('What the act changed, as the verb recorded it'),
    }),
  ),
  next: nextField,
});

export const Alerts = z.object({
  alerts: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(ALERT_KINDS),
      facility_id: nstr,
      subject_type: nstr,
      subject_id: nstr,
      message: z.string(),
      raised_at: time,
      resolved_at: time,
      resolved_note: nstr,
    }),
  ),
});

export const Me = z.object({ type: z.enum(['user', 'token', 'system']), id: nstr, name: z.string(), role: z.string(), facility_id: nstr, wilayah_code: nstr });

export const AidWorklist = z.object({
  worklist: z.literal('aid'),
  entries: z.array(
    z.object({
      ...PersonListedOut,
      dtks: z.string().describe('yes, no or unknown'),
      pkh: z.string().describe('yes, no or unknown'),
      bpnt: z.string().describe('yes, no or unknown'),
      facility_id: nstr,
      facility_name: nstr,
      dtks_proposed_at: time,
      steps: z.array(AidStepOut),
      may_change: z.boolean().describe('whether the caller may change this person\'s case (e.g. record the DTKS proposal)'),
    }) satisfies z.ZodType<AidEntry>,
  ),
});

export const FollowUpWorklist = z.object({
  worklist: z.literal('follow-ups'),
  entries: z.array(
    z.object({
      id: z.string(),
      person_id: z.string(),
      resident_code: z.string(),
      name: nstr,
      kind: z.string().describe(`One of ${FOLLOW_UP_KINDS.join(', ')}`),
      due: z.string(),
      state: z.enum(['overdue', 'today']),
      days_overdue: z.number().int(),
      note: nstr,
      pendamping: nstr,
      after_discharge: z.boolean(),
    }) satisfies z.ZodType<FollowUpEntry>,
  ),
});

export const DtksWorklist = z.object({
  worklist: z.literal('dtks'),
  columns: z.array(z.string()),
  rows: z.array(z.record(z.string(), z.unknown())).describe('One object per person, keyed by `columns`'),
});

export const AlertResolved = z.object({ id: z.string(), resolved: z.boolean().describe('false: it was settled already') });

export const WilayahList = z.object({
  wilayah: z.array(z.object({ code: z.string(), name: z.string(), province_code: z.string(), province_name: z.string() }) satisfies z.ZodType<WilayahOption>),
});

// ---- facilities, units and their figures (src/domain/facilities/present.ts) ----

const count = z.number().int();
/** Every figure of a unit or facility: the same shape GET /occupancy serves. */
const Counts = z.object({
  capacity: count,
  blocked: count,
  usable: count,
  occupied: count,
  held: count,
  free: count,
  overflow: count.describe('Places in use beyond usable (an overflow a supervisor allowed)'),
  free_by_feature: z.record(z.string(), count),
  free_by_admits: z.object({ male: count, female: count, family: count }),
});
/** Free places only: what Satpol PP and another facility's intake desk are told. */
const FreeCounts = Counts.pick({ free: true, free_by_feature: true, free_by_admits: true });

const UnitChange = z.object({ at: time, by: nstr, field: z.string(), from: nstr, to: nstr, reason: nstr });

const UnitFull = z.object({
  id: z.string(),
  facility_id: z.string(),
  name: z.string(),
  capacity: count,
  blocked: count,
  block_reason: nstr,
  admits: z.string(),
  features: z.array(z.string()),
  status: z.string(),
  status_reason: nstr,
  bed_label_pattern: nstr,
  sort_order: count,
  version: count,
  occupancy: Counts.optional(),
  history: z.array(UnitChange).optional().describe('For those who see full numbers'),
});
const UnitFree = z.object({
  id: z.string(),
  facility_id: z.string(),
  name: z.string(),
  admits: z.string(),
  features: z.array(z.string()),
  status: z.string(),
  occupancy: FreeCounts.optional(),
});
/** A unit as this caller may know it: every figure, or its free places only. */
export const UnitAnswer = z.union([UnitFull, UnitFree]);

const FacilityListItem = z.object({
  id: z.string(),
  code: z.string(),
  kind: z.string(),
  name: z.string(),
  wilayah_code: z.string(),
  wilayah_name: z.string().optional(),
  address: z.string(),
  lat: z.number().nullable(),
  lng: z.number().nullable(),
  contact_name: z.string(),
  contact_phone: z.string(),
  operator: z.string(),
  status: z.string(),
  status_changed_at: time,
  status_changed_by: nstr,
  services: z.array(z.string()),
  clusters: z.array(z.string()),
  protected: z.boolean(),
  version: count,
  created_at: time,
  updated_at: time,
  occupancy: z
    .union([Counts.extend({ load: z.number().nullable(), level: z.string() }), FreeCounts])
    .describe('Every figure with the load, or the free places only, as far as the caller may know them'),
});

export const FacilityList = z.object({ as_of: time, facilities: z.array(FacilityListItem) });

const PersonInside = z.object({
  stay_id: z.string(),
  person_id: z.string(),
  resident_code: z.string(),
  name: nstr,
  description: nstr,
  unit_id: z.string(),
  unit_name: z.string(),
  bed_label: nstr,
  checked_in_at: time,
  overflow: z.boolean(),
});

export const FacilityDetail = FacilityListItem.extend({
  units: z.array(UnitAnswer),
  people: z.array(PersonInside).optional().describe('The people staying, for those who may see them'),
  referrals_in: z.object({ count, places: count }).optional().describe('Open referrals to it, for those who see full numbers'),
});

// ---- routing (src/domain/routing) ----

/** A reason in words: its code, its parameters, and the sentence in the caller's language. */
const ReasonAnswer = z.object({ code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])).optional(), message: z.string() });

export const RoutingAnswer = z.object({
  person_id: z.string(),
  persons: z.array(z.object({ id: z.string(), resident_code: z.string(), sex: z.enum(SEXES) })).describe('Who is routed together: the person and the household members with them'),
  household: z.array(z.object({ id: z.string(), resident_code: z.string() })),
  cluster: z.array(z.enum(CLUSTERS)),
  places: count,
  needs: z.array(z.enum(NEEDS)),
  services: z.array(z.string()),
  origin_facility_id: nstr,
  needed: z.boolean().describe('False when already placed where their needs are met'),
  open_referral: z.object({ id: z.string(), status: z.string(), to_facility_id: nstr.describe('null when it leads to a protected facility the caller may not know') }).nullable(),
  destinations: z.array(
    z.object({
      facility: z.object({ id: z.string(), code: z.string(), name: z.string(), kind: z.string(), wilayah_code: z.string(), protected: z.boolean() }),
      unit: z.object({ id: z.string(), name: z.string(), free: count, features: z.array(z.string()) }),
      facility_free: count,
      load_after: z.number().nullable(),
      distance_km: z.number().nullable(),
      reasons: z.array(ReasonAnswer),
    }),
  ),
  destinations_total: count.describe('How many facilities could take them: destinations lists the best 20 of them, or every one with ?all=true'),
  passed_over: z
    .array(z.object({ facility: z.object({ id: z.string(), code: z.string(), name: z.string(), kind: z.string() }), reasons: z.array(ReasonAnswer) }))
    .describe('The facilities passed over nearest the person (same kab/kota, province, then by distance), each with its reasons: the nearest 10, or every one with ?all=true'),
  passed_over_counts: z
    .record(z.string(), count)
    .describe('The other facilities passed over, counted by the code of their first reason (each facility once; empty with ?all=true)'),
  nothing_fits: z.boolean(),
  missing: z.array(ReasonAnswer).describe('When nothing fits: what is missing'),
  alert_id: nstr,
});

// ---- occupancy (src/domain/occupancy/view.ts) ----

const OccupancyFacilityHead = { id: z.string(), code: z.string(), name: z.string(), kind: z.enum(FACILITY_KINDS), wilayah_code: z.string(), status: z.string() };
const OccupancyFacilityFull = z.object({
  ...OccupancyFacilityHead,
  protected: z.boolean(),
  ...Counts.shape,
  load: z.number().nullable().describe('(occupied + held) / usable; null when nothing is usable'),
  units: z.array(z.object({ id: z.string(), name: z.string(), admits: z.string(), features: z.array(z.string()), status: z.string(), ...Counts.shape })),
});
const OccupancyFacilityFree = z.object({ ...OccupancyFacilityHead, ...FreeCounts.shape });

/**
 * GET /occupancy. The body is served already serialised, from a cache kept per occupancy
 * version and view (src/domain/occupancy/cache.ts), so the answer check of src/plugins/zod.ts
 * never sees it (Fastify runs no preSerialization hook on a string or Buffer): this schema
 * describes the answer for the document, and tests/integration/openapi.test.ts parses real
 * answers of each audience with it.
 */
export const Occupancy = z
  .object({
    as_of: time,
    level: z.enum(OCCUPANCY_LEVELS).describe('What by_wilayah is keyed by (province code, kab/kota code; empty for country), and whether facilities are listed (facility)'),
    total: z.union([Counts, FreeCounts]),
    by_kind: z.record(z.string(), z.union([Counts, FreeCounts])).describe('By facility kind'),
    by_wilayah: z
      .record(z.string(), z.union([Counts, FreeCounts]))
      .describe('By province code (level province) or kab/kota code (kabkota, facility), over the facilities the caller may see (a hidden protected facility counts in total and by_kind only)'),
    facilities: z.array(z.union([OccupancyFacilityFull, OccupancyFacilityFree])).describe('Level facility only (empty otherwise): a page of the facilities within the wilayah, with their units'),
    next: nextField,
  })
  .describe('Every figure, or the free places only (Satpol PP), as far as the caller may know them');
