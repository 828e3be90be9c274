import type { Actor } from '../actor.ts';
import { canManageFacility, canSeeFacility, hasRole, isWide, type FacilityRef } from '../access.ts';

/**
 * What an actor may see and do at one facility, in one place, so that the
 * pages and the API show and offer the same things. Whether the facility may
 * be seen at all is `canSeeFacility` (a hidden one is a 404).
 */
export interface FacilityPowers {
  /** 'full': capacity, blocked, occupied, held, free. 'free': free places only (Satpol PP, another facility's intake). */
  numbers: 'full' | 'free';
  /** May list the people staying there. */
  people: boolean;
  /** May change units: capacity, blocked places, status, new units. */
  manageUnits: boolean;
  /** May change the facility's own details (name, wilayah, services, protected...). */
  editDetails: boolean;
  /** May open, stand by or close the facility. */
  changeStatus: boolean;
}

const own = (actor: Actor, facilityId: string) => actor.facilityId === facilityId && hasRole(actor, ['manager', 'intake']);

export function powersOver(actor: Actor, facility: FacilityRef): FacilityPowers {
  const wide = isWide(actor);
  const manage = canManageFacility(actor, facility.id);
  return {
    numbers: wide || hasRole(actor, ['manager']) || own(actor, facility.id) ? 'full' : 'free',
    people: wide || own(actor, facility.id),
    manageUnits: manage,
    editDetails: actor.role === 'system' || actor.role === 'admin',
    changeStatus: manage,
  };
}

export { canSeeFacility };
