import { z } from 'zod';
import {
  CLUSTERS,
  FACILITY_KINDS,
  FACILITY_STATUSES,
  SERVICES,
  UNIT_ADMITS,
  UNIT_FEATURES,
  UNIT_STATUSES,
} from '../../db/schema/index.ts';
import { optionalText, text } from '../validate.ts';

/**
 * Inputs of the facility and unit verbs. Each accepts a JSON body (the API)
 * and a form body (the pages) alike: numbers may come as strings, lists as a
 * repeated field, booleans as a checkbox's "on". Messages are i18n keys.
 */

/** A unit of more places than this is a typing slip (10 000 for 100); big halls are split into zones. */
export const MAX_UNIT_CAPACITY = 1000;
/** Wide enough for every island, narrow enough to catch swapped latitude and longitude. */
export const INDONESIA_BOUNDS = { lat: [-11.5, 6.5], lng: [94.5, 141.5] } as const;
/** A bed label scheme names each bed: "M-{n}" → M-1, M-2, … */
export const BED_PATTERN_TOKEN = '{n}';

export const NEEDS = ['accessible', 'maternity', 'crib', 'elderly', 'male', 'female', 'family'] as const;
export type Need = (typeof NEEDS)[number];

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const numeric = (v: unknown) => {
  const b = blank(typeof v === 'string' ? v.trim() : v);
  return typeof b === 'string' && /^-?\d+(\.\d+)?$/.test(b) ? Number(b) : b;
};
const numberError = (iss: { input?: unknown }) => (iss.input === undefined ? 'field.required' : 'field.invalid');

/** A whole number of places, with messages that name the limit. */
const places = (min: number, max: number, minKey: string, maxKey: string) =>
  z.preprocess(numeric, z.number({ error: numberError }).int('field.invalid').min(min, minKey).max(max, maxKey));

const capacity = () => places(1, MAX_UNIT_CAPACITY, 'facilities.capacity_min', 'facilities.capacity_max');
const blockedPlaces = () => places(0, MAX_UNIT_CAPACITY, 'facilities.blocked_min', 'facilities.capacity_max');
const version = () => z.preprocess(numeric, z.number({ error: numberError }).int('field.invalid').min(1, 'field.invalid'));

/** true/false from JSON, "on"/"true"/"1" from a form; anything else is not a yes or a no. */
const flagValue = (v: unknown) => {
  if (typeof v === 'boolean') return v;
  if (v === 1 || v === 'on' || v === 'true' || v === '1') return true;
  if (v === 0 || v === '' || v === 'off' || v === 'false' || v === '0') return false;
  return v;
};
const flag = () => z.preprocess((v) => (v === undefined ? false : flagValue(v)), z.boolean({ error: 'field.invalid' }));
const optionalFlag = () => z.preprocess((v) => (v === undefined ? undefined : flagValue(v)), z.boolean({ error: 'field.invalid' }).optional());

const asList = (v: unknown) => (v === '' ? [] : Array.isArray(v) ? v : [v]);
/** A list from repeated form fields or a JSON array; absent is empty. */
const listOf = <T extends z.ZodType>(item: T) => z.preprocess((v) => (v === undefined ? [] : asList(v)), z.array(item));
/** In a patch, an absent list means "unchanged". */
const optionalListOf = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v === undefined ? undefined : asList(v)), z.array(item).optional());

const enumOf = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: 'field.invalid' });

const code = () =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toUpperCase() : v),
    z.string({ error: 'field.required' }).min(1, 'field.required').regex(/^[A-Z0-9][A-Z0-9._-]{1,39}$/, 'facilities.code_format'),
  );
/** A kab/kota code ("31.71") or its name ("Jakarta Pusat"); resolved against the wilayah table by the verb. */
const wilayahRef = () => text(120);
const PHONE_RE = /^\+?[0-9][0-9 ()-]{5,24}$/;
const phone = () =>
  z.preprocess(
    (v) => blank(typeof v === 'string' ? v.trim() : v),
    z.string({ error: 'field.invalid' }).regex(PHONE_RE, 'facilities.phone_format').optional(),
  );
/** In a patch: absent = unchanged, null or blank = cleared. */
const clearableText = (max: number) =>
  z.preprocess((v) => (v === null ? '' : typeof v === 'string' ? v.trim() : v), z.string({ error: 'field.invalid' }).max(max, 'field.too_long').optional());
const clearablePhone = () =>
  z.preprocess(
    (v) => (v === null ? '' : typeof v === 'string' ? v.trim() : v),
    z.string({ error: 'field.invalid' }).refine((s) => s === '' || PHONE_RE.test(s), 'facilities.phone_format').optional(),
  );
const coordinate = (bounds: readonly [number, number]) =>
  z.preprocess(
    (v) => (v === null ? undefined : numeric(v)),
    z.number({ error: 'field.invalid' }).min(bounds[0], 'facilities.coords_outside').max(bounds[1], 'facilities.coords_outside').optional(),
  );
/** In a patch: absent = unchanged, null or blank = remove. */
const patchCoordinate = (bounds: readonly [number, number]) =>
  z.preprocess(
    (v) => (v === null || (typeof v === 'string' && v.trim() === '') ? null : numeric(v)),
    z.number({ error: 'field.invalid' }).min(bounds[0], 'facilities.coords_outside').max(bounds[1], 'facilities.coords_outside').nullable().optional(),
  );
const bedPattern = () =>
  z.preprocess(
    (v) => (typeof v === 'string' ? (v.trim() === '' ? null : v.trim()) : v),
    z
      .string({ error: 'field.invalid' })
      .max(40, 'field.too_long')
      .refine((s) => s.split(BED_PATTERN_TOKEN).length === 2, 'facilities.bed_pattern_format')
      .nullable()
      .optional(),
  );

/** Latitude and longitude come together or not at all. */
function bothCoordinates(v: { lat?: number | null; lng?: number | null }, ctx: z.RefinementCtx) {
  const hasLat = v.lat !== undefined && v.lat !== null;
  const hasLng = v.lng !== undefined && v.lng !== null;
  if (hasLat && !hasLng && v.lng !== null) ctx.addIssue({ code: 'custom', path: ['lng'], message: 'facilities.coords_pair' });
  if (hasLng && !hasLat && v.lat !== null) ctx.addIssue({ code: 'custom', path: ['lat'], message: 'facilities.coords_pair' });
}

const facilityFields = {
  name: text(120),
  kind: enumOf(FACILITY_KINDS),
  wilayah_code: wilayahRef(),
  address: optionalText(300),
  contact_name: optionalText(120),
  contact_phone: phone(),
  operator: optionalText(160),
  services: listOf(enumOf(SERVICES)),
  clusters: listOf(enumOf(CLUSTERS)),
  protected: flag(),
};

export const CreateFacilityInput = z
  .object({
    code: code(),
    ...facilityFields,
    lat: coordinate(INDONESIA_BOUNDS.lat),
    lng: coordinate(INDONESIA_BOUNDS.lng),
    /** A new facility waits on STANDBY unless it opens at once (a hall set up during an operation). */
    status: enumOf(['STANDBY', 'OPEN'] as const).default('STANDBY'),
  })
  .superRefine(bothCoordinates);
export type CreateFacilityInput = z.infer<typeof CreateFacilityInput>;

export const UpdateFacilityInput = z
  .object({
    version: version(),
    code: code().optional(),
    name: text(120).optional(),
    kind: enumOf(FACILITY_KINDS).optional(),
    wilayah_code: wilayahRef().optional(),
    address: clearableText(300),
    contact_name: clearableText(120),
    contact_phone: clearablePhone(),
    operator: clearableText(160),
    services: optionalListOf(enumOf(SERVICES)),
    clusters: optionalListOf(enumOf(CLUSTERS)),
    protected: optionalFlag(),
    lat: patchCoordinate(INDONESIA_BOUNDS.lat),
    lng: patchCoordinate(INDONESIA_BOUNDS.lng),
    /** Status has its own action (it has rules of its own); a patch that carries one is refused. */
    status: z.unknown().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.status !== undefined) ctx.addIssue({ code: 'custom', path: ['status'], message: 'facilities.status_use_action' });
  });
export type UpdateFacilityInput = z.infer<typeof UpdateFacilityInput>;

export const FacilityStatusInput = z.object({
  status: enumOf(FACILITY_STATUSES),
  /** Optional: when given, a facility changed since it was read is a conflict. */
  version: version().optional(),
  reason: optionalText(300),
});
export type FacilityStatusInput = z.infer<typeof FacilityStatusInput>;

export const AddUnitInput = z.object({
  name: text(80),
  capacity: capacity(),
  admits: enumOf(UNIT_ADMITS).default('any'),
  features: listOf(enumOf(UNIT_FEATURES)),
  bed_label_pattern: bedPattern(),
  sort_order: places(0, 9999, 'field.invalid', 'field.invalid').optional(),
});
export type AddUnitInput = z.infer<typeof AddUnitInput>;

export const UpdateUnitInput = z
  .object({
    version: version(),
    name: text(80).optional(),
    capacity: capacity().optional(),
    /** Why the capacity changed (kept in the unit's history). */
    reason: optionalText(300),
    blocked: blockedPlaces().optional(),
    block_reason: optionalText(300),
    status: enumOf(UNIT_STATUSES).optional(),
    status_reason: optionalText(300),
    admits: enumOf(UNIT_ADMITS).optional(),
    features: optionalListOf(enumOf(UNIT_FEATURES)),
    bed_label_pattern: bedPattern(),
    sort_order: places(0, 9999, 'field.invalid', 'field.invalid').optional(),
  })
  .superRefine((v, ctx) => {
    if (v.blocked !== undefined && v.blocked > 0 && !v.block_reason) {
      ctx.addIssue({ code: 'custom', path: ['block_reason'], message: 'facilities.block_reason_required' });
    }
    if (v.status === 'BLOCKED' && !v.status_reason) {
      ctx.addIssue({ code: 'custom', path: ['status_reason'], message: 'facilities.status_reason_required' });
    }
  });
export type UpdateUnitInput = z.infer<typeof UpdateUnitInput>;

/** Filters of the facility list (page and API). Repeated values widen the filter. */
export const FacilityFilter = z.object({
  kind: optionalListOf(enumOf(FACILITY_KINDS)),
  status: optionalListOf(enumOf(FACILITY_STATUSES)),
  /** A kab/kota code ("31.71") or a province code ("31"). */
  wilayah: optionalListOf(z.string().regex(/^\d{2}(\.\d{2})?$/, 'field.unknown_wilayah')),
  /** Has a free place for each need named. */
  need: optionalListOf(enumOf(NEEDS)),
  q: optionalText(120),
});
export type FacilityFilter = z.infer<typeof FacilityFilter>;
