import { describe, it, expect } from 'vitest';
import type { FacilityKind, Service, UnitAdmits, UnitFeature } from '../../src/db/schema/index.ts';
import type { Actor } from '../../src/domain/actor.ts';
import { addCounts, emptyCounts, unitCounts, type UnitOccupancy } from '../../src/domain/occupancy/compute.ts';
import { route, haversineKm, type RoutingFacility, type RoutingPerson } from '../../src/domain/routing/route.ts';
import { describeReason } from '../../src/domain/routing/text.ts';
import { translator } from '../../src/i18n/index.ts';

/** Routing is a pure function: facilities and people are built here, no database. */

const actor = (role: Actor['role'], facilityId: string | null = null): Actor => ({
  type: 'user',
  id: `u-${role}`,
  label: role,
  role,
  facilityId,
  wilayahCode: null,
  ip: null,
  lang: 'id',
});
const INTAKE = actor('intake', 'tps-asal');
const COMMAND = actor('command');

interface UnitSpec {
  admits?: UnitAdmits;
  capacity?: number;
  occupied?: number;
  held?: number;
  features?: UnitFeature[];
  status?: 'AVAILABLE' | 'BLOCKED' | 'CLOSED';
}

let n = 0;
function facility(o: {
  code: string;
  kind: FacilityKind;
  wilayah?: string;
  services?: Service[];
  units: UnitSpec[];
  status?: 'OPEN' | 'STANDBY' | 'CLOSED';
  protected?: boolean;
  lat?: number | null;
  lng?: number | null;
}): RoutingFacility {
  const id = `f-${o.code}`;
  const units: UnitOccupancy[] = o.units.map((u) => {
    const spec = { capacity: u.capacity ?? 10, blocked: 0, status: u.status ?? 'AVAILABLE', admits: u.admits ?? 'any', features: u.features ?? [], occupied: u.occupied ?? 0, held: u.held ?? 0 } as const;
    return { id: `u${++n}`, facility_id: id, name: `Unit ${n}`, admits: spec.admits, features: [...spec.features], status: spec.status, ...unitCounts(spec) };
  });
  const counts = units.reduce((acc, u) => addCounts(acc, u), emptyCounts());
  return {
    id,
    code: o.code,
    name: o.code,
    kind: o.kind,
    wilayah_code: o.wilayah ?? '31.71',
    status: o.status ?? 'OPEN',
    protected: o.protected ?? false,
    load: counts.usable ? (counts.occupied + counts.held) / counts.usable : null,
    ...counts,
    units,
    services: o.services ?? [],
    lat: o.lat ?? null,
    lng: o.lng ?? null,
  };
}

function person(o: Partial<RoutingPerson> = {}): RoutingPerson {
  return {
    id: `p${++n}`,
    sex: 'L',
    age: 35,
    pregnant: false,
    disabilities: [],
    wheelchair: false,
    needsMedical: false,
    unaccompaniedChild: false,
    traffickingVictim: false,
    ...o,
  };
}

const FROM = { facilityId: 'tps-asal', wilayahCode: '31.71', lat: -6.18, lng: 106.87 };
const codes = (r: Awaited<ReturnType<typeof route>>) => r.destinations.map((d) => d.facility.code);
const passedReasons = (r: Awaited<ReturnType<typeof route>>, code: string) => r.passed_over.find((p) => p.facility.code === code)?.reasons.map((x) => x.key) ?? [];

describe('routing (DOMAIN.md "Routing people with special needs")', () => {
  it('sends a pregnant woman with a 3-year-old to a maternity-capable balai with two places in a unit that admits a family, never to a TPS', () => {
    const mother = person({ sex: 'P', age: 27, pregnant: true });
    const child = person({ sex: 'L', age: 3 });
    const tps = facility({ code: 'TPS', kind: 'TPS', units: [{ admits: 'family', capacity: 40 }] });
    const lks = facility({ code: 'LKS', kind: 'LKS', units: [{ admits: 'family', capacity: 20 }] });
    const womenOnly = facility({ code: 'BALAI-W', kind: 'BALAI', services: ['maternity', 'early_childhood'], units: [{ admits: 'female', capacity: 10 }] });
    const oneLeft = facility({ code: 'BALAI-1', kind: 'BALAI', services: ['maternity', 'early_childhood'], units: [{ admits: 'family', capacity: 4, occupied: 3 }] });
    const noChildCare = facility({ code: 'BALAI-M', kind: 'BALAI', services: ['maternity'], units: [{ admits: 'family', capacity: 10 }] });
    const good = facility({ code: 'BALAI-OK', kind: 'BALAI', services: ['maternity', 'early_childhood', 'medical'], units: [{ admits: 'male', capacity: 10 }, { admits: 'family', capacity: 6, occupied: 4, features: ['maternity', 'crib'] }] });

    const r = route({ persons: [mother, child], facilities: [tps, lks, womenOnly, oneLeft, noChildCare, good], asker: INTAKE, from: FROM });

    expect(codes(r)).toEqual(['BALAI-OK']);
    const d = r.destinations[0]!;
    expect(d.unit.free).toBe(2);
    expect(good.units.find((u) => u.id === d.unit.id)!.admits).toBe('family');
    expect(d.reasons.map((x) => x.key)).toEqual(expect.arrayContaining(['routing.reason.service', 'routing.reason.with_mother', 'routing.reason.residential']));
    expect(r.needs.services).toEqual(['maternity', 'early_childhood']);
    expect(passedReasons(r, 'TPS')).toContain('routing.passed.missing_service');
    expect(passedReasons(r, 'LKS')).toContain('routing.passed.missing_service');
    expect(passedReasons(r, 'BALAI-W')).toEqual(['routing.passed.no_unit_admits']); // a household is never split
    expect(passedReasons(r, 'BALAI-1')).toEqual(['routing.passed.full']);
    expect(r.passed_over.find((p) => p.facility.code === 'BALAI-M')!.reasons).toEqual([{ key: 'routing.passed.missing_service', params: { service: 'early_childhood' } }]);

    // Even a TPS with room and a family zone is never offered to her while it lacks maternity care.
    const onlyTps = route({ persons: [mother, child], facilities: [tps], asker: INTAKE, from: FROM });
    expect(onlyTps.destinations).toEqual([]);
  });

  it('sends a wheelchair user only where an accessible unit is free', () => {
    const user = person({ sex: 'L', age: 45, disabilities: ['fisik'], wheelchair: true });
    const noAccess = facility({ code: 'PANTI-A', kind: 'PANTI', services: ['disability_physical'], units: [{ admits: 'male', capacity: 10 }] });
    const accessFull = facility({ code: 'PANTI-B', kind: 'PANTI', services: ['disability_physical'], units: [{ admits: 'any', capacity: 10 }, { admits: 'any', capacity: 4, occupied: 2, held: 2, features: ['accessible'] }] });
    const accessFree = facility({ code: 'PANTI-C', kind: 'PANTI', services: ['disability_physical', 'wheelchair_access'], units: [{ admits: 'male', capacity: 10 }, { admits: 'any', capacity: 4, occupied: 3, features: ['accessible'] }] });

    const r = route({ persons: [user], facilities: [noAccess, accessFull, accessFree], asker: INTAKE, from: FROM });
    expect(codes(r)).toEqual(['PANTI-C']);
    expect(r.destinations[0]!.unit.features).toContain('accessible');
    expect(passedReasons(r, 'PANTI-A')).toEqual(['routing.passed.no_accessible_unit']);
    expect(passedReasons(r, 'PANTI-B')).toEqual(['routing.passed.no_accessible_free']);
  });

  it('sends a 70-year-old to elderly care', () => {
    const elder = person({ sex: 'P', age: 70 });
    const tps = facility({ code: 'TPS', kind: 'TPS', units: [{ admits: 'female' }] });
    const lks = facility({ code: 'LKS', kind: 'LKS', units: [{ admits: 'any' }] });
    const childBalai = facility({ code: 'BALAI-ANAK', kind: 'BALAI', services: ['child_protection'], units: [{ admits: 'female' }] });
    const werdha = facility({ code: 'PANTI-WERDHA', kind: 'PANTI', services: ['elderly', 'medical'], units: [{ admits: 'female', features: ['elderly'] }] });

    const r = route({ persons: [elder], facilities: [tps, lks, childBalai, werdha], asker: INTAKE, from: FROM });
    expect(r.needs.needs).toEqual(['elderly']);
    expect(codes(r)).toEqual(['PANTI-WERDHA']);
    expect(r.destinations[0]!.reasons).toContainEqual({ key: 'routing.reason.service', params: { service: 'elderly' } });
  });

  it('sends an unaccompanied 10-year-old to child protection', () => {
    const boy = person({ sex: 'L', age: 10 });
    const lks = facility({ code: 'LKS', kind: 'LKS', units: [{ admits: 'any' }] });
    const balaiIbu = facility({ code: 'BALAI-IBU', kind: 'BALAI', services: ['maternity', 'early_childhood'], units: [{ admits: 'any' }] });
    const sentra = facility({ code: 'SENTRA-ANAK', kind: 'BALAI', services: ['child_protection', 'early_childhood'], units: [{ admits: 'children' }] });

    // Alone, a child is unaccompanied even when nobody ticked the box.
    const r = route({ persons: [boy], facilities: [lks, balaiIbu, sentra], asker: INTAKE, from: FROM });
    expect(r.needs.needs).toContain('unaccompanied_child');
    expect(codes(r)).toEqual(['SENTRA-ANAK']);
    // A sentra whose only unit is for adult men is passed over, saying why.
    const adultsOnly = facility({ code: 'SENTRA-DEWASA', kind: 'BALAI', services: ['child_protection', 'early_childhood'], units: [{ admits: 'male' }] });
    expect(passedReasons(route({ persons: [boy], facilities: [adultsOnly], asker: INTAKE, from: FROM }), 'SENTRA-DEWASA')).toContain('routing.passed.no_children_unit');
    expect(passedReasons(r, 'BALAI-IBU')).toContain('routing.passed.missing_service');

    // The same child with his father is a household, not an unaccompanied child.
    const withFather = route({ persons: [person({ age: 40 }), boy], facilities: [lks, balaiIbu, sentra], asker: INTAKE, from: FROM });
    expect(withFather.needs.needs).not.toContain('unaccompanied_child');
  });

  it('ranks an LKS above a TPS for a man with no special need when both have room', () => {
    const man = person({ sex: 'L', age: 38 });
    const tps = facility({ code: 'TPS', kind: 'TPS', units: [{ admits: 'male', capacity: 40 }] });
    const lks = facility({ code: 'LKS', kind: 'LKS', units: [{ admits: 'family' }, { admits: 'any', capacity: 5, occupied: 4 }] });
    const balai = facility({ code: 'BALAI', kind: 'BALAI', services: ['maternity'], units: [{ admits: 'any', capacity: 40 }] });

    const r = route({ persons: [man], facilities: [tps, balai, lks], asker: INTAKE, from: FROM });
    expect(r.needs.special).toBe(false);
    // Community care first, a TPS next, a balai's special places last.
    expect(codes(r)).toEqual(['LKS', 'TPS', 'BALAI']);
    expect(r.destinations[0]!.reasons.map((x) => x.key)).toContain('routing.reason.community');

    // When the LKS has no room, the TPS is first.
    const full = facility({ code: 'LKS-FULL', kind: 'LKS', units: [{ admits: 'any', capacity: 5, occupied: 5 }] });
    expect(codes(route({ persons: [man], facilities: [full, tps], asker: INTAKE, from: FROM }))).toEqual(['TPS']);
  });

  it('ranks the same kab/kota first, then the same province, then others; nearer first', () => {
    const man = person();
    const far = facility({ code: 'LKS-BDG', kind: 'LKS', wilayah: '32.73', units: [{}], lat: -6.91, lng: 107.61 });
    const province = facility({ code: 'LKS-JT', kind: 'LKS', wilayah: '31.75', units: [{}], lat: -6.23, lng: 106.9 });
    const sameFar = facility({ code: 'LKS-JP-FAR', kind: 'LKS', wilayah: '31.71', units: [{}], lat: -6.2, lng: 106.84 });
    const sameNear = facility({ code: 'LKS-JP-NEAR', kind: 'LKS', wilayah: '31.71', units: [{}], lat: -6.181, lng: 106.871 });
    const sameNoCoords = facility({ code: 'LKS-JP-NONE', kind: 'LKS', wilayah: '31.71', units: [{}] });

    const r = route({ persons: [man], facilities: [far, province, sameNoCoords, sameFar, sameNear], asker: INTAKE, from: FROM });
    expect(codes(r)).toEqual(['LKS-JP-NEAR', 'LKS-JP-FAR', 'LKS-JP-NONE', 'LKS-JT', 'LKS-BDG']);
    expect(r.destinations[0]!.reasons.map((x) => x.key)).toContain('routing.reason.same_kabkota');
    expect(r.destinations[3]!.reasons.map((x) => x.key)).toContain('routing.reason.same_province');
    expect(r.destinations[0]!.distance_km).toBeLessThan(r.destinations[1]!.distance_km!);

    // Equal in area and distance: lower load after placing them first.
    const busy = facility({ code: 'LKS-A', kind: 'LKS', units: [{ capacity: 10, occupied: 8 }] });
    const calm = facility({ code: 'LKS-B', kind: 'LKS', units: [{ capacity: 10, occupied: 2 }] });
    expect(codes(route({ persons: [man], facilities: [busy, calm], asker: INTAKE, from: FROM }))).toEqual(['LKS-B', 'LKS-A']);
  });

  it('never shows a protected facility to a role that may not see it', () => {
    const victim = person({ sex: 'P', age: 22, traffickingVictim: true });
    const shelter = facility({ code: 'RAHASIA', kind: 'BALAI', services: ['women_protection', 'medical'], protected: true, units: [{ admits: 'female' }] });
    const tps = facility({ code: 'TPS', kind: 'TPS', units: [{ admits: 'female' }] });

    const asIntake = route({ persons: [victim], facilities: [shelter, tps], asker: INTAKE, from: FROM });
    expect(codes(asIntake)).toEqual([]);
    expect(JSON.stringify({ d: asIntake.destinations, p: asIntake.passed_over, m: asIntake.missing })).not.toContain('RAHASIA');
    expect(asIntake.hidden).toBe(1);
    expect(asIntake.hidden_fits).toBe(1); // the command centre is told a protected place could take her
    expect(asIntake.missing).toEqual([{ key: 'routing.missing.service', params: { service: 'trafficking_protection' } }]);

    // Its own staff and the command centre see it.
    expect(codes(route({ persons: [victim], facilities: [shelter, tps], asker: COMMAND, from: FROM }))).toEqual(['RAHASIA']);
    expect(codes(route({ persons: [victim], facilities: [shelter, tps], asker: actor('manager', shelter.id), from: FROM }))).toEqual(['RAHASIA']);
  });

  it('when nothing fits, says plainly what is missing', () => {
    const t = translator('id');
    const mother = person({ sex: 'P', age: 30, pregnant: true });
    const child = person({ sex: 'P', age: 2 });

    // No one gives maternity care.
    const none = route({ persons: [mother, child], facilities: [facility({ code: 'TPS', kind: 'TPS', units: [{ admits: 'family' }] })], asker: INTAKE, from: FROM });
    expect(none.destinations).toEqual([]);
    expect(none.missing.map((m) => describeReason(t, m))).toEqual([
      'Tidak ada fasilitas buka yang memberi perawatan ibu hamil.',
      'Tidak ada fasilitas buka yang memberi pengasuhan anak usia dini.',
    ]);

    // The care exists but there is no room for both together in one unit.
    const full = facility({ code: 'BALAI', kind: 'BALAI', services: ['maternity', 'early_childhood'], units: [{ admits: 'family', capacity: 4, occupied: 3 }, { admits: 'family', capacity: 4, occupied: 3 }] });
    const noRoom = route({ persons: [mother, child], facilities: [full], asker: INTAKE, from: FROM });
    expect(noRoom.missing).toEqual([{ key: 'routing.missing.places', params: { needed: 2, group: 'family' } }]);
    expect(describeReason(translator('en'), noRoom.missing[0]!)).toBe('No free places for 2 (a family) together in one unit at the facilities that give this care.');

    // A closed facility is passed over as such.
    const closed = facility({ code: 'BALAI-X', kind: 'BALAI', status: 'CLOSED', services: ['maternity', 'early_childhood'], units: [{ admits: 'family' }] });
    const r = route({ persons: [mother, child], facilities: [closed], asker: INTAKE, from: FROM });
    expect(passedReasons(r, 'BALAI-X')).toContain('routing.passed.not_open');
    expect(r.missing).toEqual([{ key: 'routing.missing.no_open' }]);
  });

  it('never offers the facility the person is in, nor one that already refused them', () => {
    const man = person();
    const here = facility({ code: 'TPS-HERE', kind: 'TPS', units: [{ admits: 'male' }] });
    const refused = facility({ code: 'LKS-NO', kind: 'LKS', units: [{}] });
    const r = route({ persons: [man], facilities: [here, refused], asker: INTAKE, from: { ...FROM, facilityId: here.id }, exclude: new Map([[refused.id, { key: 'routing.passed.refused' }]]) });
    expect(codes(r)).toEqual([]);
    expect(passedReasons(r, 'TPS-HERE')).toEqual(['routing.passed.origin']);
    expect(passedReasons(r, 'LKS-NO')).toEqual(['routing.passed.refused']);
    expect(r.missing).toEqual([{ key: 'routing.missing.all_refused' }]);
  });

  it('measures distance on the globe', () => {
    // Monas to Bundaran HI, about 2.1 km.
    expect(haversineKm({ lat: -6.1754, lng: 106.8272 }, { lat: -6.1949, lng: 106.823 })).toBeCloseTo(2.2, 0);
  });
});
