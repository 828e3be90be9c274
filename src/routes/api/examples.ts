import type { OpenApiExample } from '../../types.js';

/*
 * Examples of the main calls, shown in the OpenAPI document (src/plugins/openapi.ts): real
 * answers of a test database, ids replaced by fixed ones. tests/integration/openapi.test.ts checks
 * each against the schemas of its request and answer, so an example cannot drift from them.
 */

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
      {
        "id": "0196f0c2-5a1e-7000-8000-000000000001",
        "resident_code": "SGH-HWMJW7",
        "name": "Ratna Sari",
        "description": null,
        "alias": null,
        "nik": null,
        "nik_masked": false,
        "kk": null,
        "sex": "P",
        "birth_date": null,
        "estimated_age": 29,
        "estimated_at": "2026-12-08",
        "age": 29,
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
        "consent": true,
        "consent_at": "2026-12-08T00:27:31.876+07:00",
        "consent_by": "self",
        "consent_by_name": null,
        "nik_override_reason": null,
        "household_id": "0196f0c2-5a1e-7000-8000-000000000002",
        "source": "walk_in",
        "merged_into_id": null,
        "created_at": "2026-12-08T00:27:31.876+07:00",
        "updated_at": "2026-12-08T00:27:31.876+07:00"
      },
      {
        "id": "0196f0c2-5a1e-7000-8000-000000000003",
        "resident_code": "SGH-QF9A1J",
        "name": "Dimas",
        "description": null,
        "alias": null,
        "nik": null,
        "nik_masked": false,
        "kk": null,
        "sex": "L",
        "birth_date": "2022-03-04",
        "estimated_age": null,
        "estimated_at": null,
        "age": 4,
        "age_needs": [
          "early_childhood",
          "child"
        ],
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
        "cluster": "anak",
        "dtks": "unknown",
        "pkh": "unknown",
        "bpnt": "unknown",
        "consent": false,
        "consent_at": null,
        "consent_by": null,
        "consent_by_name": null,
        "nik_override_reason": null,
        "household_id": "0196f0c2-5a1e-7000-8000-000000000002",
        "source": "walk_in",
        "merged_into_id": null,
        "created_at": "2026-12-08T00:27:31.876+07:00",
        "updated_at": "2026-12-08T00:27:31.876+07:00"
      }
    ],
    "household_id": "0196f0c2-5a1e-7000-8000-000000000002",
    "attached": [],
    "facility_id": "0196f0c2-5a1e-7000-8000-000000000004",
    "warnings": []
  }
};

/** POST /stays */
export const postStays: OpenApiExample = {
  "summary": "The household checked in together into one unit",
  "request": {
    "person_ids": [
      "0196f0c2-5a1e-7000-8000-000000000001",
      "0196f0c2-5a1e-7000-8000-000000000003"
    ],
    "unit_id": "0196f0c2-5a1e-7000-8000-000000000006"
  },
  "response": {
    "stays": [
      {
        "id": "0196f0c2-5a1e-7000-8000-000000000005",
        "person_id": "0196f0c2-5a1e-7000-8000-000000000001",
        "household_id": "0196f0c2-5a1e-7000-8000-000000000002",
        "facility_id": "0196f0c2-5a1e-7000-8000-000000000004",
        "unit_id": "0196f0c2-5a1e-7000-8000-000000000006",
        "bed_label": null,
        "checked_in_at": "2026-12-08T00:27:31.956+07:00",
        "checked_in_by": "0196f0c2-5a1e-7000-8000-000000000007",
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
      },
      {
        "id": "0196f0c2-5a1e-7000-8000-000000000008",
        "person_id": "0196f0c2-5a1e-7000-8000-000000000003",
        "household_id": "0196f0c2-5a1e-7000-8000-000000000002",
        "facility_id": "0196f0c2-5a1e-7000-8000-000000000004",
        "unit_id": "0196f0c2-5a1e-7000-8000-000000000006",
        "bed_label": null,
        "checked_in_at": "2026-12-08T00:27:31.956+07:00",
        "checked_in_by": "0196f0c2-5a1e-7000-8000-000000000007",
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
      }
    ],
    "facility_id": "0196f0c2-5a1e-7000-8000-000000000004",
    "unit_id": "0196f0c2-5a1e-7000-8000-000000000006",
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
    "facility_id": "0196f0c2-5a1e-7000-8000-000000000004",
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
    "facility_id": "0196f0c2-5a1e-7000-8000-000000000004",
    "facility": {
      "id": "0196f0c2-5a1e-7000-8000-000000000004",
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
      {
        "id": "0196f0c2-5a1e-7000-8000-000000000010",
        "seq": 1,
        "name": "Siti Aminah",
        "description": null,
        "sex": "P",
        "approx_age": 27,
        "group": null,
        "relationship": null,
        "needs": [
          "pregnant"
        ],
        "belongings": "",
        "notes": "",
        "status": "PENDING",
        "not_received_reason": null,
        "accounted_at": null
      },
      {
        "id": "0196f0c2-5a1e-7000-8000-000000000011",
        "seq": 2,
        "name": null,
        "description": "laki-laki, kaos merah, bertopi",
        "sex": "L",
        "approx_age": 40,
        "group": null,
        "relationship": null,
        "needs": [],
        "belongings": "",
        "notes": "",
        "status": "PENDING",
        "not_received_reason": null,
        "accounted_at": null
      }
    ]
  }
};

/** GET /occupancy */
export const getOccupancy: OpenApiExample = {
  "summary": "?wilayah=31.71: every figure of the kab/kota and a page of its facilities, as a command centre sees it",
  "response": {
    "as_of": "2026-12-08T00:27:32.140+07:00",
    "level": "facility",
    "total": {
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
    },
    "by_kind": {
      "TPS": {
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
      }
    },
    "by_wilayah": {
      "31.71": {
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
      }
    },
    "facilities": [
      {
        "id": "0196f0c2-5a1e-7000-8000-000000000004",
        "code": "TPS-JP-01",
        "name": "TPS Jakarta Pusat",
        "kind": "TPS",
        "wilayah_code": "31.71",
        "status": "OPEN",
        "protected": false,
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
        },
        "load": 0.2,
        "units": [
          {
            "id": "0196f0c2-5a1e-7000-8000-000000000006",
            "name": "Ruang Keluarga",
            "admits": "any",
            "features": [],
            "status": "AVAILABLE",
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
          }
        ]
      }
    ],
    "next": null
  }
};

/** GET /routing */
export const getRouting: OpenApiExample = {
  "summary": "Where the household could go, and why",
  "query": {
    "person_id": "0196f0c2-5a1e-7000-8000-000000000001"
  },
  "response": {
    "person_id": "0196f0c2-5a1e-7000-8000-000000000001",
    "persons": [
      {
        "id": "0196f0c2-5a1e-7000-8000-000000000001",
        "resident_code": "SGH-HWMJW7",
        "sex": "P"
      },
      {
        "id": "0196f0c2-5a1e-7000-8000-000000000003",
        "resident_code": "SGH-QF9A1J",
        "sex": "L"
      }
    ],
    "household": [
      {
        "id": "0196f0c2-5a1e-7000-8000-000000000001",
        "resident_code": "SGH-HWMJW7"
      },
      {
        "id": "0196f0c2-5a1e-7000-8000-000000000003",
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
    "origin_facility_id": "0196f0c2-5a1e-7000-8000-000000000004",
    "needed": true,
    "open_referral": null,
    "destinations": [],
    "destinations_total": 0,
    "passed_over": [
      {
        "facility": {
          "id": "0196f0c2-5a1e-7000-8000-000000000004",
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
    "passed_over_counts": {},
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
