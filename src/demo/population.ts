import { sql } from 'drizzle-orm';
import { write, type Db, type Tx } from '../db/client.ts';
import { persons, households, stays, referrals, referralPersons, handoffs, handoffPersons, alerts, occupancySamples } from '../db/schema/index.ts';
import type { DischargeOutcome, PpksCategory, Sex, FacilityKind, UnitAdmits, UnitFeature, VisibleNeed } from '../db/schema/index.ts';
import { searchKeyFor } from '../domain/persons/names.ts';
import { newId, newResidentCode } from '../lib/ids.ts';
import { wibDate } from '../lib/time.ts';
import { approachOf, APPROACHES, SAMPLE_EVERY_MS } from '../domain/board/sampler.ts';

/**
 * A synthetic but consistent history of people through the facilities: who
 * came, where they stayed, where they went. Made with direct inserts because
 * the history is backdated (the verbs stamp "now"); every invariant the verbs
 * keep is kept here too — one open stay per person, a transfer ends one stay
 * and begins the next at the same instant, no unit is filled past its usable
 * places — and tests/integration/demo-population.test.ts checks them.
 *
 * Counts are exact by construction: `handled` people end their history in
 * each approach (TPS, residential, LKS), so "people handled by approach, each
 * counted once under their latest placement" reads those numbers back.
 */
export interface PopulationPlan {
  handled: { TPS: number; RESIDENTIAL: number; LKS: number };
  /** How full each approach is now (of usable places). */
  fill: { TPS: [number, number]; RESIDENTIAL: [number, number]; LKS: [number, number] };
  days: number;
  openReferrals: number;
  openHandoffs: number;
  closedHandoffs: number;
  seed: number;
}

export const DEFAULT_PLAN: PopulationPlan = {
  handled: { TPS: 70, RESIDENTIAL: 22, LKS: 48 },
  fill: { TPS: [0.25, 0.55], RESIDENTIAL: [0.4, 0.7], LKS: [0.2, 0.5] },
  days: 14,
  openReferrals: 3,
  openHandoffs: 2,
  closedHandoffs: 4,
  seed: 20201,
};

/** DOMAIN.md: 2,652 in TPS, 403 in balai, 2,781 through LKS; 5,836 in all. */
export const PWTC_PLAN: PopulationPlan = {
  handled: { TPS: 2652, RESIDENTIAL: 403, LKS: 2781 },
  fill: { TPS: [0.78, 0.99], RESIDENTIAL: [0.85, 0.97], LKS: [0.6, 0.92] },
  days: 90,
  openReferrals: 10,
  openHandoffs: 5,
  closedHandoffs: 140,
  seed: 2020,
};

/** mulberry32: a small seeded generator, so a demo is the same every time. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}

export const MALE = ['Budi', 'Agus', 'Slamet', 'Joko', 'Ahmad', 'Muhammad', 'Rudi', 'Hendra', 'Dedi', 'Bambang', 'Eko', 'Andi', 'Yusuf', 'Rizki', 'Hasan', 'Sutrisno', 'Wahyu', 'Iwan', 'Asep', 'Ujang', 'Darmo', 'Tono', 'Sugeng', 'Heri', 'Imam', 'Rahmat', 'Dodi', 'Fajar', 'Gilang', 'Bayu', 'Suparman', 'Kusnadi', 'Udin', 'Jajang', 'Marwan'];
export const FEMALE = ['Siti', 'Sri', 'Dewi', 'Ani', 'Nur', 'Rina', 'Wati', 'Lestari', 'Yuni', 'Ratna', 'Sumiati', 'Fitri', 'Aminah', 'Kartini', 'Endang', 'Suryani', 'Nurhayati', 'Tuti', 'Yanti', 'Maryam', 'Dian', 'Ayu', 'Indah', 'Puji', 'Rohmah', 'Wulan', 'Sarinah', 'Tini', 'Eti', 'Iis'];
export const FAMILY = ['Santoso', 'Wijaya', 'Saputra', 'Hidayat', 'Kurniawan', 'Setiawan', 'Pratama', 'Gunawan', 'Susanto', 'Nugroho', 'Hakim', 'Siregar', 'Simanjuntak', 'Lubis', 'Nasution', 'Harahap', 'Sembiring', 'Tarigan', 'Manurung', 'Rahman', 'Purnomo', 'Wibowo', 'Utomo', 'Sulistyo', 'Maulana', 'Firmansyah', 'Ramadhan', 'Syahputra', '', '', '', '', ''];
export const CHILD = ['Putri', 'Rafi', 'Aisyah', 'Dimas', 'Nadia', 'Fikri', 'Salsa', 'Bima', 'Zahra', 'Raka', 'Keisha', 'Alif'];
export const CLOTHES = ['kaos merah', 'kemeja biru', 'jaket hitam', 'kaos putih', 'sarung kotak-kotak', 'topi hijau', 'celana pendek coklat'];
const ORIGINS = ['31.71', '31.72', '31.73', '31.74', '31.75', '32.01', '32.04', '32.16', '32.73', '32.75', '33.74', '33.01', '33.27', '35.78', '35.07', '36.03', '36.71', '18.71', '12.71', '73.71'];
const CATEGORIES: PpksCategory[] = ['gelandangan', 'pengemis', 'pemulung', 'korban_phk', 'korban_phk', 'gelandangan', 'pemulung', 'lainnya'];

interface UnitInfo {
  id: string;
  facilityId: string;
  kind: FacilityKind;
  admits: UnitAdmits;
  features: UnitFeature[];
  /** The facility's services and whether it is a home for the elderly only (routing/route.ts isElderlyHome): the demo obeys routing's rules. */
  services: string[];
  elderlyOnly: boolean;
  usable: number;
  wilayah: string;
  bedLabelPattern: string | null;
  /** Places taken at `now` by open stays (and held by open referrals). */
  taken: number;
  beds: number;
}

interface PersonDraft {
  id: string;
  sex: Sex;
  age: number;
  name: string | null;
  description: string | null;
  needs: { pregnant?: boolean; elderly?: boolean; disability?: boolean; wheelchair?: boolean; child?: boolean; physical?: boolean };
  householdId: string | null;
}

export interface PopulationResult {
  persons: number;
  stays: number;
  present: Record<'TPS' | 'RESIDENTIAL' | 'LKS', number>;
  handled: Record<'TPS' | 'RESIDENTIAL' | 'LKS', number>;
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;

export async function seedPopulation(db: Db, plan: PopulationPlan = DEFAULT_PLAN, now = new Date()): Promise<PopulationResult> {
  const r = rng(plan.seed);
  const end = now.getTime();
  const start = end - plan.days * DAY;
  const iso = (t: number) => new Date(Math.min(t, end - 60_000)).toISOString();

  const unitRows = await db.all<{
    id: string;
    facility_id: string;
    kind: FacilityKind;
    admits: UnitAdmits;
    features: string;
    capacity: number;
    blocked: number;
    status: string;
    fstatus: string;
    wilayah_code: string;
    bed_label_pattern: string | null;
    services: string;
    clusters: string;
  }>(sql`select u.id, u.facility_id, f.kind, u.admits, u.features, u.capacity, u.blocked, u.status, f.status as fstatus, f.wilayah_code, u.bed_label_pattern, f.services, f.clusters
         from units u join facilities f on f.id = u.facility_id order by f.code, u.sort_order`);
  const allUnits: UnitInfo[] = unitRows.map((u) => ({
    id: u.id,
    facilityId: u.facility_id,
    kind: u.kind,
    admits: u.admits,
    features: JSON.parse(u.features) as UnitFeature[],
    services: JSON.parse(u.services) as string[],
    elderlyOnly: JSON.stringify(JSON.parse(u.clusters)) === '["lansia"]',
    usable: u.status === 'AVAILABLE' && u.fstatus === 'OPEN' ? u.capacity - u.blocked : 0,
    wilayah: u.wilayah_code,
    bedLabelPattern: u.bed_label_pattern,
    taken: 0,
    beds: 0,
  }));
  const open = allUnits.filter((u) => u.usable > 0);
  const byApproach = (a: 'TPS' | 'RESIDENTIAL' | 'LKS') => open.filter((u) => approachOf(u.kind) === a);
  // Protected places (a women's safe house) are left out of the synthetic flow.
  const protectedFacilities = new Set((await db.all<{ id: string }>(sql`select id from facilities where protected = 1`)).map((f) => f.id));
  const usableFor = (a: 'TPS' | 'RESIDENTIAL' | 'LKS') => byApproach(a).filter((u) => !protectedFacilities.has(u.facilityId));

  const residentCodes = new Set<string>();
  const niks = new Set<string>();
  const personRows: (typeof persons.$inferInsert)[] = [];
  const personById = new Map<string, typeof persons.$inferInsert>();
  const householdRows: (typeof households.$inferInsert)[] = [];
  const stayRows: (typeof stays.$inferInsert)[] = [];
  const referralRows: (typeof referrals.$inferInsert)[] = [];
  const referralPersonRows: (typeof referralPersons.$inferInsert)[] = [];
  /** TPS stays that began with a Satpol PP handoff, to group into operations. */
  const handedOver: { personId: string; at: number; facilityId: string; wilayah: string; draft: PersonDraft }[] = [];

  const birthFor = (age: number, at: number) => {
    const d = new Date(at - age * 365.25 * DAY - r.int(0, 364) * DAY);
    return d.toISOString().slice(0, 10);
  };

  function makeNik(origin: string, sex: Sex, birth: string): string | null {
    for (let i = 0; i < 5; i++) {
      const [y, m, d] = birth.split('-');
      const dd = Number(d) + (sex === 'P' ? 40 : 0);
      const nik = `${origin.replace('.', '')}${String(r.int(1, 24)).padStart(2, '0')}${String(dd).padStart(2, '0')}${m}${y!.slice(2)}${String(r.int(1, 2999)).padStart(4, '0')}`;
      if (!niks.has(nik)) {
        niks.add(nik);
        return nik;
      }
    }
    return null;
  }

  function newPerson(draft: Omit<PersonDraft, 'id' | 'name' | 'description'> & { named?: boolean }, firstAt: number, facilityId: string, source: 'walk_in' | 'outreach' | 'satpol_handoff' | 'referral'): PersonDraft {
    const id = newId();
    let code = newResidentCode();
    while (residentCodes.has(code)) code = newResidentCode();
    residentCodes.add(code);
    const named = draft.named ?? r.chance(0.9);
    const first = draft.age < 15 ? r.pick(CHILD) : r.pick(draft.sex === 'L' ? MALE : FEMALE);
    const family = r.pick(FAMILY);
    const name = named ? `${first}${family ? ' ' + family : ''}` : null;
    const description = named ? null : `${draft.sex === 'L' ? 'laki-laki' : 'perempuan'}, ±${draft.age} th, ${r.pick(CLOTHES)}`;
    const origin = r.pick(ORIGINS);
    const birth = birthFor(draft.age, firstAt);
    const hasId = named && draft.age >= 17 && r.chance(0.45);
    const createdAt = iso(firstAt - r.int(5, 40) * 60_000);
    personRows.push({
      id,
      residentCode: code,
      name,
      description,
      searchKey: searchKeyFor(name, null),
      nik: hasId ? makeNik(origin, draft.sex, birth) : null,
      sex: draft.sex,
      birthDate: hasId ? birth : null,
      estimatedAge: hasId ? null : draft.age,
      estimatedAt: hasId ? null : wibDate(createdAt),
      originWilayahCode: origin,
      domicileAddress: r.pick(['kolong jembatan', 'emperan toko', 'sekitar stasiun', 'taman kota', 'pinggir kali', 'pasar', 'tidak tetap']),
      category: draft.age < 18 ? 'anak_jalanan' : draft.age >= 60 ? 'lansia_terlantar' : draft.needs.disability ? 'disabilitas_terlantar' : r.pick(CATEGORIES),
      pregnant: draft.needs.pregnant ?? false,
      pregnancyWeeks: draft.needs.pregnant ? r.int(12, 36) : null,
      disabilities: draft.needs.physical ? ['fisik'] : draft.needs.disability ? [r.pick(['fisik', 'fisik', 'sensorik', 'intelektual', 'mental'] as const)] : [],
      wheelchair: draft.needs.wheelchair ?? false,
      consent: true,
      consentAt: createdAt,
      // A child never consents alone: the social worker does, named (persons/consent.ts).
      consentBy: draft.age < 18 ? 'pekerja_sosial' : 'self',
      consentByName: draft.age < 18 ? 'Pekerja Sosial Dinsos' : null,
      householdId: draft.householdId,
      source,
      isDemo: true,
      createdAt,
      createdBy: 'demo-seed',
      createdAtFacilityId: facilityId,
      updatedAt: createdAt,
    });
    personById.set(id, personRows[personRows.length - 1]!);
    return { id, name, description, ...draft };
  }

  function bedFor(u: UnitInfo): string | null {
    if (!u.bedLabelPattern) return null;
    u.beds += 1;
    return u.bedLabelPattern.replace('{n}', String(u.beds));
  }

  function stay(p: PersonDraft, u: UnitInfo, inAt: number, outAt: number | null, outcome: DischargeOutcome | null, prev: string | null, extra: Partial<typeof stays.$inferInsert> = {}): string {
    const id = newId();
    stayRows.push({
      id,
      personId: p.id,
      householdId: p.householdId,
      facilityId: u.facilityId,
      unitId: u.id,
      bedLabel: outAt === null ? bedFor(u) : null,
      checkedInAt: iso(inAt),
      checkedInBy: 'demo-seed',
      checkedOutAt: outAt === null ? null : iso(outAt),
      checkedOutBy: outAt === null ? null : 'demo-seed',
      outcome,
      destination: outcome === 'returned_home' ? 'Daerah asal' : outcome === 'reunited' ? 'Keluarga' : null,
      previousStayId: prev,
      ...extra,
    });
    if (outAt === null) u.taken += 1;
    return id;
  }

  // Per-unit ceilings for who is present now: usable × a fill ratio of the plan.
  const ceiling = new Map<string, number>();
  for (const u of open) {
    const [lo, hi] = plan.fill[approachOf(u.kind)];
    ceiling.set(u.id, Math.floor(u.usable * (lo + r.next() * (hi - lo))));
  }
  /** Who a unit takes (placement/choose-unit.ts): a child alone only a children's unit, never an adults' one. */
  const admitsDraft = (u: UnitInfo, p: { sex: 'L' | 'P'; age: number }, size: number) =>
    size === 1 && p.age < 18 ? u.admits === 'children' : size > 1 ? u.admits === 'family' || u.admits === 'any' : u.admits === 'any' || u.admits === (p.sex === 'L' ? 'male' : 'female');
  const hasRoomNow = (u: UnitInfo, size = 1) => u.taken + size <= (ceiling.get(u.id) ?? 0);
  /** Routing's rules, for the demo's own placements: an elderly-only home for 60+, a disability home of the person's type (residential disability drafts are fisik). */
  function serves(u: UnitInfo, p: Pick<PersonDraft, 'age' | 'needs'>): boolean {
    if (u.elderlyOnly && p.age < 60) return false;
    if (p.needs.disability && u.kind !== 'TPS' && u.kind !== 'LKS' && !u.services.includes('disability_physical')) return false;
    return true;
  }
  function presentUnit(a: 'TPS' | 'RESIDENTIAL' | 'LKS', p: PersonDraft, size = 1, feature?: UnitFeature): UnitInfo | null {
    const fits = usableFor(a).filter(
      (u) =>
        hasRoomNow(u, size) &&
        admitsDraft(u, p, size) &&
        (!feature || u.features.includes(feature)) &&
        serves(u, p),
    );
    return fits.length ? r.pick(fits) : null;
  }
  /** Any unit of an approach that admits the person, for a stay that has already ended. */
  function pastUnit(a: 'TPS' | 'RESIDENTIAL' | 'LKS', p: PersonDraft, size = 1, feature?: UnitFeature): UnitInfo {
    const fits = usableFor(a).filter(
      (u) =>
        admitsDraft(u, p, size) &&
        (!feature || u.features.includes(feature)) &&
        serves(u, p),
    );
    return r.pick(fits.length ? fits : usableFor(a));
  }

  const tpsOutcomes: DischargeOutcome[] = ['reunited', 'reunited', 'returned_home', 'returned_home', 'returned_home', 'left', 'hospitalised', 'other'];
  const lksOutcomes: DischargeOutcome[] = ['reunited', 'returned_home', 'returned_home', 'other', 'left'];
  const resOutcomes: DischargeOutcome[] = ['reunited', 'returned_home', 'moved_to_lks', 'hospitalised', 'deceased'];

  /** First contact: a TPS stay from (mostly) a Satpol PP handoff or a walk-in. */
  function firstTps(p: PersonDraft, u: UnitInfo, inAt: number) {
    if (personById.get(p.id)!.source === 'satpol_handoff') handedOver.push({ personId: p.id, at: inAt, facilityId: u.facilityId, wilayah: u.wilayah, draft: p });
  }

  const adult = (): Omit<PersonDraft, 'id' | 'name' | 'description'> => ({ sex: r.chance(0.68) ? 'L' : 'P', age: r.int(19, 58), needs: {}, householdId: null });
  const source = () => (r.chance(0.55) ? 'satpol_handoff' : r.chance(0.6) ? 'outreach' : 'walk_in') as 'satpol_handoff' | 'outreach' | 'walk_in';

  type Draft = Omit<PersonDraft, 'id' | 'name' | 'description'>;
  /** A mother with her children (sometimes the father too): placed together, in a unit for families. */
  function familyMembers(): Draft[] {
    const householdId = newId();
    const mother: Draft = { sex: 'P', age: r.int(20, 44), needs: {}, householdId };
    const out: Draft[] = [mother];
    if (r.chance(0.3)) out.push({ sex: 'L', age: r.int(24, 55), needs: {}, householdId });
    for (let k = r.int(1, 2); k > 0; k--) {
      const age = r.int(0, 14);
      out.push({ sex: r.chance(0.5) ? 'L' : 'P', age, needs: { child: true }, householdId });
    }
    return out;
  }
  const probeOf = (d: Draft): PersonDraft => ({ ...d, id: '', name: null, description: null });

  /**
   * One arrival (a person, or a household together) whose history ends in
   * `approach`; LKS arrivals mostly pass through a TPS first.
   */
  function arrival(approach: 'TPS' | 'LKS', members: Draft[], presentChance: number, presentDays: number, viaTpsChance: number) {
    const size = members.length;
    if (members[0]!.householdId) householdRows.push({ id: members[0]!.householdId, createdAt: iso(start), createdBy: 'demo-seed' });
    const dest = r.chance(presentChance) ? presentUnit(approach, probeOf(members[0]!), size) : null;
    // A past stay is drawn whole inside the history, so nobody's departure is pushed to "now".
    const los = approach === 'TPS' ? r.int(6, 12 * 24) * HOUR : r.int(5, 45) * DAY;
    const placedAt = dest ? end - r.int(2, presentDays * 24) * HOUR : start + 10 * DAY + r.next() * Math.max(DAY, end - start - 10 * DAY - los - 2 * HOUR);
    const viaTps = approach === 'LKS' && r.chance(viaTpsChance);
    const firstAt = viaTps ? placedAt - r.int(1, 9) * DAY : placedAt;
    const src = approach === 'LKS' && !viaTps ? 'outreach' : source();
    const people = members.map((m) => newPerson(m, firstAt, '', src));
    const unit = dest ?? pastUnit(approach, people[0]!, size);
    const tps = viaTps ? pastUnit('TPS', people[0]!, size) : null;
    const out = dest ? null : Math.min(end - HOUR, placedAt + los);
    const outcome = out === null ? null : r.pick(approach === 'TPS' ? tpsOutcomes : lksOutcomes);
    for (const p of people) {
      const first = tps ?? unit;
      personById.get(p.id)!.createdAtFacilityId = first.facilityId;
      firstTps(p, first, firstAt);
      const prev = tps ? stay(p, tps, firstAt, placedAt, 'moved_to_lks', null) : null;
      stay(p, unit, placedAt, out, outcome, prev);
    }
    return size;
  }

  // ---- People whose latest placement is a TPS ----
  for (let n = 0; n < plan.handled.TPS; ) {
    const members = r.chance(0.1) && n + 4 <= plan.handled.TPS ? familyMembers() : [adult()];
    if (members.length === 1 && r.chance(0.06)) members[0]!.age = r.int(60, 78);
    n += arrival('TPS', members, 0.6, 14, 0);
  }

  // ---- People whose latest placement is an LKS (most came through a TPS) ----
  for (let n = 0; n < plan.handled.LKS; ) {
    const members = r.chance(0.3) && n + 4 <= plan.handled.LKS ? familyMembers() : [adult()];
    n += arrival('LKS', members, 0.55, 40, 0.7);
  }

  // ---- People whose latest placement is a balai/loka/panti: special needs, referred from a TPS ----
  let residential = 0;
  while (residential < plan.handled.RESIDENTIAL) {
    const kind = r.pick(['pregnant', 'pregnant_child', 'elderly', 'elderly', 'disability', 'child'] as const);
    const members: Omit<PersonDraft, 'id' | 'name' | 'description'>[] = [];
    let feature: UnitFeature | undefined;
    let householdId: string | null = null;
    if (kind === 'pregnant_child' && residential + 2 <= plan.handled.RESIDENTIAL) {
      householdId = newId();
      members.push({ sex: 'P', age: r.int(19, 38), needs: { pregnant: true }, householdId }, { sex: r.chance(0.5) ? 'L' : 'P', age: r.int(1, 5), needs: { child: true }, householdId });
      feature = 'maternity';
    } else if (kind === 'pregnant' || kind === 'pregnant_child') {
      members.push({ sex: 'P', age: r.int(18, 40), needs: { pregnant: true }, householdId: null });
      feature = 'maternity';
    } else if (kind === 'elderly') {
      members.push({ sex: r.chance(0.5) ? 'L' : 'P', age: r.int(60, 84), needs: { elderly: true }, householdId: null });
      feature = 'elderly';
    } else if (kind === 'disability') {
      const wheel = r.chance(0.4);
      members.push({ sex: r.chance(0.6) ? 'L' : 'P', age: r.int(18, 59), needs: { disability: true, physical: true, wheelchair: wheel }, householdId: null });
      feature = 'accessible';
    } else {
      members.push({ sex: r.chance(0.5) ? 'L' : 'P', age: r.int(7, 16), needs: { child: true }, householdId: null });
    }
    const size = members.length;
    const present = r.chance(0.85);
    const probe = { ...members[0]!, id: '', name: null, description: null };
    let dest = present ? presentUnit('RESIDENTIAL', probe, size, feature) : null;
    const resLos = r.int(7, 50) * DAY;
    const arriveAt = dest ? end - r.int(1, 60) * DAY + r.int(0, 23) * HOUR : start + 5 * DAY + r.next() * Math.max(DAY, end - start - 5 * DAY - resLos - 2 * HOUR);
    const firstAt = arriveAt - r.int(1, 4) * DAY;
    if (householdId) householdRows.push({ id: householdId, createdAt: iso(firstAt - 30 * 60_000), createdBy: 'demo-seed' });
    const people = members.map((m, i) => newPerson({ ...m, named: i > 0 || r.chance(0.95) }, firstAt, '', i === 0 ? source() : 'satpol_handoff'));
    dest ??= pastUnit('RESIDENTIAL', people[0]!, size, feature);
    const tps = pastUnit('TPS', people[0]!, size);
    const referralId = newId();
    const keep = !!present && dest.taken + size <= (ceiling.get(dest.id) ?? 0) && arriveAt > end - 61 * DAY;
    for (const p of people) {
      personById.get(p.id)!.createdAtFacilityId = tps.facilityId;
      firstTps(p, tps, firstAt);
      const prev = stay(p, tps, firstAt, arriveAt, 'referred', null);
      if (keep) stay(p, dest, arriveAt, null, null, prev, { referralId });
      else stay(p, dest, arriveAt, Math.min(end - HOUR, arriveAt + resLos), r.pick(resOutcomes), prev, { referralId });
      referralPersonRows.push({ referralId, personId: p.id, open: false });
    }
    referralRows.push({
      id: referralId,
      householdId,
      fromFacilityId: tps.facilityId,
      toFacilityId: dest.facilityId,
      toUnitId: dest.id,
      reason: kind.startsWith('pregnant') ? 'Ibu hamil: perlu layanan kehamilan' : kind === 'elderly' ? 'Lansia: perlu perawatan lansia' : kind === 'disability' ? 'Disabilitas: perlu layanan disabilitas' : 'Anak: perlu perlindungan anak',
      status: 'ARRIVED',
      places: size,
      proposedAt: iso(arriveAt - r.int(5, 30) * HOUR),
      proposedBy: 'demo-seed',
      decidedAt: iso(arriveAt - r.int(3, 4) * HOUR),
      decidedBy: 'demo-seed',
      departedAt: iso(arriveAt - r.int(1, 2) * HOUR),
      arrivedAt: iso(arriveAt),
      closedAt: iso(arriveAt),
      expiresAt: iso(arriveAt + DAY),
    });
    residential += size;
  }

  // ---- Referrals in flight now: people present in a TPS, places held at a residential centre ----
  const presentInTps = stayRows.filter((s) => s.checkedOutAt === null && open.find((u) => u.id === s.unitId && u.kind === 'TPS'));
  for (let i = 0; i < plan.openReferrals && i < presentInTps.length; i++) {
    const s = presentInTps[Math.floor((i * presentInTps.length) / plan.openReferrals)]!;
    const p = personById.get(s.personId!)!;
    const dest = usableFor('RESIDENTIAL').find((u) => u.taken + 1 <= u.usable && (u.admits === 'any' || u.admits === (p.sex === 'L' ? 'male' : 'female')));
    if (!dest) continue;
    dest.taken += 1;
    const status = (['PROPOSED', 'ACCEPTED', 'IN_TRANSIT'] as const)[i % 3]!;
    const proposedAt = end - r.int(20, 300) * 60_000;
    const id = newId();
    referralRows.push({
      id,
      fromFacilityId: s.facilityId,
      toFacilityId: dest.facilityId,
      toUnitId: dest.id,
      reason: 'Perlu layanan khusus (demo)',
      status,
      places: 1,
      proposedAt: iso(proposedAt),
      proposedBy: 'demo-seed',
      decidedAt: status === 'PROPOSED' ? null : iso(proposedAt + 15 * 60_000),
      decidedBy: status === 'PROPOSED' ? null : 'demo-seed',
      departedAt: status === 'IN_TRANSIT' ? iso(proposedAt + 25 * 60_000) : null,
      expiresAt: new Date(end + 4 * HOUR).toISOString(),
    });
    referralPersonRows.push({ referralId: id, personId: s.personId!, open: true });
  }

  // ---- Satpol PP operations: closed handoffs of the people who came that way ----
  const handoffRows: (typeof handoffs.$inferInsert)[] = [];
  const handoffPersonRows: (typeof handoffPersons.$inferInsert)[] = [];
  const dailySeq = new Map<string, number>();
  const numberFor = (wilayah: string, at: number) => {
    const day = wibDate(new Date(at).toISOString()).replace(/-/g, '');
    const key = `${wilayah}-${day}`;
    const n = (dailySeq.get(key) ?? 0) + 1;
    dailySeq.set(key, n);
    return `HO-${wilayah.replace('.', '')}-${day}-${String(n).padStart(4, '0')}`;
  };
  const groups = new Map<string, typeof handedOver>();
  for (const h of handedOver.sort((a, b) => a.at - b.at)) {
    const key = `${h.facilityId}|${Math.floor(h.at / (3 * DAY))}`;
    const g = groups.get(key) ?? [];
    g.push(h);
    groups.set(key, g);
  }
  const operations = [...groups.values()].sort((a, b) => b.length - a.length).slice(0, plan.closedHandoffs);
  for (const g of operations) {
    const at = Math.min(...g.map((h) => h.at)) - r.int(30, 90) * 60_000;
    const id = newId();
    const w = g[0]!.wilayah;
    handoffRows.push({
      id,
      number: numberFor(w, at),
      operationNumber: `OPS/${r.int(100, 999)}/SATPOLPP/${new Date(at).getUTCFullYear()}`,
      operationAt: iso(at - HOUR),
      place: r.pick(['Kolong Jembatan Semanggi', 'Stasiun Senen', 'Pasar Tanah Abang', 'Taman Lawang', 'Terminal Kampung Rambutan', 'Kota Tua', 'Pluit', 'Pasar Minggu']),
      wilayahCode: w,
      team: 'Regu ' + r.pick(['A', 'B', 'C']),
      leaderName: `${r.pick(MALE)} ${r.pick(FAMILY.filter(Boolean))}`,
      leaderNip: `19${r.int(70, 95)}0${r.int(1, 9)}1${r.int(0, 2)} 20${r.int(10, 20)}01 1 00${r.int(1, 9)}`,
      facilityId: g[0]!.facilityId,
      status: 'CLOSED',
      submittedBy: 'demo-seed',
      receivingOfficerName: 'Petugas penerimaan',
      createdAt: iso(at),
      closedAt: iso(Math.max(...g.map((h) => h.at)) + 10 * 60_000),
    });
    g.forEach((h, i) =>
      handoffPersonRows.push({
        id: newId(),
        handoffId: id,
        seq: i + 1,
        name: h.draft.name,
        description: h.draft.name ? null : h.draft.description,
        sex: h.draft.sex,
        approxAge: h.draft.age,
        needs: (h.draft.needs.pregnant ? ['pregnant'] : h.draft.needs.elderly ? ['elderly'] : h.draft.needs.disability ? ['disability'] : h.draft.age < 6 ? ['young_child'] : []) as VisibleNeed[],
        belongings: r.pick(['tas plastik', 'karung', 'gerobak', 'tas ransel', '-']),
        status: 'RECEIVED',
        personId: h.personId,
        accountedAt: iso(h.at),
        accountedBy: 'demo-seed',
      }),
    );
    // One in twenty handed over is not received (ran off on the way, taken by family).
    if (r.chance(0.25)) {
      handoffPersonRows.push({ id: newId(), handoffId: id, seq: g.length + 1, description: `laki-laki, ±${r.int(25, 50)} th`, sex: 'L', approxAge: 35, status: 'NOT_RECEIVED', notReceivedReason: 'Dijemput keluarga sebelum tiba', accountedAt: iso(at + HOUR), accountedBy: 'demo-seed' });
    }
  }
  // Open handoffs: a truck on its way now, people not yet received.
  const tpsFacilities = [...new Set(usableFor('TPS').map((u) => `${u.facilityId}|${u.wilayah}`))];
  for (let i = 0; i < plan.openHandoffs; i++) {
    const [facilityId, w] = tpsFacilities[i % tpsFacilities.length]!.split('|') as [string, string];
    const at = end - r.int(10, i === 0 ? 200 : 90) * 60_000;
    const id = newId();
    handoffRows.push({
      id,
      number: numberFor(w, at),
      operationNumber: `OPS/${r.int(100, 999)}/SATPOLPP/${new Date(at).getUTCFullYear()}`,
      operationAt: iso(at - 40 * 60_000),
      place: r.pick(['Stasiun Senen', 'Pasar Tanah Abang', 'Kolong Tol Wiyoto Wiyono', 'Bundaran HI']),
      wilayahCode: w,
      team: 'Regu A',
      leaderName: `${r.pick(MALE)} ${r.pick(FAMILY.filter(Boolean))}`,
      leaderNip: '19850312 201001 1 004',
      facilityId,
      status: 'OPEN',
      submittedBy: 'demo-seed',
      createdAt: iso(at),
    });
    const n = r.int(3, 7);
    for (let k = 0; k < n; k++) {
      const sex: Sex = r.chance(0.7) ? 'L' : 'P';
      handoffPersonRows.push({
        id: newId(),
        handoffId: id,
        seq: k + 1,
        name: r.chance(0.6) ? `${r.pick(sex === 'L' ? MALE : FEMALE)}` : null,
        description: `${sex === 'L' ? 'laki-laki' : 'perempuan'}, ${r.pick(CLOTHES)}`,
        sex,
        approxAge: r.int(20, 65),
        needs: (k === 1 && sex === 'P' ? ['pregnant'] : []) as VisibleNeed[],
        belongings: r.pick(['tas plastik', 'karung', '-']),
        status: 'PENDING',
      });
    }
  }

  await write(db, async (tx) => {
    await insertAll(tx, households, householdRows);
    await insertAll(tx, persons, personRows);
    await insertAll(tx, stays, stayRows);
    await insertAll(tx, referrals, referralRows);
    await insertAll(tx, referralPersons, referralPersonRows);
    await insertAll(tx, handoffs, handoffRows);
    await insertAll(tx, handoffPersons, handoffPersonRows);
    if (plan === PWTC_PLAN) {
      const tps = usableFor('TPS')[0]!;
      await tx.insert(alerts).values({ id: newId(), kind: 'nothing_fits', facilityId: tps.facilityId, message: 'Tidak ada balai dengan tempat aksesibel kosong untuk pengguna kursi roda bersama keluarganya', raisedAt: iso(end - 35 * 60_000) }).run();
    }
  });
  await sampleHistory(db, now);

  const present = { TPS: 0, RESIDENTIAL: 0, LKS: 0 };
  for (const s of stayRows) if (s.checkedOutAt === null) present[approachOf(open.find((u) => u.id === s.unitId)!.kind)] += 1;
  return { persons: personRows.length, stays: stayRows.length, present, handled: { ...plan.handled, RESIDENTIAL: residential } };
}

async function insertAll<T extends Parameters<Tx['insert']>[0]>(tx: Tx, table: T, rows: T['$inferInsert'][]): Promise<void> {
  // SQLite allows 32,766 variables a statement; 100 rows of ~40 columns stay well inside.
  for (let i = 0; i < rows.length; i += 100) await tx.insert(table).values(rows.slice(i, i + 100)).run();
}

/** The last 24 hours of occupancy per approach, read back from the stays, for the sparklines. */
export async function sampleHistory(db: Db, now: Date): Promise<void> {
  const usable = await db.all<{ kind: FacilityKind; usable: number }>(
    sql`select f.kind, sum(case when u.status = 'AVAILABLE' then u.capacity - u.blocked else 0 end) as usable
        from units u join facilities f on f.id = u.facility_id where f.status = 'OPEN' group by f.kind`,
  );
  const usableBy = { TPS: 0, RESIDENTIAL: 0, LKS: 0 };
  for (const u of usable) usableBy[approachOf(u.kind)] += u.usable;
  const from = new Date(now.getTime() - 24 * HOUR).toISOString();
  const spans = await db.all<{ kind: FacilityKind; i: string; o: string | null }>(
    sql`select f.kind, s.checked_in_at as i, s.checked_out_at as o from stays s join facilities f on f.id = s.facility_id
        where s.checked_out_at is null or s.checked_out_at > ${from}`,
  );
  const rows: (typeof occupancySamples.$inferInsert)[] = [];
  for (let t = now.getTime() - 24 * HOUR; t <= now.getTime(); t += SAMPLE_EVERY_MS) {
    const at = new Date(t).toISOString();
    const by = { TPS: 0, RESIDENTIAL: 0, LKS: 0 };
    for (const s of spans) if (s.i <= at && (s.o === null || s.o > at)) by[approachOf(s.kind)] += 1;
    for (const a of APPROACHES) rows.push({ at, approach: a, occupied: by[a], usable: usableBy[a] });
  }
  await write(db, async (tx) => await insertAll(tx, occupancySamples, rows));
}
