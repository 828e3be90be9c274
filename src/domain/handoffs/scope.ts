import { sql, type SQL } from 'drizzle-orm';
import type { Role } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { hasRole, isWide } from '../access.ts';

/**
 * Who may do what with a handoff (DOMAIN.md "Rules that protect people and
 * data"). Satpol PP see the handoffs of their unit — those their account or
 * token submitted and those of operations in their wilayah — and only what
 * the officers wrote on the form, never a person record. The receiving
 * facility's intake and managers account for the people; the command centre
 * and administrators see and may act on every handoff.
 */
export const SUBMIT_ROLES: readonly Role[] = ['satpol', 'admin', 'command'];
export const VIEW_ROLES: readonly Role[] = ['admin', 'command', 'manager', 'intake', 'satpol'];
export const DESK_ROLES: readonly Role[] = ['admin', 'command', 'manager', 'intake'];

export interface HandoffScopeRef {
  facilityId: string;
  wilayahCode: string;
  submittedBy: string | null;
  submittedByToken: string | null;
}

/** A kab/kota is within its own code and within its province ("31.71" is within "31"). */
export function withinWilayah(bound: string | null, code: string): boolean {
  if (!bound) return false;
  return code === bound || code.startsWith(`${bound}.`);
}

export function submittedByActor(actor: Actor, h: Pick<HandoffScopeRef, 'submittedBy' | 'submittedByToken'>): boolean {
  if (actor.type === 'user') return actor.id !== null && h.submittedBy === actor.id;
  if (actor.type === 'token') return actor.id !== null && h.submittedByToken === actor.id;
  return false;
}

export function canViewHandoff(actor: Actor, h: HandoffScopeRef): boolean {
  return (hasRole(actor, ['satpol']) && submittedByActor(actor, h)) || handoffWithinScope(actor, h);
}

/**
 * canViewHandoff without "submitted it": what can be decided from the handoff's place alone, for one actor or
 * for an audience of the live sockets (which stands for many accounts, so knows nobody's own submissions).
 */
export function handoffWithinScope(actor: Actor, h: Pick<HandoffScopeRef, 'facilityId' | 'wilayahCode'>): boolean {
  if (isWide(actor)) return true;
  if (hasRole(actor, ['manager', 'intake'])) return actor.facilityId !== null && actor.facilityId === h.facilityId;
  if (hasRole(actor, ['satpol'])) return withinWilayah(actor.wilayahCode, h.wilayahCode);
  return false;
}

/** May this actor account for the people of this handoff (receive / not received)? */
export function canAccountHandoff(actor: Actor, h: HandoffScopeRef): boolean {
  if (isWide(actor)) return true;
  return hasRole(actor, ['manager', 'intake']) && actor.facilityId !== null && actor.facilityId === h.facilityId;
}

/** Does this actor work with person records (and so see who a handoff line became)? */
export function seesPeople(actor: Actor): boolean {
  return hasRole(actor, DESK_ROLES) || actor.role === 'system';
}

/** The same rule as canViewHandoff, as a condition on the `handoffs` table aliased `h`. */
export function visibleHandoffsSql(actor: Actor): SQL {
  if (isWide(actor)) return sql`1 = 1`;
  if (hasRole(actor, ['manager', 'intake'])) return actor.facilityId ? sql`h.facility_id = ${actor.facilityId}` : sql`1 = 0`;
  if (hasRole(actor, ['satpol'])) {
    const own = actor.type === 'user' ? sql`h.submitted_by = ${actor.id}` : actor.type === 'token' ? sql`h.submitted_by_token = ${actor.id}` : sql`1 = 0`;
    const w = actor.wilayahCode;
    return w ? sql`(${own} or h.wilayah_code = ${w} or h.wilayah_code like ${`${w}.%`})` : own;
  }
  return sql`1 = 0`;
}
