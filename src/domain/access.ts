import type { Actor } from './actor.ts';
import type { Role } from '../db/schema/index.ts';
import { forbidden, notFound } from './errors.ts';

/**
 * The access rules of DOMAIN.md in one place. Routes declare which roles may
 * call them (checked by the auth plugin for every route); record-level scope
 * (which facility, which wilayah) is checked here by the domain verbs.
 */

/** Roles whose account or token must be bound to a facility / a wilayah. */
export const FACILITY_ROLES: readonly Role[] = ['manager', 'intake'];
export const WILAYAH_ROLES: readonly Role[] = ['satpol'];
/** Roles bound to a facility or a wilayah, whichever they work from (a pendamping: a balai, or a kab/kota). */
export const FACILITY_OR_WILAYAH_ROLES: readonly Role[] = ['pendamping'];

export const ALL_ROLES: readonly Role[] = ['admin', 'command', 'manager', 'intake', 'satpol', 'display', 'pendamping'];
/** Roles that work with people and may see person records (within their scope). */
export const PEOPLE_ROLES: readonly Role[] = ['admin', 'command', 'manager', 'intake'];
/** Roles that see the whole picture, across facilities. */
export const WIDE_ROLES: readonly Role[] = ['admin', 'command'];

export function hasRole(actor: Actor, roles: readonly Role[]): boolean {
  return actor.role !== 'system' && roles.includes(actor.role);
}

export function isWide(actor: Actor): boolean {
  return actor.role === 'system' || hasRole(actor, WIDE_ROLES);
}

export function requireRole(actor: Actor, roles: readonly Role[]): void {
  if (actor.role !== 'system' && !roles.includes(actor.role)) throw forbidden();
}

export interface FacilityRef {
  id: string;
  protected: boolean;
}

/** The roles that, bound to a protected facility, work there and so know it. */
const PROTECTED_PLACE_STAFF: readonly Role[] = ['manager', 'intake', 'pendamping'];

/**
 * Who may know a protected place (docs/security.md "Protected places"): the
 * ONE rule, used by occupancy, routing, referrals, case work, hand-offs and
 * reports. A facility that is not protected is known to all. A protected one
 * is known only to
 * - the wide roles (admin, command centre) and the server itself, and
 * - the people who work there: a manager, an intake desk or a pendamping
 *   bound to that very facility.
 * Nobody else — staff of other facilities, Satpol PP, wall displays, a
 * pendamping bound to a kab/kota or to another balai — learns its id, code,
 * name, address, zone, units or the free text written about a transfer to
 * it, whatever their link to a person placed there: being assigned a case,
 * having sent the referral or having registered the person does not make the
 * place known (the person may be seen; where they are is not told).
 */
export function canSeeFacility(actor: Actor, facility: FacilityRef): boolean {
  if (!facility.protected) return true;
  if (isWide(actor)) return true;
  return actor.facilityId === facility.id && hasRole(actor, PROTECTED_PLACE_STAFF);
}

export function assertCanSeeFacility(actor: Actor, facility: FacilityRef): void {
  // 404, not 403: a protected facility's existence is itself the secret.
  if (!canSeeFacility(actor, facility)) throw notFound();
}

/** May this actor change this facility's units and capacity? */
export function canManageFacility(actor: Actor, facilityId: string): boolean {
  if (actor.role === 'system' || actor.role === 'admin') return true;
  return actor.role === 'manager' && actor.facilityId === facilityId;
}

export function assertCanManageFacility(actor: Actor, facility: FacilityRef): void {
  assertCanSeeFacility(actor, facility);
  if (!canManageFacility(actor, facility.id)) throw forbidden();
}

/**
 * Where a person is, as far as scope is concerned, computed once per person
 * (`personScope` in src/domain/persons/scope.ts): the facilities they are
 * linked to (where they are, were or are headed) and their place now — the
 * open stay, else the destination of an open referral, else the last stay,
 * else the facility that registered them.
 */
export interface PersonScope {
  linked: readonly string[];
  place: FacilityRef | null;
}

/**
 * May this actor see a person's record? Wide roles always. Facility staff
 * when the person is, was or is headed to their facility — except that a
 * person whose place is a protected facility appears to nobody outside it
 * (DOMAIN.md "Confidentiality across facilities"), whatever their links.
 */
export function canSeePerson(actor: Actor, scope: PersonScope): boolean {
  if (isWide(actor)) return true;
  if (!hasRole(actor, ['manager', 'intake']) || actor.facilityId === null) return false;
  if (scope.place?.protected && scope.place.id !== actor.facilityId) return false;
  return scope.linked.includes(actor.facilityId);
}
