import type { Cluster, FacilityKind, PpksCategory, Service, Sex, UnitFeature } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { canSeeFacility } from '../access.ts';
import { ageNeeds } from '../persons/age.ts';
import type { FacilityOccupancy, UnitOccupancy } from '../occupancy/compute.ts';
import { chooseUnit } from '../placement/choose-unit.ts';
import { derivedCluster } from '../persons/cluster.ts';

/**
 * Routing people with special needs (DOMAIN.md): given a person or a
 * household and a snapshot of live occupancy, which facilities can take them,
 * best first, each with the reasons it was chosen, and which were passed over
 * and why. A pure function: no database, no clock, so every rule is a unit
 * test (tests/unit/routing.test.ts). src/domain/routing/load.ts feeds it.
 */

/** One member of the group to place, with the facts routing reads. */
export interface RoutingPerson {
  id: string;
  sex: Sex;
  /** Whole years today (persons/age.ts ageOn), null when unknown. */
  age: number | null;
  pregnant: boolean;
  disabilities: readonly string[];
  wheelchair: boolean;
  needsMedical: boolean;
  unaccompaniedChild: boolean;
  traffickingVictim: boolean;
  /** Drug dependence (NAPZA): addiction counselling. */
  napza?: boolean;
  category?: PpksCategory | null;
}

/** A facility as routing sees it: its live counts plus what it offers and where it is. */
export type RoutingFacility = FacilityOccupancy & {
  services: readonly Service[];
  /** The ATENSI clusters it serves: a facility of the person's cluster ranks first among equals. */
  clusters?: readonly Cluster[];
  lat: number | null;
  lng: number | null;
};

/** A message as an i18n key and its parameters (src/domain/routing/text.ts turns it into words). */
export interface Reason {
  key: string;
  params?: Record<string, string | number>;
}

export const NEEDS = ['pregnant', 'early_childhood', 'unaccompanied_child', 'disability_physical', 'disability_sensory', 'disability_intellectual', 'disability_mental', 'wheelchair', 'elderly', 'trafficking', 'napza', 'medical'] as const;
export type Need = (typeof NEEDS)[number];

/**
 * A person's disability types (persons: fisik, sensorik, intelektual, mental) as the
 * needs they call for: each must be served by a home of that type (DOMAIN.md
 * "Disability types": a psychosocial disability in a Bina Daksa is a wrong placement).
 */
export const NEED_FOR_DISABILITY: Record<string, Need> = {
  fisik: 'disability_physical',
  sensorik: 'disability_sensory',
  intelektual: 'disability_intellectual',
  mental: 'disability_mental',
};

/** The service each need calls for. A wheelchair user also needs an accessible unit (checked per unit). */
export const SERVICE_FOR: Record<Need, Service> = {
  pregnant: 'maternity',
  early_childhood: 'early_childhood',
  unaccompanied_child: 'child_protection',
  disability_physical: 'disability_physical',
  disability_sensory: 'disability_sensory',
  disability_intellectual: 'disability_intellectual',
  disability_mental: 'disability_mental',
  wheelchair: 'disability_physical',
  elderly: 'elderly',
  trafficking: 'trafficking_protection',
  napza: 'addiction',
  medical: 'medical',
};

/**
 * Does a facility give this service to this group? Trafficking victims of
 * any sex need protection: a women's protection service covers it for a
 * group of women only; trafficking_protection for anyone.
 */
export function gives(services: readonly Service[], s: Service, g: Pick<GroupNeeds, 'group' | 'sexes'>): boolean {
  if (services.includes(s)) return true;
  if (s === 'trafficking_protection') return services.includes('women_protection') && g.sexes.every((x) => x === 'P');
  return false;
}

/**
 * A home for the elderly (Tresna Werdha): its only cluster is lansia. It takes
 * people of 60 and over and their household, never a group with no one of 60+.
 */
export function isElderlyHome(f: Pick<RoutingFacility, 'clusters'>): boolean {
  return f.clusters?.length === 1 && f.clusters[0] === 'lansia';
}

const RESIDENTIAL: readonly FacilityKind[] = ['BALAI', 'LOKA', 'PANTI'];

export interface GroupNeeds {
  needs: Need[];
  services: Service[];
  wheelchair: boolean;
  size: number;
  /** 'family' for a household (more than one person), else the one person's sex. */
  group: 'family' | 'male' | 'female';
  sexes: Sex[];
  special: boolean;
  /** The clusters of the members (persons/cluster.ts), for ranking. */
  clusters: Cluster[];
}

/** The needs of the whole group: what one member needs, the facility must give. */
export function groupNeeds(persons: readonly RoutingPerson[]): GroupNeeds {
  const needs = new Set<Need>();
  // A child is unaccompanied when flagged so, or when no adult (or person of unknown age) comes with them.
  const hasAdult = persons.some((p) => p.age === null || p.age >= 18);
  for (const p of persons) {
    const ages = ageNeeds(p.age);
    if (p.pregnant) needs.add('pregnant');
    if (ages.includes('early_childhood')) needs.add('early_childhood');
    if (p.unaccompaniedChild || (ages.includes('child') && !hasAdult)) needs.add('unaccompanied_child');
    for (const d of p.disabilities) {
      const need = NEED_FOR_DISABILITY[d];
      if (need) needs.add(need);
    }
    if (p.wheelchair) needs.add('wheelchair');
    if (ages.includes('elderly')) needs.add('elderly');
    if (p.traffickingVictim) needs.add('trafficking');
    if (p.napza) needs.add('napza');
    if (p.needsMedical) needs.add('medical');
  }
  const list = NEEDS.filter((n) => needs.has(n));
  const services = [...new Set(list.map((n) => SERVICE_FOR[n]))];
  const size = persons.length;
  const group = size > 1 ? 'family' : persons[0]?.sex === 'L' ? 'male' : 'female';
  const clusters = [...new Set(persons.map((p) => derivedCluster(p)).filter((c): c is Cluster => c !== null))];
  return { needs: list, services, wheelchair: needs.has('wheelchair'), size, group, sexes: persons.map((p) => p.sex), special: list.length > 0, clusters };
}

/** A household goes to a unit for families or for anyone; one person to a unit for their sex or for anyone. */
export function unitTakesGroup(unit: Pick<UnitOccupancy, 'admits'>, group: GroupNeeds['group']): boolean {
  if (unit.admits === 'any') return true;
  if (group === 'family') return unit.admits === 'family';
  return unit.admits === group;
}

export interface Origin {
  /** Where the person is now: never a destination. */
  facilityId?: string | null;
  wilayahCode?: string | null;
  lat?: number | null;
  lng?: number | null;
}

export interface RoutingInput {
  persons: readonly RoutingPerson[];
  facilities: readonly RoutingFacility[];
  /** Who asks: a facility hidden from them is neither offered nor named. */
  asker: Actor;
  from?: Origin;
  /** Facilities left out on purpose (those that refused this person), with the reason shown. */
  exclude?: ReadonlyMap<string, Reason>;
  /**
   * How many passed-over facilities to name with their reasons, nearest first (default
   * PASSED_OVER_SHOWN); the rest are only counted by reason. 'all': every one named.
   */
  passedOver?: number | 'all';
  /** How many destinations to give, best first (default DESTINATIONS_SHOWN); 'all': every one that fits. */
  destinations?: number | 'all';
}

/**
 * The destinations given by default, best first. For someone with no special need at national
 * scale a thousand facilities can take them; the desk shows three and "N more", and any facility
 * can still be referred to (the referral checks it again). `?all=true` gives every one.
 */
export const DESTINATIONS_SHOWN = 20;

/** The passed-over facilities named with their reasons by default: the nearest few (INTERFACES.md, GET /routing). */
export const PASSED_OVER_SHOWN = 10;

export interface Destination {
  facility: { id: string; code: string; name: string; kind: FacilityKind; wilayah_code: string; protected: boolean };
  unit: { id: string; name: string; free: number; features: UnitFeature[] };
  /** Free places in the whole facility, and the facility's load once this group is placed. */
  facility_free: number;
  load_after: number | null;
  distance_km: number | null;
  reasons: Reason[];
}

export interface PassedOver {
  facility: { id: string; code: string; name: string; kind: FacilityKind };
  reasons: Reason[];
}

export interface RoutingResult {
  needs: GroupNeeds;
  /** The best destinations, best first, each with its reasons: DESTINATIONS_SHOWN of them, or every one when asked. */
  destinations: Destination[];
  /** How many facilities could take the group (the list above may show fewer). */
  destinations_total: number;
  /** The nearest passed-over facilities (or every one, when asked), each with its reasons. */
  passed_over: PassedOver[];
  /**
   * The other passed-over facilities, counted by their first reason's key (each once): at
   * national scale ~2,000 facilities are passed over, and naming each in words was the cost of
   * a routing answer (issue 27). The counts add up to those not in `passed_over`.
   */
  passed_over_counts: Record<string, number>;
  /** Facilities not shown to this asker (protected); `hidden_fits` of them could have taken the group. Never serialised for the asker. */
  hidden: number;
  hidden_fits: number;
  /** When nothing fits: what is missing, in plain words (i18n keys). Empty otherwise. */
  missing: Reason[];
}

const R = (key: string, params?: Reason['params']): Reason => (params ? { key, params } : { key });

/** Great-circle distance in kilometres (haversine). */
export function haversineKm(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * The kind of care first: a person with special needs goes to a residential
 * centre (balai, loka, panti) before a TPS or an LKS; everyone else to
 * community care (LKS) before a TPS, and a residential centre last, keeping
 * its places for those who need them.
 */
function careTier(kind: FacilityKind, special: boolean): number {
  if (special) return RESIDENTIAL.includes(kind) ? 0 : 1;
  return kind === 'LKS' ? 0 : kind === 'TPS' ? 1 : 2;
}

/** 0 same kab/kota, 1 same province (first two digits), 2 elsewhere or unknown. */
function areaRank(from: Origin | undefined, wilayahCode: string): number {
  if (!from?.wilayahCode) return 2;
  if (from.wilayahCode === wilayahCode) return 0;
  return from.wilayahCode.slice(0, 2) === wilayahCode.slice(0, 2) ? 1 : 2;
}

interface UnitCheck {
  fits: { unit: UnitOccupancy; reason: Reason } | null;
  reasons: Reason[];
}

/**
 * The unit of a facility that can take the whole group together — the one
 * placement/choose-unit.ts picks, strictly: no one takes a scarce unit they
 * do not need, a wheelchair user only an accessible one — or why none can.
 */
function checkUnits(f: RoutingFacility, g: GroupNeeds, persons: readonly RoutingPerson[]): UnitCheck {
  const { choice, why } = chooseUnit(f.units, persons, g.size > 1, { strict: true });
  if (choice) return { fits: { unit: choice.unit, reason: choice.reason }, reasons: [] };
  const key = why!.key;
  if (key === 'placement.none.no_unit_for_group' || key === 'placement.none.no_open_unit') return { fits: null, reasons: [R('routing.passed.no_unit_admits', { group: g.group })] };
  if (key === 'placement.none.no_accessible_unit') return { fits: null, reasons: [R('routing.passed.no_accessible_unit')] };
  if (key === 'placement.none.no_children_unit') return { fits: null, reasons: [R('routing.passed.no_children_unit')] };
  if (key === 'placement.none.only_crib_units') return { fits: null, reasons: [R('routing.passed.only_crib_units')] };
  if (key === 'placement.none.only_scarce_units') return { fits: null, reasons: [R('routing.passed.only_scarce_units')] };
  const free = Number(why!.params?.free ?? 0);
  return { fits: null, reasons: [R(g.wheelchair ? 'routing.passed.no_accessible_free' : 'routing.passed.full', { needed: g.size, free })] };
}

export function route(input: RoutingInput): RoutingResult {
  const g = groupNeeds(input.persons);
  const from = input.from;
  const destinations: (Destination & { tier: number; area: number; cluster: number; why: () => Reason[] })[] = [];
  const passed: (PassedOver & { area: number; distance: number | null })[] = [];
  let hidden = 0;
  let hiddenFits = 0;

  for (const f of input.facilities) {
    const visible = canSeeFacility(input.asker, f);
    const reasons: Reason[] = [];
    if (from?.facilityId && f.id === from.facilityId) reasons.push(R('routing.passed.origin'));
    if (f.status !== 'OPEN') reasons.push(R('routing.passed.not_open', { status: f.status }));
    for (const s of g.services) if (!gives(f.services, s, g)) reasons.push(R('routing.passed.missing_service', { service: s }));
    if (isElderlyHome(f) && !g.needs.includes('elderly')) reasons.push(R('routing.passed.elderly_home'));
    const excluded = input.exclude?.get(f.id);
    if (excluded) reasons.push(excluded);
    const units: UnitCheck = reasons.length ? { fits: null, reasons: [] } : checkUnits(f, g, input.persons);
    reasons.push(...units.reasons);

    if (!visible) {
      // Not named, not counted in what the asker sees; the command centre hears of it in the alert.
      hidden += 1;
      if (!reasons.length) hiddenFits += 1;
      continue;
    }
    const head = { id: f.id, code: f.code, name: f.name, kind: f.kind };
    const distance = from?.lat != null && from.lng != null && f.lat !== null && f.lng !== null ? haversineKm({ lat: from.lat, lng: from.lng }, { lat: f.lat, lng: f.lng }) : null;
    if (reasons.length) {
      passed.push({ facility: head, reasons, area: areaRank(from, f.wilayah_code), distance });
      continue;
    }

    const unit = units.fits!.unit;
    const cluster = g.clusters.some((c) => f.clusters?.includes(c)) ? 0 : 1;
    const loadAfter = f.usable > 0 ? (f.occupied + f.held + g.size) / f.usable : null;
    const tier = careTier(f.kind, g.special);
    const area = areaRank(from, f.wilayah_code);
    const distanceKm = distance === null ? null : Math.round(distance * 10) / 10;
    // The reasons are written after ranking, for the destinations shown only.
    destinations.push({
      facility: { ...head, wilayah_code: f.wilayah_code, protected: f.protected },
      unit: { id: unit.id, name: unit.name, free: unit.free, features: unit.features },
      facility_free: f.free,
      load_after: loadAfter,
      distance_km: distanceKm,
      reasons: [],
      tier,
      area,
      cluster,
      why: () => {
        const why: Reason[] = [];
        for (const s of g.services) why.push(R('routing.reason.service', { service: s }));
        if (g.wheelchair) why.push(R('routing.reason.accessible_unit', { unit: unit.name }));
        if (g.needs.includes('early_childhood') && g.size > 1) why.push(R('routing.reason.with_mother'));
        if (g.special && tier === 0) why.push(R('routing.reason.residential'));
        if (isElderlyHome(f)) why.push(R('routing.reason.elderly_home'));
        for (const c of g.clusters) if (f.clusters?.includes(c)) why.push(R('routing.reason.cluster', { cluster: c }));
        if (!g.special && f.kind === 'LKS') why.push(R('routing.reason.community'));
        if (area === 0) why.push(R('routing.reason.same_kabkota'));
        else if (area === 1) why.push(R('routing.reason.same_province'));
        if (distanceKm !== null) why.push(R('routing.reason.distance', { km: distanceKm }));
        why.push(R('routing.reason.free_places', { free: unit.free, unit: unit.name, needed: g.size }));
        why.push(units.fits!.reason);
        if (loadAfter !== null) why.push(R('routing.reason.load_after', { pct: Math.round(loadAfter * 100) }));
        return why;
      },
    });
  }

  destinations.sort(
    (a, b) =>
      a.tier - b.tier ||
      a.cluster - b.cluster ||
      a.area - b.area ||
      Number(a.distance_km === null) - Number(b.distance_km === null) ||
      (a.distance_km ?? 0) - (b.distance_km ?? 0) ||
      (a.load_after ?? 1) - (b.load_after ?? 1) ||
      a.facility.code.localeCompare(b.facility.code),
  );
  const shown = input.destinations === 'all' ? destinations.length : Math.max(0, input.destinations ?? DESTINATIONS_SHOWN);

  const { named, counts } = summarisePassed(passed, input.passedOver ?? PASSED_OVER_SHOWN);
  const result: RoutingResult = {
    needs: g,
    destinations: destinations.slice(0, shown).map(({ tier: _t, area: _a, cluster: _c, why, ...d }) => ({ ...d, reasons: why() })),
    destinations_total: destinations.length,
    passed_over: named,
    passed_over_counts: counts,
    hidden,
    hidden_fits: hiddenFits,
    missing: [],
  };
  if (!destinations.length) result.missing = whatIsMissing(input, g);
  return result;
}

/**
 * The passed-over facilities nearest the person first — same kab/kota, same province, then by
 * distance where both have coordinates — the first `shown` named with their reasons, the rest
 * counted by their first reason ('all': every one named, nothing counted).
 */
function summarisePassed(passed: (PassedOver & { area: number; distance: number | null })[], shown: number | 'all'): { named: PassedOver[]; counts: Record<string, number> } {
  passed.sort(
    (a, b) =>
      a.area - b.area ||
      Number(a.distance === null) - Number(b.distance === null) ||
      (a.distance ?? 0) - (b.distance ?? 0) ||
      a.facility.code.localeCompare(b.facility.code),
  );
  const cut = shown === 'all' ? passed.length : Math.max(0, shown);
  const counts: Record<string, number> = {};
  for (let i = cut; i < passed.length; i++) {
    const key = passed[i]!.reasons[0]!.key;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return { named: passed.slice(0, cut).map(({ facility, reasons }) => ({ facility, reasons })), counts };
}

/**
 * Nothing fits: say what is missing, in the order a person would look —
 * nothing open at all; a service no open facility gives; no one facility that
 * gives all of them; no accessible unit; no unit that takes this group; no
 * room for all of them together.
 */
function whatIsMissing(input: RoutingInput, g: GroupNeeds): Reason[] {
  const from = input.from;
  const open = input.facilities.filter((f) => f.status === 'OPEN' && canSeeFacility(input.asker, f) && f.id !== from?.facilityId);
  if (!open.length) return [R('routing.missing.no_open')];
  const out: Reason[] = [];
  for (const s of g.services) if (!open.some((f) => gives(f.services, s, g))) out.push(R('routing.missing.service', { service: s }));
  if (out.length) return out;
  const capable = open.filter((f) => g.services.every((s) => gives(f.services, s, g)));
  if (!capable.length) {
    // A household whose needs no one facility meets together: it may be split on purpose (DOMAIN.md), each part referred alone.
    return g.size > 1 ? [R('routing.missing.no_facility_gives_all'), R('routing.missing.split_hint')] : [R('routing.missing.no_facility_gives_all')];
  }
  const notExcluded = capable.filter((f) => !input.exclude?.has(f.id));
  if (!notExcluded.length) return [R('routing.missing.all_refused')];
  const checks = notExcluded.map((f) => checkUnits(f, g, input.persons).reasons[0]?.key);
  if (checks.every((k) => k === 'routing.passed.no_unit_admits')) return [R('routing.missing.unit_admits', { group: g.group })];
  if (g.wheelchair && checks.every((k) => k === 'routing.passed.no_unit_admits' || k === 'routing.passed.no_accessible_unit')) return [R('routing.missing.accessible')];
  return [R('routing.missing.places', { needed: g.size, group: g.group })];
}
