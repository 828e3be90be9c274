import type { OpenApiExample } from '../../types.js';

/*
 * Examples of the main calls, shown in the OpenAPI document (src/plugins/openapi.ts): real
 * answers of a test database, ids replaced by fixed ones. tests/integration/openapi.test.ts checks
 * each against the schemas of its request and answer, so an example cannot drift from them.
 */

/** The fixed ids the examples share (the same household, facility and unit throughout). */
const RATNA = "0196f0c2-5a1e-7000-8000-000000000001";
const HOUSEHOLD = "0196f0c2-5a1e-7000-8000-000000000002";
const DIMAS = "0196f0c2-5a1e-7000-8000-000000000003";
const FACILITY = "0196f0c2-5a1e-7000-8000-000000000004";
const UNIT = "0196f0c2-5a1e-7000-8000-000000000006";
const OFFICER = "0196f0c2-5a1e-7000-8000-000000000007";
const REGISTERED_AT = "2026-12-08T00:27:31.876+07:00";
const CHECKED_IN_AT = "2026-12-08T00:27:31.956+07:00";

/**
 * A person record of the walk-in household as the API answers it: every field in the answer's
 * order, with what a new record holds; `fields` gives what this person has of their own.
 */
function person({ id, resident_code, name, sex, age, ...fields }: { id: string; resident_code: string; name: string; sex: string; age: number } & Record<string, unknown>): Record<string, unknown> {
  return {
    "id": id,
    "resident_code": resident_code,
    "name": name,
    "description": null,
    "alias": null,
    "nik": null,
    "nik_masked": false,
    "kk": null,
    "sex": sex,
    "birth_date": null,
    "estimated_age": null,
    "estimated_at": null,
    "age": age,
    "age_needs": [],
    "ktp_address": null,
    "domicile_address": null,
    "origin_wilayah_code": null,
    "phone": null,
    "category": null,
    "birth_weight_grams": null,
    "needs": {
      "pregnant": false,
      "pregnancy_weeks": null,
      "pregnancy_due_date": null,
      "disabilities": [],
      "wheelchair": false,
      "chronic_illness": null,
      "needs_medical": false,
      "unaccompanied_child": false,
      "trafficking_victim": false,
      "napza": false
    },
    "cluster": null,
    "dtks": "unknown",
    "pkh": "unknown",
    "bpnt": "unknown",
    "consent": false,
    "consent_at": null,
    "consent_by": null,
    "consent_by_name": null,
    "nik_override_reason": null,
    "household_id": HOUSEHOLD,
    "source": "walk_in",
    "merged_into_id": null,
    "created_at": REGISTERED_AT,
    "updated_at": REGISTERED_AT,
    ...fields
  };
}

/** A stay of the household checked in together into the family room (open, no referral). */
function stay(id: string, personId: string): Record<string, unknown> {
  return {
    "id": id,
    "person_id": personId,
    "household_id": HOUSEHOLD,
    "facility_id": FACILITY,
    "unit_id": UNIT,
    "bed_label": null,
    "checked_in_at": CHECKED_IN_AT,
    "checked_in_by": OFFICER,
    "checked_out_at": null,
    "checked_out_by": null,
    "outcome": null,
    "destination": null,
    "note": null,
    "overflow": false,
    "overflow_reason": null,
    "split_reason": null,
    "previous_stay_id": null,
    "referral_id": null
  };
}

/** A handed-over person still waiting at the desk. */
function handedOver({ id, seq, sex, approx_age, ...fields }: { id: string; seq: number; sex: string; approx_age: number } & Record<string, unknown>): Record<string, unknown> {
  return {
    "id": id,
    "seq": seq,
    "name": null,
    "description": null,
    "sex": sex,
    "approx_age": approx_age,
    "group": null,
    "relationship": null,
    "needs": [],
    "belongings": "",
    "notes": "",
    "status": "PENDING",
    "not_received_reason": null,
    "accounted_at": null,
    ...fields
  };
}

/**
 * The occupancy figures of the example: one facility of one unit, the household of two in it.
 * Every total (the whole, a kind, a wilayah, the facility, the unit) holds the same figures.
 */
function figures(): Record<string, unknown> {
  return {
    "capacity": 10,
    "blocked": 0,
    "usable": 10,
    "occupied": 2,
    "held": 0,
    "free": 8,
    "overflow": 0,
    "free_by_feature": {
      "accessible": 0,
      "maternity": 0,
      "crib": 0,
      "elderly": 0
    },
    "free_by_admits": {
      "male": 8,
      "female": 8,
      "family": 8
    }
  };
}

/** POST /residents */
export const postResidents: OpenApiExample = {
  "summary": "A mother and her child registered as one household",
  "request": {
    "persons": [
      {
        "name": "Ratna Sari",
        "sex": "P",
        "estimated_age": 29,
        "consent": true
      },
      {
        "name": "Dimas",
        "sex": "L",
        "birth_date": "2022-03-04"
      }
    ],
    "household": true,
    "source": "walk_in"
  },
  "response": {
    "status": "registered",
    "persons": [
      person({
        "id": RATNA,
        "resident_code": "SGH-HWMJW7",
        "name": "Ratna Sari",
        "sex": "P",
        "estimated_age": 29,
        "estimated_at": "2026-12-08",
        "age": 29,
        "consent": true,
        "consent_at": REGISTERED_AT,
        "consent_by": "self"
      }),
      person({
        "id": DIMAS,
        "resident_code": "SGH-QF9A1J",
        "name": "Dimas",
        "sex": "L",
        "birth_date": "2022-03-04",
        "age": 4,
        "age_needs": [
          "early_childhood",
          "child"
        ],
        "cluster": "anak"
      })
    ],
    "household_id": HOUSEHOLD,
    "attached": [],
    "facility_id": FACILITY,
    "warnings": []
  }
};

/** POST /stays */
export const postStays: OpenApiExample = {
  "summary": "The household checked in together into one unit",
  "request": {
    "person_ids": [
      RATNA,
      DIMAS
    ],
    "unit_id": UNIT
  },
  "response": {
    "stays": [
      stay("0196f0c2-5a1e-7000-8000-000000000005", RATNA),
      stay("0196f0c2-5a1e-7000-8000-000000000008", DIMAS)
    ],
    "facility_id": FACILITY,
    "unit_id": UNIT,
    "unit_name": "Ruang Keluarga",
    "overflow": false,
    "split": false,
    "unit_reason": {
      "code": "placement.reason.chosen",
      "params": {
        "unit": "Ruang Keluarga"
      },
      "message": "Ruang Keluarga: dipilih petugas."
    }
  }
};

/** POST /handoffs */
export const postHandoffs: OpenApiExample = {
  "summary": "Two persons handed over by a Satpol PP team, one known by a description only",
  "request": {
    "operation": {
      "number": "SPT/045/SATPOL/XI/2026",
      "at": "2026-11-22T08:30:00+07:00",
      "place": "Kolong Flyover Senen",
      "wilayah_code": "31.71",
      "team": "Regu B",
      "leader_name": "Hendra Saputra"
    },
    "facility_id": FACILITY,
    "persons": [
      {
        "name": "Siti Aminah",
        "sex": "P",
        "approx_age": 27,
        "needs": [
          "pregnant"
        ]
      },
      {
        "description": "laki-laki, kaos merah, bertopi",
        "sex": "L",
        "approx_age": 40
      }
    ]
  },
  "response": {
    "id": "0196f0c2-5a1e-7000-8000-000000000009",
    "number": "HO-3171-20261208-0001",
    "status": "OPEN",
    "operation": {
      "number": "SPT/045/SATPOL/XI/2026",
      "at": "2026-11-22T08:30:00.000+07:00",
      "place": "Kolong Flyover Senen",
      "wilayah_code": "31.71",
      "team": "Regu B",
      "leader_name": "Hendra Saputra",
      "leader_nip": ""
    },
    "facility_id": FACILITY,
    "facility": {
      "id": FACILITY,
      "code": "TPS-JP-01",
      "name": "TPS Jakarta Pusat"
    },
    "created_at": "2026-12-08T00:27:32.079+07:00",
    "closed_at": null,
    "receiving_officer": null,
    "counts": {
      "total": 2,
      "pending": 2,
      "received": 0,
      "not_received": 0
    },
    "persons": [
      handedOver({
        "id": "0196f0c2-5a1e-7000-8000-000000000010",
        "seq": 1,
        "name": "Siti Aminah",
        "sex": "P",
        "approx_age": 27,
        "needs": [
          "pregnant"
        ]
      }),
      handedOver({
        "id": "0196f0c2-5a1e-7000-8000-000000000011",
        "seq": 2,
        "description": "laki-laki, kaos merah, bertopi",
        "sex": "L",
        "approx_age": 40
      })
    ]
  }
};

/** GET /occupancy */
export const getOccupancy: OpenApiExample = {
  "summary": "Every figure, as a command centre sees it",
  "response": {
    "as_of": "2026-12-08T00:27:32.140+07:00",
    "total": figures(),
    "by_kind": {
      "TPS": figures()
    },
    "by_wilayah": {
      "31.71": figures()
    },
    "facilities": [
      {
        "id": FACILITY,
        "code": "TPS-JP-01",
        "name": "TPS Jakarta Pusat",
        "kind": "TPS",
        "wilayah_code": "31.71",
        "status": "OPEN",
        "protected": false,
        ...figures(),
        "load": 0.2,
        "units": [
          {
            "id": UNIT,
            "name": "Ruang Keluarga",
            "admits": "any",
            "features": [],
            "status": "AVAILABLE",
            ...figures()
          }
        ]
      }
    ]
  }
};

/** GET /routing */
export const getRouting: OpenApiExample = {
  "summary": "Where the household could go, and why",
  "query": {
    "person_id": RATNA
  },
  "response": {
    "person_id": RATNA,
    "persons": [
      {
        "id": RATNA,
        "resident_code": "SGH-HWMJW7",
        "sex": "P"
      },
      {
        "id": DIMAS,
        "resident_code": "SGH-QF9A1J",
        "sex": "L"
      }
    ],
    "household": [
      {
        "id": RATNA,
        "resident_code": "SGH-HWMJW7"
      },
      {
        "id": DIMAS,
        "resident_code": "SGH-QF9A1J"
      }
    ],
    "cluster": [
      "anak"
    ],
    "places": 2,
    "needs": [
      "early_childhood"
    ],
    "services": [
      "early_childhood"
    ],
    "origin_facility_id": FACILITY,
    "needed": true,
    "open_referral": null,
    "destinations": [],
    "passed_over": [
      {
        "facility": {
          "id": FACILITY,
          "code": "TPS-JP-01",
          "name": "TPS Jakarta Pusat",
          "kind": "TPS"
        },
        "reasons": [
          {
            "code": "routing.passed.origin",
            "message": "tempat mereka berada sekarang"
          },
          {
            "code": "routing.passed.missing_service",
            "params": {
              "service": "early_childhood"
            },
            "message": "tidak memberi pengasuhan anak usia dini"
          }
        ]
      }
    ],
    "nothing_fits": true,
    "missing": [
      {
        "code": "routing.missing.no_open",
        "message": "Tidak ada fasilitas lain yang buka."
      }
    ],
    "alert_id": null
  }
};
