import { toLocalIso, zoneOf, type Zone } from '../../lib/time.ts';
import { loadLevel, type UnitOccupancy } from '../occupancy/compute.ts';
import { pickCounts, freeOnly } from '../occupancy/view.ts';
import type { FacilityRow, UnitRow } from './load.ts';
import type { FacilityDetail, FacilityListItem, UnitChangeView } from './queries.ts';
import type { PersonInside } from './people.ts';

/** The facility API's shapes (snake_case, times with the offset of the facility's zone: +07:00 WIB, +08:00 WITA, +09:00 WIT). GET /occupancy's document is src/domain/occupancy/view.ts. */

/** Every figure of a unit or facility: the same shape GET /occupancy serves. */
export const countsJson = pickCounts;

/** Free places only: what Satpol PP and another facility's intake desk are told. */
export const freeJson = freeOnly;

/** A load past every usable place (or any use with nothing usable) is an overflow; JSON has no Infinity. */
function loadJson(load: number | null) {
  return { load: load === null || !Number.isFinite(load) ? null : Math.round(load * 1000) / 1000, level: loadLevel(load) };
}

export function facilityJson(f: FacilityRow, extra: { wilayahName?: string } = {}) {
  const zone = zoneOf(f.wilayahCode);
  return {
    id: f.id,
    code: f.code,
    kind: f.kind,
    name: f.name,
    wilayah_code: f.wilayahCode,
    ...(extra.wilayahName !== undefined ? { wilayah_name: extra.wilayahName } : {}),
    address: f.address,
    lat: f.lat,
    lng: f.lng,
    contact_name: f.contactName,
    contact_phone: f.contactPhone,
    operator: f.operator,
    status: f.status,
    status_changed_at: toLocalIso(f.statusChangedAt, zone),
    status_changed_by: f.statusChangedBy,
    services: f.services,
    clusters: f.clusters,
    protected: f.protected,
    version: f.version,
    created_at: toLocalIso(f.createdAt, zone),
    updated_at: toLocalIso(f.updatedAt, zone),
  };
}

export function unitJson(u: UnitRow, occupancy?: UnitOccupancy, numbers: 'full' | 'free' = 'full') {
  if (numbers === 'free') {
    return {
      id: u.id,
      facility_id: u.facilityId,
      name: u.name,
      admits: u.admits,
      features: u.features,
      status: u.status,
      ...(occupancy ? { occupancy: freeJson(occupancy) } : {}),
    };
  }
  return {
    id: u.id,
    facility_id: u.facilityId,
    name: u.name,
    capacity: u.capacity,
    blocked: u.blocked,
    block_reason: u.blockReason,
    admits: u.admits,
    features: u.features,
    status: u.status,
    status_reason: u.statusReason,
    bed_label_pattern: u.bedLabelPattern,
    sort_order: u.sortOrder,
    version: u.version,
    ...(occupancy ? { occupancy: countsJson(occupancy) } : {}),
  };
}

/** A list item: the facility, and its occupancy as far as this actor may know it. */
export function facilityListItemJson(i: FacilityListItem) {
  const full = i.powers.numbers === 'full';
  return {
    ...facilityJson(i.facility, { wilayahName: i.wilayahName }),
    occupancy: full ? { ...countsJson(i.occupancy), ...loadJson(i.occupancy.load) } : freeJson(i.occupancy),
  };
}

export function unitChangeJson(c: UnitChangeView, zone: Zone = 'WIB') {
  return { at: toLocalIso(c.at, zone), by: c.by, field: c.field, from: c.from, to: c.to, reason: c.reason };
}

export function personInsideJson(p: PersonInside, zone: Zone = 'WIB') {
  return {
    stay_id: p.stay_id,
    person_id: p.person_id,
    resident_code: p.resident_code,
    name: p.name,
    description: p.description,
    unit_id: p.unit_id,
    unit_name: p.unit_name,
    bed_label: p.bed_label,
    checked_in_at: toLocalIso(p.checked_in_at, zone),
    overflow: p.overflow,
  };
}

export function facilityDetailJson(d: FacilityDetail) {
  const zone = zoneOf(d.facility.wilayahCode);
  const byUnit = new Map(d.occupancy.units.map((u) => [u.id, u]));
  return {
    ...facilityListItemJson(d),
    units: d.units.map((u) => ({
      ...unitJson(u, byUnit.get(u.id), d.powers.numbers),
      ...(d.powers.numbers === 'full' ? { history: (d.history.get(u.id) ?? []).map((c) => unitChangeJson(c, zone)) } : {}),
    })),
    ...(d.people ? { people: d.people.map((p) => personInsideJson(p, zone)) } : {}),
    ...(d.powers.numbers === 'full' ? { referrals_in: d.referralsIn } : {}),
  };
}
