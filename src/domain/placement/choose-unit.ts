import type { Sex, UnitAdmits, UnitFeature } from '../../db/schema/index.ts';
import { ageNeeds } from '../persons/age.ts';

/**
 * Which unit of a facility a group goes to (DOMAIN.md "Placement rules that
 * protect people"). One function, so the unit the intake page suggests, the
 * unit a check-in takes when none is chosen, and the unit routing offers can
 * never disagree:
 *  - a unit admits by sex or family (a family unit is for households);
 *  - a maternity unit is for pregnant women and mothers with infants (under 6);
 *  - a children's unit (admits `children`) is for children only (under 18,
 *    any sex); a child with no adult of their own household in the unit (in
 *    the group, or already staying there) is placed only in a children's
 *    unit (UU 35/2014): never among unrelated adults;
 *  - `crib` is a feature (cots for infants), never a rule about who may stay:
 *    it suits a group with an infant, and a teenager is never offered a crib
 *    ward by routing;
 *  - accessible and elderly-suitable units are scarce: a wheelchair user, a
 *    person with a disability or an elderly person is placed there first;
 *    anyone else only when no other unit has room (and routing never offers
 *    them such a unit: it looks for a facility where they take no scarce place);
 *  - then where the rest of the household already is, then the facility's order.
 * Pure: no database. Every result carries its reason (an i18n key).
 */

export interface PlacementMember {
  sex: Sex;
  age: number | null;
  pregnant?: boolean;
  wheelchair?: boolean;
  disabilities?: readonly string[];
}

export interface PlacementUnit {
  id: string;
  name: string;
  admits: UnitAdmits;
  features: readonly UnitFeature[];
  status: string;
  free: number;
}

export interface UnitReason {
  key: string;
  params?: Record<string, string | number>;
}

export interface GroupProfile {
  size: number;
  household: boolean;
  sexes: Sex[];
  /** Pregnant, or a child under 6 with an adult: maternity units are for them. */
  maternity: boolean;
  /** A child (under 18) in the group. */
  child: boolean;
  /** An infant (under 6) in the group: cots suit it. */
  infant: boolean;
  /** A teenager (13 to 17) in the group: never offered a crib (infant) ward. */
  teen: boolean;
  /** Every member is a child of known age: a children's unit may take the group. */
  allChildren: boolean;
  /** A child and no adult (nor anyone of unknown age) in the group: placed only where an adult of their own household stays, or in a children's unit. */
  loneChild: boolean;
  wheelchair: boolean;
  /** Needs what accessible / elderly-suitable units give. */
  scarceNeed: boolean;
}

export function groupProfile(members: readonly PlacementMember[], household: boolean): GroupProfile {
  const hasAdult = members.some((m) => m.age === null || m.age >= 18);
  const needs = members.map((m) => ageNeeds(m.age));
  return {
    size: members.length,
    household: household || members.length > 1,
    sexes: members.map((m) => m.sex),
    maternity: members.some((m) => m.pregnant) || (hasAdult && needs.some((n) => n.includes('early_childhood'))),
    child: needs.some((n) => n.includes('child')),
    infant: needs.some((n) => n.includes('early_childhood')),
    teen: members.some((m) => m.age !== null && m.age >= 13 && m.age < 18),
    allChildren: members.length > 0 && needs.every((n) => n.includes('child')),
    loneChild: !hasAdult && needs.some((n) => n.includes('child')),
    wheelchair: members.some((m) => m.wheelchair),
    scarceNeed: members.some((m) => m.wheelchair || (m.disabilities?.length ?? 0) > 0) || needs.some((n) => n.includes('elderly')),
  };
}

/** Does a unit admit this group by sex, family or age? A family unit is for households, not for a lone adult; a children's unit for children only. */
export function admitsGroup(admits: UnitAdmits, g: Pick<GroupProfile, 'household' | 'sexes'> & Partial<Pick<GroupProfile, 'allChildren'>>): boolean {
  if (admits === 'any') return true;
  if (admits === 'family') return g.household;
  if (admits === 'children') return g.allChildren === true;
  const sex: Sex = admits === 'male' ? 'L' : 'P';
  return g.sexes.every((s) => s === sex);
}

const isChildrensUnit = (u: Pick<PlacementUnit, 'admits'>) => u.admits === 'children';
/** A crib (infant) ward offered to a group whose children are all past infancy: never by routing. */
const teenInCribWard = (u: Pick<PlacementUnit, 'features'>, g: Pick<GroupProfile, 'teen' | 'infant'>) => u.features.includes('crib') && g.teen && !g.infant;
const isScarce = (u: Pick<PlacementUnit, 'features'>) => u.features.includes('accessible') || u.features.includes('elderly');
/** A wheelchair user where the unit is not accessible: a last resort at the desk, never where routing sends them. */
const lacksAccess = (u: Pick<PlacementUnit, 'features'>, g: Pick<GroupProfile, 'wheelchair'>) => g.wheelchair && !u.features.includes('accessible');

/**
 * May a unit picked by hand for a referral take the whole group? The rules
 * of every placement (unitRefusal) and, as routing requires, an accessible
 * unit for a wheelchair user; the unit must be open.
 */
export function referralUnitFits(u: Pick<PlacementUnit, 'admits' | 'features' | 'name' | 'status'>, members: readonly PlacementMember[], household: boolean): boolean {
  const g = groupProfile(members, household);
  return u.status === 'AVAILABLE' && unitRefusal(u, g) === null && !lacksAccess(u, g);
}

/** Units where an adult of the group's own household already stays: a lone child may join them there. */
export interface KinOptions {
  adultKinUnitIds?: ReadonlySet<string> | undefined;
}

/**
 * Whether a unit may take this group at all, with the reason when it may not.
 * These hold even when the officer picks the unit by hand.
 */
export function unitRefusal(u: Pick<PlacementUnit, 'admits' | 'features' | 'name'> & { id?: string }, g: GroupProfile, kin: KinOptions = {}): UnitReason | null {
  if (isChildrensUnit(u) && !g.allChildren) return { key: 'placement.unfit.children', params: { unit: u.name } };
  if (!admitsGroup(u.admits, g)) return { key: 'placement.unfit.admits', params: { unit: u.name } };
  if (u.features.includes('maternity') && !g.maternity) return { key: 'placement.unfit.maternity', params: { unit: u.name } };
  if (g.loneChild && !isChildrensUnit(u) && !(u.id !== undefined && kin.adultKinUnitIds?.has(u.id))) return { key: 'placement.unfit.child_alone', params: { unit: u.name } };
  return null;
}

export type Fit = 'suited' | 'plain' | 'scarce_fallback';

/** How a unit that may take the group suits it: 0 best. */
function rank(u: PlacementUnit, g: GroupProfile): { order: number; fit: Fit; matched: (UnitFeature | 'children')[] } {
  const matched: (UnitFeature | 'children')[] = [];
  // A teenager in an infant ward: the last choice at the desk, never in routing.
  if (teenInCribWard(u, g)) return { order: 90, fit: 'plain', matched };
  if (g.wheelchair && u.features.includes('accessible')) matched.push('accessible');
  if (g.scarceNeed && u.features.includes('elderly')) matched.push('elderly');
  if (g.maternity && u.features.includes('maternity')) matched.push('maternity');
  if (g.loneChild && isChildrensUnit(u)) matched.push('children');
  if (g.infant && u.features.includes('crib')) matched.push('crib');
  if (matched.length) return { order: -matched.length, fit: 'suited', matched };
  if (isScarce(u) && !g.scarceNeed) return { order: 100, fit: 'scarce_fallback', matched };
  // A wheelchair user in a unit that is not accessible is a last resort too.
  if (g.wheelchair) return { order: 50, fit: 'plain', matched };
  return { order: 0, fit: 'plain', matched };
}

export interface UnitChoice<U extends PlacementUnit = PlacementUnit> {
  unit: U;
  fit: Fit;
  reason: UnitReason;
}

export interface ChooseOptions extends KinOptions {
  /** Units where the rest of the household already stays: preferred, all else equal. */
  familyUnitIds?: ReadonlySet<string>;
  /** Routing: never put someone without the need into a scarce unit, nor a wheelchair user where it is not accessible. */
  strict?: boolean;
}

/**
 * The unit for a group among a facility's units (in the facility's order),
 * or null with the reason no unit fits. Only AVAILABLE units with room for
 * the whole group are chosen.
 */
export function chooseUnit<U extends PlacementUnit>(units: readonly U[], members: readonly PlacementMember[], household: boolean, opts: ChooseOptions = {}): { choice: UnitChoice<U> | null; why: UnitReason | null } {
  const g = groupProfile(members, household);
  const open = units.filter((u) => u.status === 'AVAILABLE');
  if (!open.length) return { choice: null, why: { key: 'placement.none.no_open_unit' } };
  const allowed = open.filter((u) => unitRefusal(u, g, opts) === null);
  if (!allowed.length) {
    // A child alone where only adults' units are open: the reason is the child, not "no unit".
    const childOnly = g.loneChild && open.some((u) => unitRefusal(u, g, opts)?.key === 'placement.unfit.child_alone');
    return { choice: null, why: { key: childOnly ? 'placement.none.no_children_unit' : 'placement.none.no_unit_for_group' } };
  }
  const ranked = allowed
    .map((u, i) => ({ u, i, r: rank(u, g), family: opts.familyUnitIds?.has(u.id) ? 0 : 1 }))
    .filter((x) => !opts.strict || (x.r.fit !== 'scarce_fallback' && !lacksAccess(x.u, g) && !teenInCribWard(x.u, g)));
  if (!ranked.length) return { choice: null, why: { key: g.wheelchair ? 'placement.none.no_accessible_unit' : allowed.every((u) => teenInCribWard(u, g)) ? 'placement.none.only_crib_units' : 'placement.none.only_scarce_units' } };
  const roomy = ranked.filter((x) => x.u.free >= g.size);
  if (!roomy.length && opts.strict && !g.wheelchair && allowed.some((u) => u.free >= g.size)) {
    // Room is left only where they must not go: say that, not "full".
    return { choice: null, why: { key: g.wheelchair ? 'placement.none.no_accessible_unit' : 'placement.none.only_scarce_units' } };
  }
  if (!roomy.length) {
    const most = Math.max(...ranked.map((x) => x.u.free));
    return { choice: null, why: { key: 'placement.none.full', params: { needed: g.size, free: Math.max(0, most) } } };
  }
  roomy.sort((a, b) => a.r.order - b.r.order || a.family - b.family || a.i - b.i);
  const best = roomy[0]!;
  const anyScarce = allowed.some(isScarce);
  return { choice: { unit: best.u, fit: best.r.fit, reason: reasonFor(best.u, best.r, g, best.family === 0, anyScarce) }, why: null };
}

function reasonFor(u: PlacementUnit, r: Awaited<ReturnType<typeof rank>>, g: GroupProfile, withFamily: boolean, anyScarce: boolean): UnitReason {
  const unit = u.name;
  if (r.fit === 'suited') return { key: `placement.reason.suited_${r.matched[0]}`, params: { unit } };
  if (r.fit === 'scarce_fallback') return { key: 'placement.reason.scarce_fallback', params: { unit } };
  if (g.wheelchair) return { key: 'placement.reason.no_accessible_free', params: { unit } };
  if (withFamily) return { key: 'placement.reason.with_household', params: { unit } };
  return { key: g.scarceNeed || !anyScarce ? 'placement.reason.first_with_room' : 'placement.reason.keeps_scarce_free', params: { unit } };
}

/** Units whose places are few and needed by some: accessible, elderly-suitable, maternity, children's (cribs). */
export const SCARCE_FEATURES: readonly UnitFeature[] = ['accessible', 'elderly', 'maternity', 'crib'];
export const isScarceUnit = (u: Pick<PlacementUnit, 'features'>) => u.features.some((f) => SCARCE_FEATURES.includes(f));

/** Does the unit give everything this group needs (access for a wheelchair, a place for the elderly or disabled, maternity care)? */
function meetsAllNeeds(u: Pick<PlacementUnit, 'features'>, g: GroupProfile): boolean {
  if (g.wheelchair && !u.features.includes('accessible')) return false;
  if (g.scarceNeed && !u.features.includes('accessible') && !u.features.includes('elderly')) return false;
  if (g.maternity && !u.features.includes('maternity')) return false;
  return true;
}

/** The desk's answers when a household would take most of a scarce unit. */
export const SCARCE_CHOICES = ['together_there', 'together_elsewhere', 'split'] as const;
export type ScarceChoice = (typeof SCARCE_CHOICES)[number];

export interface ScarceQuestion<U extends PlacementUnit = PlacementUnit> {
  /** The one unit that meets all the household's needs: a scarce one. */
  unit: U;
  size: number;
  free: number;
  /** Where the household could stay together instead (the best unit that is not scarce), or null. */
  elsewhere: U | null;
}

/**
 * Scarce places are not given away silently (issue 24): a household is kept
 * together where a unit meets all its needs, but when the only such unit with
 * room is a scarce one and the household would take more than half of its
 * free places, the desk is asked — together there, together elsewhere, or
 * split with a reason — instead of the rules deciding. Null when there is
 * nothing to ask (one person, a household with no such need, a unit that is not scarce, another unit that
 * meets every need, or a household that takes half its places or fewer).
 */
export function scarceQuestion<U extends PlacementUnit>(units: readonly U[], members: readonly PlacementMember[], household: boolean, opts: ChooseOptions = {}): ScarceQuestion<U> | null {
  const g = groupProfile(members, household);
  if (!g.household || g.size < 2 || !(g.wheelchair || g.scarceNeed || g.maternity)) return null;
  const fit = units.filter((u) => u.status === 'AVAILABLE' && unitRefusal(u, g) === null && u.free >= g.size);
  const meeting = fit.filter((u) => meetsAllNeeds(u, g));
  if (meeting.length !== 1) return null;
  const only = meeting[0]!;
  if (!isScarceUnit(only) || g.size * 2 <= only.free) return null;
  const { choice } = chooseUnit(fit.filter((u) => !isScarceUnit(u)), members, household, opts);
  return { unit: only, size: g.size, free: only.free, elsewhere: choice?.unit ?? null };
}

/**
 * Does a unit take a newborn with its mother (DOMAIN.md "Births")? It has cots
 * or is a maternity unit, and admits her: anyone, families, or her sex — a
 * baby of either sex stays with its mother, so the baby's sex is not asked.
 */
export function takesNewborn(u: Pick<PlacementUnit, 'admits' | 'features' | 'status'>, motherSex: Sex): boolean {
  if (u.status !== 'AVAILABLE') return false;
  if (!u.features.includes('crib') && !u.features.includes('maternity')) return false;
  return u.admits === 'any' || u.admits === 'family' || u.admits === (motherSex === 'P' ? 'female' : 'male');
}

/**
 * Where a mother and her newborn go: her own unit when it takes newborns and
 * has a place for the baby; else the unit of the same facility that takes
 * them both (maternity first, then the facility's order); null when none has room.
 */
export function newbornUnit<U extends PlacementUnit>(units: readonly U[], motherUnitId: string, motherSex: Sex): { unit: U; moves: boolean; reason: UnitReason } | null {
  const own = units.find((u) => u.id === motherUnitId);
  if (own && takesNewborn(own, motherSex) && own.free >= 1) return { unit: own, moves: false, reason: { key: 'placement.reason.newborn_with_mother', params: { unit: own.name } } };
  const others = units
    .map((u, i) => ({ u, i }))
    .filter(({ u }) => u.id !== motherUnitId && takesNewborn(u, motherSex) && u.free >= 2)
    .sort((a, b) => Number(!a.u.features.includes('maternity')) - Number(!b.u.features.includes('maternity')) || a.i - b.i);
  const best = others[0];
  return best ? { unit: best.u, moves: true, reason: { key: 'placement.reason.newborn_moved', params: { unit: best.u.name } } } : null;
}
