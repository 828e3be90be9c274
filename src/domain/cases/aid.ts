import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import type { Lang } from '../../i18n/index.ts';
import { translate } from '../../i18n/index.ts';

/**
 * The road to aid by NIK (DOMAIN.md): what stands between a person and
 * PKH/BPNT, each step with its reason, its next step and the Dinsos that acts.
 * The rule is pure (`aidSteps`); `aidPlaces` reads the few facts it needs from
 * the database. The worklist, the caseload, the case and the DTKS export all
 * ask these, nothing else decides a step.
 */
export const AID_STEPS = ['adminduk', 'nik_from_kk', 'akta', 'dtks_check', 'dtks', 'dtks_update', 'dtks_proposed', 'domicile'] as const;
export type AidStep = (typeof AID_STEPS)[number];
type Tri = 'yes' | 'no' | 'unknown';

export interface AidFacts {
  nik: string | null;
  /** The family card (Kartu Keluarga) number, when known. */
  kk: string | null;
  /** Age in whole years today (null when unknown): under one is a newborn. */
  age: number | null;
  dtks: Tri;
  pkh: Tri;
  bpnt: Tri;
  ktpAddress: string | null;
  domicileAddress: string | null;
  originWilayahCode: string | null;
  /** Another live member of the same KK is in DTKS (DTKS is kept per family card). */
  kkInDtks: boolean;
  /** Kab/kota ("31.71") of the facility the person is placed at now; null when not placed or the place is protected. */
  placedWilayah: string | null;
  /** After a discharge home (pemulangan, reunification): the destination kab/kota. */
  homeWilayah: string | null;
}

export interface AidStepFact {
  code: AidStep;
  /** The Dinsos (kab/kota) that acts on the step; null when nothing says where. */
  dinsos_wilayah_code: string | null;
}

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
const blank = (s: string | null | undefined) => !s || !s.trim();

/**
 * The kab/kota that issued the NIK: its first four digits ("3374…" → "33.74").
 * Digits 5–6 are the kecamatan; where a person is placed is known by kab/kota
 * only, so the comparison is made at that level.
 */
export function nikRegion(nik: string | null | undefined): string | null {
  return nik && /^\d{16}$/.test(nik) ? `${nik.slice(0, 2)}.${nik.slice(2, 4)}` : null;
}

/** PKH and BPNT are paid to families in DTKS: a "yes" to either is a "yes" to DTKS. */
export function inDtks(p: Pick<AidFacts, 'dtks' | 'pkh' | 'bpnt'>): boolean {
  return p.dtks === 'yes' || p.pkh === 'yes' || p.bpnt === 'yes';
}

/** Where the person lives now, as a kab/kota: home after a return home, else the (unprotected) place they are placed at. */
export function livesIn(p: Pick<AidFacts, 'homeWilayah' | 'placedWilayah'>): string | null {
  return p.homeWilayah ?? p.placedWilayah;
}

/**
 * Does the KTP name another place than where the person lives? `elsewhere`
 * when the NIK's kab/kota differs from where they live or are placed, or the
 * KTP and domicile addresses differ; `same` when what is known agrees; and
 * `unknown` when nothing says where they live (a blank domicile is not "the
 * same as the KTP": homeless people usually have none). After a return home
 * the domicile text (the street or the shelter's city) no longer holds.
 */
export function domicileState(p: Pick<AidFacts, 'nik' | 'ktpAddress' | 'domicileAddress' | 'homeWilayah' | 'placedWilayah'>): 'elsewhere' | 'same' | 'unknown' {
  const region = nikRegion(p.nik);
  const place = livesIn(p);
  if (region && place && region !== place) return 'elsewhere';
  if (p.homeWilayah) return region ? 'same' : 'unknown';
  const texts = !blank(p.ktpAddress) && !blank(p.domicileAddress);
  if (texts && norm(p.ktpAddress!) !== norm(p.domicileAddress!)) return 'elsewhere';
  if (texts || (region && place)) return 'same';
  return 'unknown';
}

/** Kept for callers that ask yes/no: only a known difference counts. */
export function ktpElsewhere(p: Parameters<typeof domicileState>[0]): boolean {
  return domicileState(p) === 'elsewhere';
}

/**
 * The steps, in order:
 * - identity: no NIK → a newborn needs the akta (birth certificate) and then
 *   the KK; with a known KK the NIK is printed on it (or on the KIA); with
 *   neither, record at Dukcapil (adminduk). DTKS takes people by NIK, so the
 *   DTKS step waits for it.
 * - DTKS: PKH/BPNT "yes" means in DTKS (nothing to do). Once proposed, wait.
 *   A member of a KK that is in DTKS needs a data update, not a proposal.
 *   `unknown` → check by NIK at the Dinsos first; its outcome (recorded as the
 *   person's DTKS yes/no) opens the next step. `no` → propose.
 * - domicile: the KTP names another place than where they live.
 * Each names the Dinsos that acts: where they live (after a return home, the
 * destination's), else the NIK's kab/kota, else the recorded origin.
 */
export function aidSteps(p: AidFacts, dtksProposedAt: string | null): AidStepFact[] {
  const codes: AidStep[] = [];
  if (!p.nik) {
    if (p.age !== null && p.age < 1) codes.push('akta');
    else codes.push(p.kk ? 'nik_from_kk' : 'adminduk');
  } else if (!inDtks(p)) {
    if (dtksProposedAt) codes.push('dtks_proposed');
    else if (p.kkInDtks) codes.push('dtks_update');
    else codes.push(p.dtks === 'unknown' ? 'dtks_check' : 'dtks');
  }
  if (domicileState(p) === 'elsewhere') codes.push('domicile');
  const dinsos = livesIn(p) ?? nikRegion(p.nik) ?? p.originWilayahCode;
  return codes.map((code) => ({ code, dinsos_wilayah_code: dinsos }));
}

export interface AidStepView extends AidStepFact {
  reason: string;
  next_step: string;
}

/** Each step with its reason and next step in the reader's language. */
export function describeAidSteps(steps: AidStepFact[], p: Pick<AidFacts, 'nik' | 'homeWilayah' | 'placedWilayah'>, lang: Lang): AidStepView[] {
  const params = { nik_region: nikRegion(p.nik) ?? '—', place: livesIn(p) ?? '—' };
  return steps.map((s) => ({
    ...s,
    reason: translate(lang, `aid.reason.${s.code}`, params),
    next_step: translate(lang, `aid.step.${s.code}`, { dinsos: s.dinsos_wilayah_code ?? '—' }),
  }));
}

export interface AidPlace {
  placedWilayah: string | null;
  homeWilayah: string | null;
  kkInDtks: boolean;
}

/**
 * Where each person is placed (an open stay at a facility that is not
 * protected: a protected place never becomes a person's domicile), where they
 * went home to (their latest stay closed with a discharge journey), and
 * whether another live member of their KK is in DTKS.
 */
export async function aidPlaces(db: Db | Tx, personIds: string[]): Promise<Map<string, AidPlace>> {
  const out = new Map<string, AidPlace>();
  for (let i = 0; i < personIds.length; i += 500) {
    const ids = personIds.slice(i, i + 500);
    if (!ids.length) continue;
    const rows = await db.all<{ id: string; placed: string | null; home: string | null; kk_in_dtks: number | string }>(sql`
      select p.id,
        (select f.wilayah_code from stays s join facilities f on f.id = s.facility_id
          where s.person_id = p.id and s.checked_out_at is null and f.protected = 0 limit 1) as placed,
        (select j.destination_wilayah_code from stays s join discharge_journeys j on j.stay_id = s.id
          where s.person_id = p.id and s.checked_out_at is not null
            and not exists (select 1 from stays o where o.person_id = p.id and (o.checked_out_at is null or o.checked_in_at > s.checked_in_at))
          limit 1) as home,
        case when p.kk is not null and exists (select 1 from persons m where m.kk = p.kk and m.id <> p.id
          and m.merged_into_id is null and m.anonymised_at is null and (m.dtks = 'yes' or m.pkh = 'yes' or m.bpnt = 'yes')) then 1 else 0 end as kk_in_dtks
      from persons p
      where p.id in (${sql.join(
        ids.map((id) => sql`${id}`),
        sql`, `,
      )})`);
    for (const r of rows) out.set(r.id, { placedWilayah: r.placed, homeWilayah: r.home, kkInDtks: Number(r.kk_in_dtks) === 1 });
  }
  return out;
}

/** The facts of the rule from a person's stored fields (camelCase, as drizzle reads them) and `aidPlaces`. */
export function aidFactsOf(
  p: Pick<AidFacts, 'nik' | 'kk' | 'dtks' | 'pkh' | 'bpnt' | 'ktpAddress' | 'domicileAddress' | 'originWilayahCode'>,
  age: number | null,
  place: AidPlace | undefined,
): AidFacts {
  return {
    nik: p.nik,
    kk: p.kk,
    age,
    dtks: p.dtks,
    pkh: p.pkh,
    bpnt: p.bpnt,
    ktpAddress: p.ktpAddress,
    domicileAddress: p.domicileAddress,
    originWilayahCode: p.originWilayahCode,
    kkInDtks: place?.kkInDtks ?? false,
    placedWilayah: place?.placedWilayah ?? null,
    homeWilayah: place?.homeWilayah ?? null,
  };
}
