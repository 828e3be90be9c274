import type { Db } from '../db/client.ts';
import { wilayahRows } from '../db/client.ts';
import {
  auditEvents,
  facilities,
  handoffPersons,
  handoffs,
  households,
  persons,
  referralPersons,
  referrals,
  stays,
  unitChanges,
  units,
  type Cluster,
  type DischargeOutcome,
  type FacilityKind,
  type FacilityStatus,
  type Service,
  type Sex,
  type UnitAdmits,
  type UnitFeature,
  type UnitStatus,
} from '../db/schema/index.ts';
import { approachOf } from '../domain/board/sampler.ts';
import { markDemoDatabase } from '../domain/demo-flag.ts';
import { chooseUnit, type PlacementMember } from '../domain/placement/choose-unit.ts';
import { searchKeyFor } from '../domain/persons/names.ts';
import { newId } from '../lib/ids.ts';
import { wibDate } from '../lib/time.ts';
import { bulkWrite } from './bulk.ts';
import { DEMO_FACILITIES, type DemoFacility, type DemoFacilityFacts } from './facilities.ts';
import { CHILD, CLOTHES, FAMILY, FEMALE, MALE, rng, type PopulationResult } from './population.ts';

/**
 * The national demo (`--scale national`, INTERFACES.md): about 2,000
 * facilities over all 38 provinces and 514 kab/kota, 20,000 units, 100,000
 * persons and a year of their stays, with the audit trail the verbs would
 * have written. `factor` shrinks every count (tests build 1 %).
 *
 * Made in one pass, in time order: groups (a person, or a household together)
 * arrive over 365 days, go to a TPS near home (mostly handed over by Satpol
 * PP), and from there home, to an LKS, or by referral to a balai, panti or
 * loka that serves their need; many come back later. Every unit is a row of
 * beds, each free from a moment on: a stay takes a bed free at its check-in
 * and keeps it until its check-out (for ever, when it is still open), so no
 * unit is ever over its usable places at any moment of the history, and a
 * bed is never given twice. The unit within a facility is chosen by the
 * domain's own rule (placement/choose-unit.ts), so sex, family, maternity,
 * children's and scarce units are respected as a check-in would.
 */
export interface NationalOptions {
  factor?: number;
  now?: Date;
  seed?: number;
}

export interface NationalResult extends PopulationResult {
  facilities: number;
  units: number;
  openReferrals: number;
  /** Rows written per table. */
  rows: Record<string, number>;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const YEAR_DAYS = 365;
const SEED_ACTOR = 'demo-seed';

type Purpose = 'tps' | 'lks' | 'mother_child' | 'child' | 'disability' | 'elderly' | 'napza' | 'protected';

interface NUnit {
  id: string;
  facilityId: string;
  name: string;
  capacity: number;
  blocked: number;
  blockReason: string | null;
  status: UnitStatus;
  statusReason: string | null;
  admits: UnitAdmits;
  features: UnitFeature[];
  pattern: string | null;
  /** Per usable bed: the moment it is free from (Infinity: taken by an open stay or held). */
  beds: Float64Array;
}

interface NFacility extends DemoFacilityFacts {
  id: string;
  purpose: Purpose;
  province: string;
  status: FacilityStatus;
  protected: boolean;
  units: NUnit[];
}

/** Rough centres of the provinces, for coordinates on the map. */
const CENTRE: Record<string, [number, number]> = {
  '11': [4.36, 96.9], '12': [2.19, 99.06], '13': [-0.74, 100.8], '14': [0.29, 101.7], '15': [-1.61, 103.6], '16': [-3.32, 104.0],
  '17': [-3.79, 102.26], '18': [-4.56, 105.4], '19': [-2.74, 106.44], '21': [3.95, 108.14], '31': [-6.2, 106.83], '32': [-6.9, 107.6],
  '33': [-7.15, 110.14], '34': [-7.87, 110.43], '35': [-7.54, 112.24], '36': [-6.4, 106.06], '51': [-8.41, 115.19], '52': [-8.65, 117.36],
  '53': [-8.66, 121.08], '61': [-0.28, 111.48], '62': [-1.68, 113.38], '63': [-3.09, 115.28], '64': [0.54, 116.42], '65': [3.07, 116.04],
  '71': [0.62, 123.98], '72': [-1.43, 121.45], '73': [-3.67, 119.97], '74': [-4.14, 122.17], '75': [0.7, 122.45], '76': [-2.84, 119.23],
  '81': [-3.24, 130.15], '82': [1.57, 127.81], '91': [-2.53, 140.72], '92': [-1.34, 133.17], '93': [-7.5, 139.5], '94': [-3.97, 136.36],
  '95': [-4.09, 138.95], '96': [-0.87, 131.25],
};
const JAVA = new Set(['31', '32', '33', '34', '35', '36']);

const KIND_OF: Record<Purpose, FacilityKind> = { tps: 'TPS', lks: 'LKS', mother_child: 'BALAI', child: 'BALAI', disability: 'PANTI', elderly: 'PANTI', napza: 'LOKA', protected: 'BALAI' };
const PURPOSE_WEIGHTS: [Purpose, number][] = [['tps', 35], ['lks', 35], ['mother_child', 5], ['child', 5], ['disability', 6], ['elderly', 9], ['napza', 5]];
/** Units a facility of each purpose has, before scaling to the target total. */
const BASE_UNITS: Record<Purpose, number> = { tps: 10, lks: 7, mother_child: 12, child: 10, disability: 10, elderly: 14, napza: 8, protected: 2 };

interface UnitTemplate {
  name: string;
  admits: UnitAdmits;
  features: UnitFeature[];
  cap: [number, number];
  prefix: string | null;
}
const TEMPLATES: Record<Purpose, UnitTemplate[]> = {
  tps: [
    { name: 'Zona Laki-laki', admits: 'male', features: [], cap: [25, 60], prefix: null },
    { name: 'Zona Perempuan', admits: 'female', features: [], cap: [20, 45], prefix: null },
    { name: 'Zona Keluarga', admits: 'family', features: [], cap: [16, 40], prefix: null },
    { name: 'Zona Lansia & Disabilitas', admits: 'any', features: ['accessible', 'elderly'], cap: [6, 14], prefix: null },
  ],
  lks: [
    { name: 'Penempatan Keluarga', admits: 'family', features: [], cap: [6, 16], prefix: null },
    { name: 'Penempatan Perorangan', admits: 'any', features: [], cap: [4, 12], prefix: null },
    { name: 'Asrama Putra', admits: 'male', features: [], cap: [4, 12], prefix: 'AP' },
    { name: 'Asrama Putri', admits: 'female', features: [], cap: [4, 12], prefix: 'AW' },
  ],
  mother_child: [
    { name: 'Wisma Ibu & Anak', admits: 'family', features: ['maternity', 'crib'], cap: [8, 14], prefix: 'M' },
    { name: 'Wisma Ibu Hamil', admits: 'female', features: ['maternity'], cap: [6, 10], prefix: 'R' },
    { name: 'Wisma Anak', admits: 'children', features: ['crib'], cap: [6, 12], prefix: 'A' },
  ],
  child: [
    { name: 'Asrama Anak Putra', admits: 'children', features: [], cap: [8, 18], prefix: 'P' },
    { name: 'Asrama Anak Putri', admits: 'children', features: [], cap: [8, 18], prefix: 'W' },
    { name: 'Wisma Balita', admits: 'children', features: ['crib'], cap: [4, 10], prefix: 'B' },
  ],
  disability: [
    { name: 'Wisma Aksesibel', admits: 'any', features: ['accessible'], cap: [6, 12], prefix: 'K' },
    { name: 'Wisma Daksa Putra', admits: 'male', features: ['accessible'], cap: [6, 14], prefix: 'DP' },
    { name: 'Wisma Daksa Putri', admits: 'female', features: ['accessible'], cap: [6, 14], prefix: 'DW' },
    { name: 'Wisma Keluarga Aksesibel', admits: 'family', features: ['accessible'], cap: [4, 10], prefix: 'KK' },
  ],
  elderly: [
    { name: 'Wisma Lansia Putra', admits: 'male', features: ['elderly', 'accessible'], cap: [8, 16], prefix: 'LP' },
    { name: 'Wisma Lansia Putri', admits: 'female', features: ['elderly', 'accessible'], cap: [8, 16], prefix: 'LW' },
  ],
  napza: [
    { name: 'Ruang Rehabilitasi Putra', admits: 'male', features: [], cap: [8, 16], prefix: 'N' },
    { name: 'Ruang Rehabilitasi Putra', admits: 'male', features: [], cap: [8, 16], prefix: 'NP' },
    { name: 'Ruang Rehabilitasi Putri', admits: 'female', features: [], cap: [6, 10], prefix: 'NW' },
  ],
  protected: [],
};
const SERVICES_OF: Record<Purpose, Service[]> = {
  tps: [],
  lks: [],
  mother_child: ['maternity', 'early_childhood', 'child_protection', 'medical'],
  child: ['child_protection', 'early_childhood'],
  // A regional Sentra Terpadu serves every disability type (the DKI homes are specialised: src/demo/facilities.ts).
  disability: ['disability_physical', 'disability_sensory', 'disability_intellectual', 'disability_mental', 'wheelchair_access', 'medical'],
  elderly: ['elderly', 'medical', 'wheelchair_access'],
  napza: ['addiction', 'medical'],
  protected: [],
};
const CLUSTERS_OF: Record<Purpose, Cluster[]> = {
  tps: ['tuna_sosial'],
  lks: ['tuna_sosial'],
  mother_child: ['anak'],
  child: ['anak'],
  disability: ['disabilitas'],
  elderly: ['lansia'],
  napza: ['napza'],
  protected: ['tuna_sosial'],
};
const CODE_PREFIX: Record<Purpose, string> = { tps: 'TPS', lks: 'LKS', mother_child: 'BLS', child: 'BLA', disability: 'PNT', elderly: 'PTW', napza: 'LOK', protected: 'RPS' };
const LKS_NAMES = ['Bina Insan', 'Kasih Sesama', 'Harapan Bangsa', 'Peduli Sesama', 'Cahaya Kasih', 'Tunas Harapan', 'Mitra Sejahtera', 'Rumah Singgah Mandiri', 'Griya Karya', 'Insan Berdaya', 'Sahabat Jalanan', 'Pelita Hati'];
const TPS_NAMES = ['GOR', 'Gedung Serbaguna', 'Aula Kantor Camat', 'Gedung Olahraga', 'Balai Pertemuan'];
const PLACES = ['Terminal', 'Stasiun', 'Pasar Induk', 'Alun-alun', 'Kolong Jembatan', 'Taman Kota', 'Pelabuhan', 'Simpang Lampu Merah', 'Emperan Pertokoan'];
const DOMICILE = ['kolong jembatan', 'emperan toko', 'sekitar stasiun', 'taman kota', 'pinggir kali', 'pasar', 'tidak tetap', 'terminal'];

/** The facility purpose of a hand-made DKI facility (kept in the national picture with the demo accounts' places). */
function purposeOf(f: DemoFacility): Purpose {
  if (f.protected) return 'protected';
  if (f.kind === 'TPS') return 'tps';
  if (f.kind === 'LKS') return 'lks';
  if (f.services.includes('maternity')) return 'mother_child';
  if (f.services.includes('addiction')) return 'napza';
  if (f.services.includes('elderly')) return 'elderly';
  if (f.services.some((s) => s.startsWith('disability_'))) return 'disability';
  return 'child';
}

type PersonKind = 'adult' | 'elderly' | 'disability' | 'pregnant' | 'child' | 'napza' | 'household';

interface Member {
  id: string;
  sex: Sex;
  age: number;
  pregnant: boolean;
  wheelchair: boolean;
  disabilities: string[];
  created: boolean;
  residentCode: string;
}

interface Group {
  kind: PersonKind;
  home: string;
  members: Member[];
  householdId: string | null;
  episodes: number;
}

interface Seat {
  facility: NFacility;
  unit: NUnit;
  beds: number[];
}

/** A minimal binary heap of groups by their next arrival. */
class ArrivalQueue {
  private readonly items: { t: number; g: Group }[] = [];
  get size() {
    return this.items.length;
  }
  push(t: number, g: Group) {
    const a = this.items;
    a.push({ t, g });
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]!.t <= a[i]!.t) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }
  pop(): { t: number; g: Group } | undefined {
    const a = this.items;
    if (!a.length) return undefined;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]!.t < a[m]!.t) m = l;
        if (r < a.length && a[r]!.t < a[m]!.t) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

export async function seedNational(db: Db, opts: NationalOptions = {}): Promise<NationalResult> {
  const factor = opts.factor ?? 1;
  if (!(factor > 0 && factor <= 1)) throw new Error('factor must be in (0, 1]');
  const r = rng(opts.seed ?? 38_514);
  const end = Math.floor((opts.now ?? new Date()).getTime() / 1000) * 1000;
  const start = end - YEAR_DAYS * DAY;
  const since = new Date(start - DAY).toISOString();
  // toISOString for a million timestamps is seconds of the build: the day part is cached, the time written out.
  const days = new Map<number, string>();
  const p2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
  const iso = (t: number) => {
    const ms = Math.floor(t);
    const day = Math.floor(ms / DAY);
    let prefix = days.get(day);
    if (prefix === undefined) days.set(day, (prefix = new Date(day * DAY).toISOString().slice(0, 11)));
    let rest = ms - day * DAY;
    const h = Math.floor(rest / HOUR);
    rest -= h * HOUR;
    const m = Math.floor(rest / 60_000);
    rest -= m * 60_000;
    const sec = Math.floor(rest / 1000);
    const milli = rest - sec * 1000;
    return `${prefix}${p2[h]}:${p2[m]}:${p2[sec]}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
  };
  const between = (lo: number, hi: number) => lo + r.next() * (hi - lo);
  /** Skewed towards `lo`: most TPS stays are short, a few long. */
  const skewed = (lo: number, hi: number) => lo + (hi - lo) * r.next() * r.next();

  // ---- Regions ----
  const rows = wilayahRows();
  const provinceName = new Map(rows.filter((w) => w[2] === 'provinsi').map((w) => [w[0], w[1]]));
  const kabkota = rows.filter((w) => w[2] === 'kabkota').map(([code, name, , province]) => ({ code, name, province, weight: (name.startsWith('Kota') ? 1.6 : 1) * (province === '31' ? 3 : JAVA.has(province) ? 2.2 : 1) }));
  const provinces = [...provinceName.keys()];
  const kabByProvince = new Map<string, typeof kabkota>();
  for (const k of kabkota) kabByProvince.set(k.province, [...(kabByProvince.get(k.province) ?? []), k]);
  const totalWeight = kabkota.reduce((s, k) => s + k.weight, 0);
  const pickKab = () => {
    let x = r.next() * totalWeight;
    for (const k of kabkota) if ((x -= k.weight) <= 0) return k;
    return kabkota[kabkota.length - 1]!;
  };
  const shortName = (name: string) => name.replace(/^(Kabupaten|Kota Administrasi|Kabupaten Administrasi|Kota) /, '');
  const pickPurpose = (): Purpose => {
    let x = r.next() * 100;
    for (const [p, w] of PURPOSE_WEIGHTS) if ((x -= w) <= 0) return p;
    return 'lks';
  };

  // ---- Facilities: the hand-made DKI ones (the demo accounts work there), then the generated ones ----
  const all: NFacility[] = [];
  const seq = new Map<string, number>();
  const templateUnits = (purpose: Purpose, n: number, facilityId: string): NUnit[] =>
    Array.from({ length: n }, (_, i) => {
      const t = TEMPLATES[purpose][i % TEMPLATES[purpose].length]!;
      const round = Math.floor(i / TEMPLATES[purpose].length);
      const capacity = r.int(t.cap[0], t.cap[1]);
      const letter = String.fromCharCode(65 + (i % 26));
      const name = purpose === 'tps' ? `Zona ${letter} ${t.name.replace(/^Zona /, '')}` : `${t.name}${round ? ` ${round + 1}` : ''}`;
      return makeUnit(facilityId, name, capacity, t.admits, t.features, t.prefix ? `${t.prefix}${round ? round + 1 : ''}-{n}` : null);
    });
  function makeUnit(facilityId: string, name: string, capacity: number, admits: UnitAdmits, features: UnitFeature[], pattern: string | null): NUnit {
    return { id: newId(), facilityId, name, capacity, blocked: 0, blockReason: null, status: 'AVAILABLE', statusReason: null, admits, features, pattern, beds: new Float64Array(0) };
  }
  for (const f of DEMO_FACILITIES) {
    const id = newId();
    all.push({
      id,
      code: f.code,
      kind: f.kind,
      purpose: purposeOf(f),
      name: f.name,
      wilayah: f.wilayah,
      province: f.wilayah.slice(0, 2),
      address: f.address,
      lat: f.lat,
      lng: f.lng,
      operator: f.operator,
      contactName: f.contactName,
      contactPhone: f.contactPhone,
      status: f.status,
      services: f.services,
      clusters: f.clusters,
      protected: f.protected ?? false,
      units: f.units.map((u) => makeUnit(id, u.name, u.capacity, u.admits, u.features ?? [], u.bedLabelPattern ?? null)),
    });
  }
  const handMadeUnits = all.reduce((s, f) => s + f.units.length, 0);

  const generated = Math.max(Math.round(2000 * factor), 2 * provinces.length);
  const places: { kab: (typeof kabkota)[number]; purpose: Purpose; open?: boolean }[] = [];
  // Every province: an open TPS and an LKS at least.
  for (const p of provinces) {
    const ks = kabByProvince.get(p)!;
    places.push({ kab: r.pick(ks), purpose: 'tps', open: true }, { kab: r.pick(ks), purpose: 'lks' });
  }
  // Every kab/kota one facility when there are enough, the rest where people are.
  if (generated - places.length >= kabkota.length * 2) for (const k of kabkota) places.push({ kab: k, purpose: pickPurpose() });
  while (places.length < generated) places.push({ kab: pickKab(), purpose: pickPurpose() });

  const targetUnits = Math.max(Math.round(20_000 * factor) - handMadeUnits, places.length * 2);
  const rawUnits = places.map((p) => BASE_UNITS[p.purpose] * between(0.6, 1.4));
  const scale = targetUnits / rawUnits.reduce((s, n) => s + n, 0);
  const unitCounts = rawUnits.map((n) => Math.max(2, Math.round(n * scale)));
  // Exactly the target: add or take units one at a time from random facilities.
  let diff = targetUnits - unitCounts.reduce((s, n) => s + n, 0);
  while (diff !== 0) {
    const i = r.int(0, unitCounts.length - 1);
    if (diff > 0) {
      unitCounts[i]! += 1;
      diff--;
    } else if (unitCounts[i]! > 2) {
      unitCounts[i]! -= 1;
      diff++;
    }
  }

  for (const [i, p] of places.entries()) {
    const id = newId();
    const wil = p.kab.code;
    const key = `${CODE_PREFIX[p.purpose]}-${wil.replace('.', '')}`;
    const n = (seq.get(key) ?? 0) + 1;
    seq.set(key, n);
    const short = shortName(p.kab.name);
    const prov = provinceName.get(p.kab.province)!;
    const name =
      p.purpose === 'tps'
        ? `${r.pick(TPS_NAMES)} ${short}${n > 1 ? ` ${n}` : ''}`
        : p.purpose === 'lks'
          ? `LKS Yayasan ${r.pick(LKS_NAMES)} ${short}${n > 1 ? ` ${n}` : ''}`
          : p.purpose === 'mother_child'
            ? `Balai Perlindungan Ibu dan Anak ${short}${n > 1 ? ` ${n}` : ''}`
            : p.purpose === 'child'
              ? `Balai Perlindungan Anak ${short}${n > 1 ? ` ${n}` : ''}`
              : p.purpose === 'disability'
                ? `Sentra Terpadu Disabilitas ${short}${n > 1 ? ` ${n}` : ''}`
                : p.purpose === 'elderly'
                  ? `Panti Sosial Tresna Werdha ${short}${n > 1 ? ` ${n}` : ''}`
                  : `Loka Rehabilitasi Sosial NAPZA ${short}${n > 1 ? ` ${n}` : ''}`;
    const [lat, lng] = CENTRE[p.kab.province] ?? [-2.5, 118];
    // Most TPS wait on standby until an operation or a disaster opens them.
    const status: FacilityStatus = p.open ? 'OPEN' : p.purpose === 'tps' ? (r.chance(0.35) ? 'OPEN' : r.chance(0.94) ? 'STANDBY' : 'CLOSED') : r.chance(0.96) ? 'OPEN' : r.chance(0.5) ? 'STANDBY' : 'CLOSED';
    const facilityUnits = templateUnits(p.purpose, unitCounts[i]!, id);
    for (const u of facilityUnits) {
      // A few places out of use, a few whole units blocked or closed, as a year of running leaves them.
      const x = r.next();
      if (x < 0.03) {
        u.blocked = Math.min(u.capacity - 1, r.int(1, 3));
        u.blockReason = r.pick(['Ranjang rusak', 'Atap bocor', 'Kasur diganti']);
      } else if (x < 0.04) {
        u.status = 'BLOCKED';
        u.statusReason = 'Renovasi';
      } else if (x < 0.045) {
        u.status = 'CLOSED';
        u.statusReason = 'Tidak digunakan lagi';
      }
    }
    all.push({
      id,
      code: `${key}-${String(n).padStart(2, '0')}`,
      kind: KIND_OF[p.purpose],
      purpose: p.purpose,
      name,
      wilayah: wil,
      province: p.kab.province,
      address: `${p.purpose === 'tps' ? 'Jl. Pemuda' : p.purpose === 'lks' ? 'Jl. Merdeka' : 'Jl. Sosial'} No. ${r.int(1, 200)}, ${p.kab.name}`,
      lat: Math.round((lat + between(-0.6, 0.6)) * 1e4) / 1e4,
      lng: Math.round((lng + between(-0.6, 0.6)) * 1e4) / 1e4,
      operator: p.purpose === 'tps' ? `Dinas Sosial ${p.kab.name}` : p.purpose === 'lks' ? name.replace(/^LKS /, '') : r.chance(0.2) ? 'Kementerian Sosial RI' : `Dinas Sosial Provinsi ${prov}`,
      contactName: `${r.pick(r.chance(0.5) ? MALE : FEMALE)} ${r.pick(FAMILY.filter(Boolean))}`,
      contactPhone: `08${r.int(11, 59)}-${r.int(1000, 9999)}-${r.int(1000, 9999)}`,
      status,
      services: SERVICES_OF[p.purpose],
      clusters: CLUSTERS_OF[p.purpose],
      protected: false,
      units: facilityUnits,
    });
  }

  // Beds: the usable places of every unit of an open facility the flow may use.
  for (const f of all) {
    for (const u of f.units) {
      const usable = f.status === 'OPEN' && !f.protected && u.status === 'AVAILABLE' ? u.capacity - u.blocked : 0;
      u.beds = new Float64Array(usable).fill(start - DAY);
    }
  }
  const usableFacilities = all.filter((f) => f.status === 'OPEN' && !f.protected && f.units.some((u) => u.beds.length > 0));
  const byKab = new Map<string, NFacility[]>();
  const byProvince = new Map<string, NFacility[]>();
  const byPurpose = new Map<Purpose, NFacility[]>();
  for (const f of usableFacilities) {
    const k1 = `${f.purpose}|${f.wilayah}`;
    const k2 = `${f.purpose}|${f.province}`;
    byKab.set(k1, [...(byKab.get(k1) ?? []), f]);
    byProvince.set(k2, [...(byProvince.get(k2) ?? []), f]);
    byPurpose.set(f.purpose, [...(byPurpose.get(f.purpose) ?? []), f]);
  }

  // ---- Seats: a unit (by the domain's rule) with beds free from `at` on ----
  /** Beds of a unit free from `t` on, counted up to `enough` (all the choice of a unit needs to know). */
  const freeAt = (u: NUnit, t: number, enough: number) => {
    let n = 0;
    for (let i = 0; i < u.beds.length && n < enough; i++) if (u.beds[i]! <= t) n++;
    return n;
  };
  function seatIn(f: NFacility, g: Group, at: number): Seat | null {
    const candidates = f.units.filter((u) => u.beds.length > 0).map((u) => ({ id: u.id, name: u.name, admits: u.admits, features: u.features, status: u.status as string, free: freeAt(u, at, g.members.length), u }));
    const members: PlacementMember[] = g.members.map((m) => ({ sex: m.sex, age: m.age, pregnant: m.pregnant, wheelchair: m.wheelchair, disabilities: m.disabilities }));
    const { choice } = chooseUnit(candidates, members, g.householdId !== null);
    if (!choice) return null;
    const u = choice.unit.u;
    const beds: number[] = [];
    for (let i = 0; i < u.beds.length && beds.length < g.members.length; i++) if (u.beds[i]! <= at) beds.push(i);
    return { facility: f, unit: u, beds };
  }
  function findSeat(purpose: Purpose, g: Group, at: number, near: { wilayah: string; province: string }): Seat | null {
    const tries: NFacility[] = [];
    const local = byKab.get(`${purpose}|${near.wilayah}`) ?? [];
    const province = byProvince.get(`${purpose}|${near.province}`) ?? [];
    const national = byPurpose.get(purpose) ?? [];
    for (let i = 0; i < Math.min(3, local.length); i++) tries.push(r.pick(local));
    for (let i = 0; i < Math.min(4, province.length); i++) tries.push(r.pick(province));
    for (let i = 0; i < Math.min(3, national.length); i++) tries.push(r.pick(national));
    const seen = new Set<string>();
    for (const f of tries) {
      if (seen.has(f.id)) continue;
      seen.add(f.id);
      const seat = seatIn(f, g, at);
      if (seat) return seat;
    }
    return null;
  }
  const take = (seat: Seat, until: number) => {
    for (const b of seat.beds) seat.unit.beds[b] = until;
  };
  const bedLabel = (seat: Seat, i: number) => (seat.unit.pattern ? seat.unit.pattern.replace('{n}', String(seat.beds[i]! + 1)) : null);

  // ---- People ----
  const targetPersons = Math.max(50, Math.round(100_000 * factor));
  const residentCodes = new Set<string>();
  const niks = new Set<string>();
  const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const residentCode = () => {
    for (;;) {
      let c = 'SGH-';
      for (let i = 0; i < 6; i++) c += ALPHABET[Math.floor(r.next() * 32)];
      if (!residentCodes.has(c)) {
        residentCodes.add(c);
        return c;
      }
    }
  };
  const member = (sex: Sex, age: number, extra: Partial<Member> = {}): Member => ({ id: newId(), sex, age, pregnant: false, wheelchair: false, disabilities: [], created: false, residentCode: '', ...extra });
  const groups: { t: number; g: Group }[] = [];
  let planned = 0;
  while (planned < targetPersons) {
    const home = pickKab().code;
    const x = r.next();
    let g: Group;
    if (x < 0.07) {
      // A household: a mother and her children, sometimes the father.
      const ms = [member('P', r.int(20, 44))];
      if (r.chance(0.35)) ms.push(member('L', r.int(24, 55)));
      for (let k = r.int(1, 3); k > 0; k--) ms.push(member(r.chance(0.5) ? 'L' : 'P', r.int(0, 14)));
      g = { kind: 'household', home, members: ms, householdId: newId(), episodes: 0 };
    } else {
      const kind: PersonKind = x < 0.7 ? 'adult' : x < 0.8 ? 'elderly' : x < 0.87 ? 'disability' : x < 0.91 ? 'pregnant' : x < 0.96 ? 'child' : 'napza';
      const m =
        kind === 'elderly'
          ? member(r.chance(0.5) ? 'L' : 'P', r.int(60, 86))
          : kind === 'disability'
            ? member(r.chance(0.6) ? 'L' : 'P', r.int(18, 59), { disabilities: [r.pick(['fisik', 'fisik', 'sensorik', 'intelektual', 'mental'])], wheelchair: r.chance(0.4) })
            : kind === 'pregnant'
              ? member('P', r.int(17, 40), { pregnant: true })
              : kind === 'child'
                ? member(r.chance(0.6) ? 'L' : 'P', r.int(8, 17))
                : kind === 'napza'
                  ? member(r.chance(0.85) ? 'L' : 'P', r.int(17, 45))
                  : member(r.chance(0.68) ? 'L' : 'P', r.int(19, 59));
      g = { kind, home, members: [m], householdId: null, episodes: 0 };
    }
    planned += g.members.length;
    // Arrivals over the year, a little busier in the last months (the picture a command centre opens on).
    groups.push({ t: start + (1 - Math.pow(r.next(), 1.15)) * (end - start - 2 * HOUR), g });
  }
  const queue = new ArrivalQueue();
  for (const a of groups) queue.push(a.t, a.g);

  const counts = { persons: 0, stays: 0, present: { TPS: 0, RESIDENTIAL: 0, LKS: 0 }, handled: { TPS: 0, RESIDENTIAL: 0, LKS: 0 }, openReferrals: 0 };
  /** Where each person's latest stay is (approach), for `handled`. */
  const latest = new Map<string, 'TPS' | 'RESIDENTIAL' | 'LKS'>();
  /** Open TPS stays of people alone, for the referrals in flight at the end. */
  const inTps: { g: Group; stayId: string; facility: NFacility; at: number }[] = [];

  const result = await bulkWrite(db, async (bulk) => {
    await markDemoDatabase(db);
    const T = {
      facilities: bulk.table(facilities, ['id', 'code', 'kind', 'name', 'wilayah_code', 'address', 'lat', 'lng', 'contact_name', 'contact_phone', 'operator', 'status', 'status_changed_at', 'status_changed_by', 'services', 'clusters', 'protected', 'is_demo', 'created_at', 'updated_at']),
      units: bulk.table(units, ['id', 'facility_id', 'name', 'capacity', 'blocked', 'block_reason', 'admits', 'features', 'status', 'status_reason', 'bed_label_pattern', 'sort_order', 'created_at']),
      unitChanges: bulk.table(unitChanges, ['unit_id', 'at', 'field', 'from_value', 'to_value', 'reason']),
      households: bulk.table(households, ['id', 'created_at', 'created_by']),
      persons: bulk.table(persons, [
        'id', 'resident_code', 'name', 'description', 'search_key', 'nik', 'kk', 'sex', 'birth_date', 'estimated_age', 'estimated_at', 'domicile_address', 'origin_wilayah_code', 'category',
        'pregnant', 'pregnancy_weeks', 'disabilities', 'wheelchair', 'needs_medical', 'unaccompanied_child', 'napza', 'dtks', 'consent', 'consent_at', 'consent_by', 'consent_by_name', 'household_id', 'source', 'is_demo', 'created_at', 'created_by', 'created_at_facility_id', 'updated_at',
      ]),
      referrals: bulk.table(referrals, ['id', 'household_id', 'from_facility_id', 'to_facility_id', 'to_unit_id', 'reason', 'status', 'places', 'proposed_at', 'proposed_by', 'decided_at', 'decided_by', 'departed_at', 'arrived_at', 'closed_at', 'closed_by', 'expires_at']),
      stays: bulk.table(stays, ['id', 'person_id', 'household_id', 'facility_id', 'unit_id', 'bed_label', 'checked_in_at', 'checked_in_by', 'checked_out_at', 'checked_out_by', 'outcome', 'destination', 'previous_stay_id', 'referral_id']),
      referralPersons: bulk.table(referralPersons, ['referral_id', 'person_id', 'open']),
      handoffs: bulk.table(handoffs, ['id', 'number', 'operation_number', 'operation_at', 'place', 'wilayah_code', 'team', 'leader_name', 'leader_nip', 'facility_id', 'status', 'submitted_by', 'receiving_officer_name', 'created_at', 'closed_at']),
      handoffPersons: bulk.table(handoffPersons, ['id', 'handoff_id', 'seq', 'name', 'description', 'sex', 'approx_age', 'needs', 'belongings', 'status', 'person_id', 'not_received_reason', 'accounted_at', 'accounted_by']),
      audit: bulk.table(auditEvents, ['at', 'actor_type', 'actor_label', 'action', 'entity', 'entity_id', 'detail']),
    };
    const audit = (at: number, action: string, entity: string, entityId: string, detail: Record<string, unknown>) =>
      T.audit.add([iso(at), 'system', SEED_ACTOR, action, entity, entityId, JSON.stringify(detail)]);

    for (const f of all) {
      T.facilities.add([f.id, f.code, f.kind, f.name, f.wilayah, f.address, f.lat, f.lng, f.contactName, f.contactPhone, f.operator, f.status, since, SEED_ACTOR, JSON.stringify(f.services), JSON.stringify(f.clusters), f.protected ? 1 : 0, 1, since, since]);
      for (const [i, u] of f.units.entries()) {
        T.units.add([u.id, f.id, u.name, u.capacity, u.blocked, u.blockReason, u.admits, JSON.stringify(u.features), u.status, u.statusReason, u.pattern, i, since]);
        T.unitChanges.add([u.id, since, 'created', null, String(u.capacity), 'demo']);
        if (u.blocked) T.unitChanges.add([u.id, iso(end - r.int(2, 60) * DAY), 'blocked', '0', String(u.blocked), u.blockReason]);
        if (u.status !== 'AVAILABLE') T.unitChanges.add([u.id, iso(end - r.int(2, 60) * DAY), 'status', 'AVAILABLE', u.status, u.statusReason]);
      }
    }

    // ---- Persons, made at their first contact ----
    function nikFor(origin: string, sex: Sex, birth: string): string | null {
      const [y, m, d] = birth.split('-');
      for (let i = 0; i < 5; i++) {
        const nik = `${origin.replace('.', '')}${String(r.int(1, 30)).padStart(2, '0')}${String(Number(d) + (sex === 'P' ? 40 : 0)).padStart(2, '0')}${m}${y!.slice(2)}${String(r.int(1, 9999)).padStart(4, '0')}`;
        if (!niks.has(nik)) {
          niks.add(nik);
          return nik;
        }
      }
      return null;
    }
    function register(g: Group, at: number, facilityId: string, source: string) {
      const created = at - r.int(5, 40) * 60_000;
      if (g.householdId) {
        T.households.add([g.householdId, iso(created), SEED_ACTOR]);
        audit(created, 'household.create', 'household', g.householdId, { members: g.members.length, facility_id: facilityId });
      }
      const origin = r.chance(0.8) ? g.home : pickKab().code;
      const family = r.pick(FAMILY);
      const kk = g.householdId && r.chance(0.4) ? `${origin.replace('.', '')}${String(r.int(1, 30)).padStart(2, '0')}${String(r.int(10_000_000, 99_999_999))}` : null;
      for (const m of g.members) {
        m.residentCode = residentCode();
        m.created = true;
        const named = m.age < 6 || r.chance(g.kind === 'household' ? 0.97 : 0.88);
        const first = m.age < 15 ? r.pick(CHILD) : r.pick(m.sex === 'L' ? MALE : FEMALE);
        const surname = g.householdId ? family : r.pick(FAMILY);
        const name = named ? `${first}${surname ? ` ${surname}` : ''}` : null;
        const description = named ? null : `${m.sex === 'L' ? 'laki-laki' : 'perempuan'}, ±${m.age} th, ${r.pick(CLOTHES)}`;
        const birthT = at - m.age * 365.25 * DAY - r.int(0, 364) * DAY;
        const birth = new Date(birthT).toISOString().slice(0, 10);
        const hasId = named && m.age >= 17 && r.chance(0.5);
        const nik = hasId ? nikFor(origin, m.sex, birth) : null;
        const category =
          m.age < 18 ? 'anak_jalanan' : m.age >= 60 ? 'lansia_terlantar' : m.disabilities.length ? 'disabilitas_terlantar' : g.kind === 'adult' && r.chance(0.04) ? 'korban_perdagangan_orang' : r.pick(['gelandangan', 'pengemis', 'pemulung', 'korban_phk', 'gelandangan', 'pemulung', 'lainnya']);
        T.persons.add([
          m.id, m.residentCode, name, description, searchKeyFor(name, null), nik, kk, m.sex, nik ? birth : null, nik ? null : m.age, nik ? null : wibDate(iso(created)),
          r.pick(DOMICILE), origin, category, m.pregnant ? 1 : 0, m.pregnant ? r.int(10, 36) : null, JSON.stringify(m.disabilities), m.wheelchair ? 1 : 0,
          m.age >= 70 || m.pregnant || r.chance(0.05) ? 1 : 0, g.kind === 'child' ? 1 : 0, g.kind === 'napza' ? 1 : 0, r.pick(['unknown', 'unknown', 'no', 'yes']),
          // A child never consents alone: the social worker does, named (persons/consent.ts).
          1, iso(created), m.age < 18 ? 'pekerja_sosial' : 'self', m.age < 18 ? 'Pekerja Sosial Dinsos' : null, g.householdId, source, 1, iso(created), SEED_ACTOR, facilityId, iso(created),
        ]);
        audit(created, 'person.create', 'person', m.id, { resident_code: m.residentCode, source, facility_id: facilityId, household_id: g.householdId, consent: true });
        counts.persons++;
      }
    }

    // ---- Handoffs: Satpol PP operations gathered per TPS, one per twelve hours ----
    const handoffSeq = new Map<string, number>();
    const operations = new Map<string, { facility: NFacility; first: number; last: number; people: { m: Member; at: number }[] }>();
    function closeOperation(op: { facility: NFacility; first: number; last: number; people: { m: Member; at: number }[] }) {
      const id = newId();
      const at = op.first - r.int(30, 90) * 60_000;
      const day = wibDate(iso(at)).replace(/-/g, '');
      const key = `${op.facility.wilayah}-${day}`;
      const n = (handoffSeq.get(key) ?? 0) + 1;
      handoffSeq.set(key, n);
      const number = `HO-${op.facility.wilayah.replace('.', '')}-${day}-${String(n).padStart(4, '0')}`;
      const notReceived = r.chance(0.15);
      T.handoffs.add([
        id, number, `OPS/${r.int(100, 999)}/SATPOLPP/${new Date(at).getUTCFullYear()}`, iso(at - HOUR), `${r.pick(PLACES)} ${shortName(kabkota.find((k) => k.code === op.facility.wilayah)?.name ?? '')}`.trim(),
        op.facility.wilayah, `Regu ${r.pick(['A', 'B', 'C'])}`, `${r.pick(MALE)} ${r.pick(FAMILY.filter(Boolean))}`, `19${r.int(70, 95)}0${r.int(1, 9)}1${r.int(0, 2)} 20${r.int(10, 20)}01 1 00${r.int(1, 9)}`,
        op.facility.id, 'CLOSED', SEED_ACTOR, 'Petugas penerimaan', iso(at), iso(op.last + 10 * 60_000),
      ]);
      audit(at, 'handoff.submit', 'handoff', id, { number, facility_id: op.facility.id, wilayah_code: op.facility.wilayah, persons: op.people.length + (notReceived ? 1 : 0) });
      op.people.forEach(({ m, at: t }, i) => {
        const hp = newId();
        T.handoffPersons.add([hp, id, i + 1, null, `${m.sex === 'L' ? 'laki-laki' : 'perempuan'}, ±${m.age} th`, m.sex, m.age, JSON.stringify(m.pregnant ? ['pregnant'] : m.age >= 60 ? ['elderly'] : m.disabilities.length ? ['disability'] : m.age < 6 ? ['young_child'] : []), r.pick(['tas plastik', 'karung', 'gerobak', 'tas ransel', '-']), 'RECEIVED', m.id, null, iso(t), SEED_ACTOR]);
        audit(t, 'handoff.person_received', 'handoff', id, { handoff_person_id: hp, seq: i + 1, person_id: m.id });
      });
      if (notReceived) {
        const hp = newId();
        T.handoffPersons.add([hp, id, op.people.length + 1, null, `laki-laki, ±${r.int(25, 50)} th`, 'L', 35, '[]', '-', 'NOT_RECEIVED', null, 'Dijemput keluarga sebelum tiba', iso(op.first + HOUR), SEED_ACTOR]);
        audit(op.first + HOUR, 'handoff.person_not_received', 'handoff', id, { handoff_person_id: hp, seq: op.people.length + 1 });
      }
      audit(op.last + 10 * 60_000, 'handoff.close', 'handoff', id, { received: op.people.length, not_received: notReceived ? 1 : 0 });
    }
    function handedOver(f: NFacility, g: Group, at: number) {
      let op = operations.get(f.id);
      if (op && at - op.first > 12 * HOUR) {
        closeOperation(op);
        op = undefined;
      }
      if (!op) operations.set(f.id, (op = { facility: f, first: at, last: at, people: [] }));
      op.last = Math.max(op.last, at);
      for (const m of g.members) op.people.push({ m, at });
    }

    // ---- Stays ----
    const outcomes: Record<Purpose, DischargeOutcome[]> = {
      tps: ['reunited', 'reunited', 'returned_home', 'returned_home', 'returned_home', 'left', 'hospitalised', 'other'],
      lks: ['reunited', 'returned_home', 'returned_home', 'other', 'left'],
      mother_child: ['reunited', 'returned_home', 'returned_home', 'moved_to_lks'],
      child: ['reunited', 'reunited', 'returned_home', 'moved_to_lks'],
      disability: ['reunited', 'returned_home', 'hospitalised', 'other'],
      elderly: ['reunited', 'returned_home', 'hospitalised', 'deceased', 'deceased'],
      napza: ['returned_home', 'reunited', 'left'],
      protected: ['other'],
    };
    /** Length of a stay by purpose, in ms. */
    const losFor = (p: Purpose): number => {
      switch (p) {
        case 'tps':
          return skewed(5 * HOUR, 12 * DAY);
        case 'lks':
          return between(14, 160) * DAY;
        case 'elderly':
          return between(60, 700) * DAY;
        case 'disability':
          return between(30, 360) * DAY;
        case 'napza':
          return between(30, 180) * DAY;
        case 'mother_child':
          return between(30, 200) * DAY;
        default:
          return between(20, 240) * DAY;
      }
    };
    /** Writes the stays of a group in one seat from `inAt` to `outAt` (null: still there). */
    function stayRows(g: Group, seat: Seat, inAt: number, outAt: number | null, outcome: DischargeOutcome | null, destination: string | null, prev: string[] | null, referralId: string | null): string[] {
      take(seat, outAt ?? Infinity);
      const ids: string[] = [];
      const approach = approachOf(seat.facility.kind);
      for (const [i, m] of g.members.entries()) {
        const id = newId();
        ids.push(id);
        const bed = bedLabel(seat, i);
        T.stays.add([id, m.id, g.householdId, seat.facility.id, seat.unit.id, bed, iso(inAt), SEED_ACTOR, outAt === null ? null : iso(outAt), outAt === null ? null : SEED_ACTOR, outcome, destination, prev?.[i] ?? null, referralId]);
        audit(inAt, prev ? 'stay.transfer_in' : 'stay.check_in', 'stay', id, {
          person_id: m.id,
          resident_code: m.residentCode,
          facility_id: seat.facility.id,
          unit_id: seat.unit.id,
          bed_label: bed,
          ...(prev ? { previous_stay_id: prev[i] } : {}),
        });
        if (outAt !== null) audit(outAt, 'stay.discharge', 'stay', id, { person_id: m.id, facility_id: seat.facility.id, unit_id: seat.unit.id, outcome, ...(referralId && outcome === 'referred' ? { referral_id: referralId } : {}) });
        counts.stays++;
        latest.set(m.id, approach);
      }
      if (outAt === null) counts.present[approach] += g.members.length;
      return ids;
    }

    /** Where a group goes after the TPS, if anywhere. */
    const nextPurpose = (g: Group): { purpose: Purpose; via: 'referral' | 'moved' } | null => {
      const hasInfant = g.members.some((m) => m.age < 6);
      switch (g.kind) {
        case 'adult':
          return r.chance(0.3) ? { purpose: 'lks', via: 'moved' } : null;
        case 'napza':
          return r.chance(0.75) ? { purpose: 'napza', via: 'referral' } : null;
        case 'elderly':
          return r.chance(0.8) ? { purpose: 'elderly', via: 'referral' } : null;
        case 'disability':
          return r.chance(0.75) ? { purpose: 'disability', via: 'referral' } : null;
        case 'pregnant':
          return r.chance(0.85) ? { purpose: 'mother_child', via: 'referral' } : null;
        case 'child':
          return r.chance(0.7) ? { purpose: 'child', via: 'referral' } : null;
        case 'household':
          return hasInfant && r.chance(0.35) ? { purpose: 'mother_child', via: 'referral' } : r.chance(0.45) ? { purpose: 'lks', via: 'moved' } : null;
      }
    };
    const reasonFor = (p: Purpose) =>
      p === 'mother_child' ? 'Ibu hamil / ibu dengan balita: perlu layanan ibu dan anak' : p === 'elderly' ? 'Lansia terlantar: perlu perawatan lansia' : p === 'disability' ? 'Disabilitas: perlu layanan disabilitas' : p === 'napza' ? 'Korban NAPZA: perlu rehabilitasi' : p === 'lks' ? 'Perlu pendampingan berbasis keluarga dan komunitas' : 'Anak tanpa pendamping: perlu perlindungan anak';

    /** One episode of a group from `t0`; returns when it ends (null: still somewhere now). */
    function episode(g: Group, t0: number): number | null | 'unplaced' {
      const home = { wilayah: g.home, province: g.home.slice(0, 2) };
      // Elderly and disabled people are sometimes brought straight to a panti by outreach workers; some adults come to an LKS.
      const direct: Purpose | null = g.kind === 'elderly' && r.chance(0.25) ? 'elderly' : g.kind === 'adult' && r.chance(0.12) ? 'lks' : null;
      const firstPurpose = direct ?? 'tps';
      const seat = findSeat(firstPurpose, g, t0, home);
      if (!seat) return 'unplaced';
      const source = direct ? (r.chance(0.7) ? 'outreach' : 'walk_in') : r.chance(0.55) ? 'satpol_handoff' : r.chance(0.65) ? 'outreach' : 'walk_in';
      if (!g.members[0]!.created) register(g, t0, seat.facility.id, source);
      if (source === 'satpol_handoff') handedOver(seat.facility, g, t0);
      g.episodes++;
      const out1 = t0 + losFor(firstPurpose);
      const next = firstPurpose === 'tps' ? nextPurpose(g) : null;
      if (out1 >= end) {
        const ids = stayRows(g, seat, t0, null, null, null, null, null);
        if (firstPurpose === 'tps' && g.members.length === 1) inTps.push({ g, stayId: ids[0]!, facility: seat.facility, at: t0 });
        return null;
      }
      if (next) {
        const at2 = next.via === 'moved' ? out1 + between(2, 20) * HOUR : out1;
        const seat2 = at2 < end ? findSeat(next.purpose, g, at2, { wilayah: seat.facility.wilayah, province: seat.facility.province }) : null;
        if (seat2) {
          const out2raw = at2 + losFor(next.purpose);
          const out2 = out2raw >= end ? null : out2raw;
          const outcome2 = out2 === null ? null : r.pick(outcomes[next.purpose]);
          const destination2 = outcome2 === 'returned_home' ? 'Daerah asal' : outcome2 === 'reunited' ? 'Keluarga' : null;
          const where = `${seat2.facility.name} · ${seat2.unit.name}`;
          if (next.via === 'referral') {
            const referralId = newId();
            const proposed = Math.max(t0 + 10 * 60_000, out1 - between(5, 30) * HOUR);
            const accepted = proposed + (out1 - proposed) * between(0.1, 0.5);
            const departed = accepted + (out1 - accepted) * between(0.3, 0.8);
            T.referrals.add([referralId, g.householdId, seat.facility.id, seat2.facility.id, seat2.unit.id, reasonFor(next.purpose), 'ARRIVED', g.members.length, iso(proposed), SEED_ACTOR, iso(accepted), SEED_ACTOR, iso(departed), iso(out1), iso(out1), SEED_ACTOR, iso(out1 + DAY)]);
            for (const m of g.members) T.referralPersons.add([referralId, m.id, 0]);
            audit(proposed, 'referral.propose', 'referral', referralId, { person_ids: g.members.map((m) => m.id), from_facility_id: seat.facility.id, to_facility_id: seat2.facility.id, to_unit_id: seat2.unit.id, places: g.members.length, expires_at: iso(out1 + DAY) });
            audit(accepted, 'referral.accept', 'referral', referralId, { from_status: 'PROPOSED' });
            audit(departed, 'referral.depart', 'referral', referralId, { from_status: 'ACCEPTED' });
            const ended = stayRows(g, seat, t0, out1, 'referred', where, null, referralId);
            const ids = stayRows(g, seat2, out1, out2, outcome2, destination2, ended, referralId);
            audit(out1, 'referral.arrive', 'referral', referralId, { from_status: 'IN_TRANSIT', to_unit_id: seat2.unit.id, stay_ids: ids, ended_stay_ids: ended });
          } else {
            stayRows(g, seat, t0, out1, 'moved_to_lks', seat2.facility.name, null, null);
            stayRows(g, seat2, at2, out2, outcome2, destination2, null, null);
          }
          return out2;
        }
      }
      const outcome = r.pick(outcomes[firstPurpose]);
      stayRows(g, seat, t0, out1, outcome, outcome === 'returned_home' ? 'Daerah asal' : outcome === 'reunited' ? 'Keluarga' : null, null, null);
      return out1;
    }

    const comesBack: Record<PersonKind, number> = { adult: 0.45, napza: 0.4, child: 0.25, household: 0.2, disability: 0.15, elderly: 0.12, pregnant: 0.1 };
    for (let a = queue.pop(); a; a = queue.pop()) {
      const { t, g } = a;
      const ended = episode(g, t);
      if (ended === 'unplaced') {
        // Nowhere near had room: they are met again a day later (or never, this year).
        if (t + DAY < end - HOUR) queue.push(t + DAY * between(0.5, 2), g);
      } else if (ended !== null && r.chance(comesBack[g.kind])) {
        const back = ended + between(3, 90) * DAY;
        if (back < end - HOUR) queue.push(back, g);
      }
      await bulk.maybeFlush();
    }
    for (const op of operations.values()) closeOperation(op);

    // ---- Referrals in flight now: people in a TPS, places held where they are to go ----
    const wanted = Math.max(3, Math.round(300 * factor));
    const purposeFor: Partial<Record<PersonKind, Purpose>> = { elderly: 'elderly', disability: 'disability', pregnant: 'mother_child', child: 'child', napza: 'napza', adult: 'lks' };
    for (const s of inTps.sort((x, y) => y.at - x.at)) {
      if (counts.openReferrals >= wanted) break;
      const purpose = purposeFor[s.g.kind];
      if (!purpose) continue;
      const seat = findSeat(purpose, s.g, end, { wilayah: s.facility.wilayah, province: s.facility.province });
      if (!seat) continue;
      take(seat, Infinity);
      const status = (['PROPOSED', 'ACCEPTED', 'IN_TRANSIT'] as const)[counts.openReferrals % 3]!;
      const proposed = Math.max(s.at + 10 * 60_000, end - between(20, 600) * 60_000);
      const decided = status === 'PROPOSED' ? null : proposed + (end - proposed) * 0.3;
      const departed = status === 'IN_TRANSIT' ? proposed + (end - proposed) * 0.7 : null;
      const id = newId();
      const m = s.g.members[0]!;
      T.referrals.add([id, null, s.facility.id, seat.facility.id, seat.unit.id, reasonFor(purpose), status, 1, iso(proposed), SEED_ACTOR, decided === null ? null : iso(decided), decided === null ? null : SEED_ACTOR, departed === null ? null : iso(departed), null, null, null, iso(end + 4 * HOUR)]);
      T.referralPersons.add([id, m.id, 1]);
      audit(proposed, 'referral.propose', 'referral', id, { person_ids: [m.id], from_facility_id: s.facility.id, to_facility_id: seat.facility.id, to_unit_id: seat.unit.id, places: 1, expires_at: iso(end + 4 * HOUR) });
      if (decided !== null) audit(decided, 'referral.accept', 'referral', id, { from_status: 'PROPOSED' });
      if (departed !== null) audit(departed, 'referral.depart', 'referral', id, { from_status: 'ACCEPTED' });
      counts.openReferrals++;
    }

    // ---- Handoffs open now: trucks on their way to an open TPS ----
    const openTps = usableFacilities.filter((f) => f.purpose === 'tps');
    for (let i = 0; i < Math.max(2, Math.round(25 * factor)); i++) {
      const f = r.pick(openTps);
      const at = end - r.int(10, i % 5 === 0 ? 300 : 90) * 60_000;
      const day = wibDate(iso(at)).replace(/-/g, '');
      const key = `${f.wilayah}-${day}`;
      const n = (handoffSeq.get(key) ?? 0) + 1;
      handoffSeq.set(key, n);
      const id = newId();
      const number = `HO-${f.wilayah.replace('.', '')}-${day}-${String(n).padStart(4, '0')}`;
      T.handoffs.add([id, number, `OPS/${r.int(100, 999)}/SATPOLPP/${new Date(at).getUTCFullYear()}`, iso(at - 40 * 60_000), r.pick(PLACES), f.wilayah, 'Regu A', `${r.pick(MALE)} ${r.pick(FAMILY.filter(Boolean))}`, '19850312 201001 1 004', f.id, 'OPEN', SEED_ACTOR, null, iso(at), null]);
      const people = r.int(2, 7);
      audit(at, 'handoff.submit', 'handoff', id, { number, facility_id: f.id, wilayah_code: f.wilayah, persons: people });
      for (let k = 0; k < people; k++) {
        const sex: Sex = r.chance(0.7) ? 'L' : 'P';
        T.handoffPersons.add([newId(), id, k + 1, r.chance(0.5) ? r.pick(sex === 'L' ? MALE : FEMALE) : null, `${sex === 'L' ? 'laki-laki' : 'perempuan'}, ${r.pick(CLOTHES)}`, sex, r.int(18, 70), JSON.stringify(k === 1 && sex === 'P' ? ['pregnant'] : []), r.pick(['tas plastik', 'karung', '-']), 'PENDING', null, null, null, null]);
      }
    }
    return bulk.counts();
  });

  for (const a of latest.values()) counts.handled[a]++;
  return {
    persons: counts.persons,
    stays: counts.stays,
    present: counts.present,
    handled: counts.handled,
    facilities: all.length,
    units: all.reduce((s, f) => s + f.units.length, 0),
    openReferrals: counts.openReferrals,
    rows: result,
  };
}
