import { describe, it, expect } from 'vitest';
import type { Service, UnitAdmits, UnitFeature } from '../../src/db/schema/index.ts';
import type { Actor } from '../../src/domain/actor.ts';
import { addCounts, emptyCounts, unitCounts, type UnitOccupancy } from '../../src/domain/occupancy/compute.ts';
import { chooseUnit, unitRefusal, groupProfile, type PlacementMember, type PlacementUnit } from '../../src/domain/placement/choose-unit.ts';
import { derivedCluster, derivedClusterWithReason } from '../../src/domain/persons/cluster.ts';
import { route, type RoutingFacility, type RoutingPerson } from '../../src/domain/routing/route.ts';
import { describeReason } from '../../src/domain/routing/text.ts';
import { translator } from '../../src/i18n/index.ts';

/**
 * DOMAIN.md "Placement rules that protect people": one test per rule, each
 * asserting the reason the rule gives. Pure functions, no database.
 */

let n = 0;
const unit = (name: string, o: { admits?: UnitAdmits; features?: UnitFeature[]; free?: number; status?: string } = {}): PlacementUnit => ({
  id: `u-${++n}`,
  name,
  admits: o.admits ?? 'any',
  features: o.features ?? [],
  status: o.status ?? 'AVAILABLE',
  free: o.free ?? 10,
});
const man = (age = 35): PlacementMember => ({ sex: 'L', age });
const woman = (age = 30, o: Partial<PlacementMember> = {}): PlacementMember => ({ sex: 'P', age, ...o });

/** The demo TPS's zones (src/demo/facilities.ts tpsUnits). */
const tps = () => [
  unit('Zona A Laki-laki', { admits: 'male' }),
  unit('Zona B Perempuan', { admits: 'female' }),
  unit('Zona C Keluarga', { admits: 'family' }),
  unit('Zona D Lansia & Disabilitas', { features: ['accessible', 'elderly'], free: 6 }),
];
/** The mother-and-child balai's wisma. */
const balai = () => [
  unit('Wisma Melati (ibu & anak)', { admits: 'family', features: ['maternity', 'crib'] }),
  unit('Wisma Mawar (ibu hamil)', { admits: 'female', features: ['maternity'] }),
  unit('Wisma Anggrek (anak)', { admits: 'children', features: ['crib'] }),
];

describe('the unit choice (placement/choose-unit.ts)', () => {
  it('places a wheelchair user in the accessible unit first, with the reason', () => {
    const { choice } = chooseUnit(tps(), [{ sex: 'L', age: 40, wheelchair: true, disabilities: ['fisik'] }], false);
    expect(choice?.unit.name).toBe('Zona D Lansia & Disabilitas');
    expect(choice?.reason).toEqual({ key: 'placement.reason.suited_accessible', params: { unit: 'Zona D Lansia & Disabilitas' } });
  });

  it('places a 70-year-old in the elderly-suitable unit, not the first zone with room', () => {
    const { choice } = chooseUnit(tps(), [man(70)], false);
    expect(choice?.unit.name).toBe('Zona D Lansia & Disabilitas');
    expect(choice?.reason.key).toBe('placement.reason.suited_elderly');
  });

  it('keeps a man with no such need out of the scarce unit while another has room, and says so', () => {
    const { choice } = chooseUnit(tps(), [man()], false);
    expect(choice?.unit.name).toBe('Zona A Laki-laki');
    expect(choice?.reason.key).toBe('placement.reason.keeps_scarce_free');
  });

  it('lets him into the scarce unit only when nothing else has room (never in routing)', () => {
    const units = tps().map((u) => (u.name.startsWith('Zona A') ? { ...u, free: 0 } : u));
    const { choice } = chooseUnit(units, [man()], false);
    expect(choice?.unit.name).toBe('Zona D Lansia & Disabilitas');
    expect(choice?.reason.key).toBe('placement.reason.scarce_fallback');
    expect(chooseUnit(units, [man()], false, { strict: true }).why?.key).toBe('placement.none.only_scarce_units');
  });

  it('keeps a maternity unit for pregnant women and mothers with infants', () => {
    const g = groupProfile([woman(22)], false);
    expect(unitRefusal(balai()[1]!, g)).toEqual({ key: 'placement.unfit.maternity', params: { unit: 'Wisma Mawar (ibu hamil)' } });
    const { choice } = chooseUnit(balai(), [woman(28, { pregnant: true })], false);
    expect(choice?.unit.name).toBe('Wisma Mawar (ibu hamil)');
    expect(choice?.reason.key).toBe('placement.reason.suited_maternity');
    const mother = chooseUnit(balai(), [woman(30), { sex: 'L', age: 3 }], true);
    expect(mother.choice?.unit.name).toBe('Wisma Melati (ibu & anak)');
  });

  it("keeps a children's unit for children: never a 35-year-old man", () => {
    expect(unitRefusal(balai()[2]!, groupProfile([man()], false))).toEqual({ key: 'placement.unfit.children', params: { unit: 'Wisma Anggrek (anak)' } });
    expect(chooseUnit(balai(), [man()], false)).toEqual({ choice: null, why: { key: 'placement.none.no_unit_for_group' } });
  });

  it("sends an unaccompanied 12-year-old girl to the children's unit, never the maternity wisma", () => {
    const { choice } = chooseUnit(balai(), [woman(12)], false);
    expect(choice?.unit.name).toBe('Wisma Anggrek (anak)');
    expect(choice?.reason.key).toBe('placement.reason.suited_children');
  });

  it('places a child with no adult of their own household only in a children\'s unit, and says why elsewhere', () => {
    const boy = { sex: 'L' as const, age: 15 };
    expect(unitRefusal(tps()[0]!, groupProfile([boy], false))).toEqual({ key: 'placement.unfit.child_alone', params: { unit: 'Zona A Laki-laki' } });
    expect(chooseUnit(tps(), [boy], false).why).toEqual({ key: 'placement.none.no_children_unit' });
    // With his father already in Zona A, he joins him there.
    const zones = tps();
    expect(chooseUnit(zones, [boy], true, { adultKinUnitIds: new Set([zones[0]!.id]) }).choice?.unit.name).toBe('Zona A Laki-laki');
  });

  it('a crib is a feature, never a rule about who may stay: the women\'s home\'s only unit (female, crib) takes an adult woman', () => {
    const home = [unit('Wisma Aman', { admits: 'female', features: ['crib'] })];
    expect(chooseUnit(home, [woman(34)], false).choice?.unit.name).toBe('Wisma Aman');
  });

  it('never offers a teenager a crib ward in routing; an infant with the mother is suited there', () => {
    const units = [unit('Wisma Balita', { admits: 'children', features: ['crib'] }), unit('Wisma Remaja', { admits: 'children' })];
    const teen = chooseUnit(units, [woman(14)], false, { strict: true });
    expect(teen.choice?.unit.name).toBe('Wisma Remaja');
    expect(chooseUnit([units[0]!], [woman(14)], false, { strict: true }).why).toEqual({ key: 'placement.none.only_crib_units' });
    expect(chooseUnit(balai(), [woman(30), { sex: 'L', age: 2 }], true).choice?.reason.key).toBe('placement.reason.suited_maternity');
  });

  it('admits by sex and family: a family unit is for households, a women-only zone never takes a household with a boy', () => {
    const g = groupProfile([woman(), { sex: 'L', age: 8 }], true);
    expect(unitRefusal(tps()[1]!, g)?.key).toBe('placement.unfit.admits');
    expect(unitRefusal(tps()[2]!, groupProfile([man()], false))?.key).toBe('placement.unfit.admits');
    const { choice } = chooseUnit(tps(), [woman(), { sex: 'L', age: 8 }], true);
    expect(choice?.unit.name).toBe('Zona C Keluarga');
  });

  it('puts a household member with the rest of the household, all else equal', () => {
    const units = [unit('Zona B1', { admits: 'female' }), unit('Zona B2', { admits: 'female' })];
    const { choice } = chooseUnit(units, [woman()], true, { familyUnitIds: new Set([units[1]!.id]) });
    expect(choice?.unit.name).toBe('Zona B2');
    expect(choice?.reason.key).toBe('placement.reason.with_household');
  });

  it('says plainly when no unit has room for the whole group', () => {
    const units = [unit('Zona C Keluarga', { admits: 'family', free: 2 })];
    expect(chooseUnit(units, [woman(), man(5), man(7)], true).why).toEqual({ key: 'placement.none.full', params: { needed: 3, free: 2 } });
  });

  it('every reason has words in both languages', () => {
    for (const lang of ['id', 'en'] as const) {
      const t = translator(lang);
      for (const key of ['placement.reason.suited_accessible', 'placement.unfit.children', 'placement.none.only_scarce_units', 'placement.reason.keeps_scarce_free']) {
        expect(describeReason(t, { key, params: { unit: 'X' } })).not.toBe(key);
      }
    }
  });
});

describe('the cluster of a person (persons/cluster.ts)', () => {
  it('a child → anak, whatever else', () => expect(derivedClusterWithReason({ age: 9, disabilities: ['fisik'] })).toEqual({ cluster: 'anak', why: 'child' }));
  it('a disability → disabilitas', () => expect(derivedClusterWithReason({ age: 40, disabilities: ['sensorik'] })).toEqual({ cluster: 'disabilitas', why: 'disability' }));
  it('60+ → lansia', () => expect(derivedClusterWithReason({ age: 60 })).toEqual({ cluster: 'lansia', why: 'elderly' }));
  it('drug dependence → napza', () => expect(derivedClusterWithReason({ age: 30, napza: true, category: 'gelandangan' })).toEqual({ cluster: 'napza', why: 'napza' }));
  it('homeless, beggar, scavenger, trafficking victim → tuna_sosial', () => {
    for (const category of ['gelandangan', 'pengemis', 'pemulung', 'korban_perdagangan_orang'] as const) expect(derivedCluster({ age: 30, category })).toBe('tuna_sosial');
    expect(derivedClusterWithReason({ age: 30, traffickingVictim: true })).toEqual({ cluster: 'tuna_sosial', why: 'tuna_sosial' });
  });
  it('a laid-off worker and any other warga terlantar join tuna_sosial; only nothing known gives none', () => {
    expect(derivedClusterWithReason({ age: 30, category: 'korban_phk' })).toEqual({ cluster: 'tuna_sosial', why: 'tuna_sosial' });
    expect(derivedCluster({ age: 45, category: 'lainnya' })).toBe('tuna_sosial');
    expect(derivedCluster({ age: 30 })).toBeNull();
  });
});

// ---- Routing, with the same unit rule ----

const actor = (role: Actor['role'], facilityId: string | null = null): Actor => ({ type: 'user', id: `u-${role}`, label: role, role, facilityId, wilayahCode: null, ip: null, lang: 'id' });
const INTAKE = actor('intake', 'tps-asal');
const COMMAND = actor('command');

function facility(code: string, o: { kind?: RoutingFacility['kind']; services?: Service[]; clusters?: RoutingFacility['clusters']; protected?: boolean; units: { name: string; admits?: UnitAdmits; features?: UnitFeature[]; capacity?: number }[] }): RoutingFacility {
  const id = `f-${code}`;
  const units: UnitOccupancy[] = o.units.map((u) => {
    const spec = { capacity: u.capacity ?? 10, blocked: 0, status: 'AVAILABLE', admits: u.admits ?? 'any', features: u.features ?? [], occupied: 0, held: 0 } as const;
    return { id: `${id}-${u.name}`, facility_id: id, name: u.name, admits: spec.admits, features: [...spec.features], status: spec.status, ...unitCounts(spec) };
  });
  const counts = units.reduce((acc, u) => addCounts(acc, u), emptyCounts());
  return { id, code, name: code, kind: o.kind ?? 'BALAI', wilayah_code: '31.71', status: 'OPEN', protected: o.protected ?? false, load: 0, ...counts, units, services: o.services ?? [], clusters: o.clusters ?? [], lat: null, lng: null };
}
const person = (o: Partial<RoutingPerson> = {}): RoutingPerson => ({
  id: `p${++n}`, sex: 'L', age: 35, pregnant: false, disabilities: [], wheelchair: false, needsMedical: false, unaccompaniedChild: false, traffickingVictim: false, ...o,
});
const codes = (r: Awaited<ReturnType<typeof route>>) => r.destinations.map((d) => d.facility.code);

describe('routing with the placement rules', () => {
  const elderlyZone = facility('TPS-LANSIA', { kind: 'TPS', units: [{ name: 'Zona D', features: ['accessible', 'elderly'] }] });
  const kids = facility('BALAI-ANAK', { services: ['child_protection', 'maternity', 'early_childhood'], clusters: ['anak'], units: [{ name: 'Wisma Mawar', admits: 'female', features: ['maternity'] }, { name: 'Wisma Anggrek', admits: 'children', features: ['crib'] }] });
  const lks = facility('LKS', { kind: 'LKS', units: [{ name: 'Slot' }] });

  it('never offers a healthy adult an elderly/accessible zone nor a children\'s ward, and says why', () => {
    const r = route({ persons: [person()], facilities: [elderlyZone, kids, lks], asker: INTAKE });
    expect(codes(r)).toEqual(['LKS']);
    expect(r.passed_over.find((p) => p.facility.code === 'TPS-LANSIA')?.reasons).toEqual([{ key: 'routing.passed.only_scarce_units' }]);
    expect(r.passed_over.find((p) => p.facility.code === 'BALAI-ANAK')?.reasons).toEqual([{ key: 'routing.passed.no_unit_admits', params: { group: 'male' } }]);
  });

  it('sends an unaccompanied 12-year-old girl to the children\'s wisma, not the maternity one', () => {
    const r = route({ persons: [person({ sex: 'P', age: 12 })], facilities: [kids], asker: INTAKE });
    expect(r.destinations[0]?.unit.name).toBe('Wisma Anggrek');
    expect(r.destinations[0]?.reasons).toContainEqual({ key: 'placement.reason.suited_children', params: { unit: 'Wisma Anggrek' } });
  });

  it('gives a male trafficking victim a path: trafficking protection for any sex; women\'s protection covers women only', () => {
    const women = facility('PEREMPUAN', { services: ['women_protection'], units: [{ name: 'Aman', admits: 'female' }] });
    const rptc = facility('RPTC', { services: ['trafficking_protection'], protected: true, units: [{ name: 'Putra', admits: 'male' }, { name: 'Putri', admits: 'female' }] });
    const him = person({ traffickingVictim: true });
    expect(route({ persons: [him], facilities: [women, rptc], asker: COMMAND }).destinations.map((d) => `${d.facility.code}/${d.unit.name}`)).toEqual(['RPTC/Putra']);
    const asDesk = route({ persons: [him], facilities: [women, rptc], asker: INTAKE });
    expect(asDesk.hidden_fits).toBe(1);
    expect(asDesk.passed_over[0]?.reasons).toEqual([{ key: 'routing.passed.missing_service', params: { service: 'trafficking_protection' } }]);
    expect(codes(route({ persons: [person({ sex: 'P', traffickingVictim: true })], facilities: [women], asker: INTAKE }))).toEqual(['PEREMPUAN']);
  });

  it('routes drug dependence (NAPZA) to addiction counselling, with the cluster as a reason', () => {
    const loka = facility('LOKA-NAPZA', { kind: 'LOKA', services: ['addiction'], clusters: ['napza'], units: [{ name: 'Wisma Pulih', admits: 'male' }] });
    const other = facility('BALAI-LAIN', { services: ['medical'], units: [{ name: 'W' }] });
    const r = route({ persons: [person({ napza: true })], facilities: [other, loka], asker: INTAKE });
    expect(r.needs.services).toEqual(['addiction']);
    expect(codes(r)).toEqual(['LOKA-NAPZA']);
    expect(r.destinations[0]?.reasons).toContainEqual({ key: 'routing.reason.cluster', params: { cluster: 'napza' } });
  });

  it('ranks a facility of the person\'s cluster first among equals', () => {
    const a = facility('A-LAIN', { services: ['elderly'], clusters: ['disabilitas'], units: [{ name: 'W', features: ['elderly'] }] });
    const b = facility('B-LANSIA', { services: ['elderly'], clusters: ['lansia'], units: [{ name: 'W', features: ['elderly'] }] });
    expect(codes(route({ persons: [person({ age: 72 })], facilities: [a, b], asker: INTAKE }))).toEqual(['B-LANSIA', 'A-LAIN']);
  });

  it('tells a mixed household that nothing fits together, and that it may be split on purpose', () => {
    const maternity = facility('MATERNITAS', { services: ['maternity'], units: [{ name: 'Keluarga', admits: 'family', features: ['maternity'] }, { name: 'Mawar', admits: 'female', features: ['maternity'] }] });
    const panti = facility('PANTI', { kind: 'PANTI', services: ['elderly'], units: [{ name: 'Putri', admits: 'female', features: ['elderly'] }] });
    const pregnant = person({ sex: 'P', age: 28, pregnant: true });
    const grandmother = person({ sex: 'P', age: 65 });
    const both = route({ persons: [pregnant, grandmother], facilities: [maternity, panti], asker: INTAKE });
    expect(both.destinations).toEqual([]);
    expect(both.missing).toEqual([{ key: 'routing.missing.no_facility_gives_all' }, { key: 'routing.missing.split_hint' }]);
    expect(codes(route({ persons: [pregnant], facilities: [maternity, panti], asker: INTAKE }))).toEqual(['MATERNITAS']);
    expect(codes(route({ persons: [grandmother], facilities: [maternity, panti], asker: INTAKE }))).toEqual(['PANTI']);
  });
});
