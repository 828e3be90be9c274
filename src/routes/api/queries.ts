import { z } from 'zod';
import { AID_STEPS } from '../../domain/cases/aid.ts';
import { decodeCursor } from '../../lib/pages.ts';
import { OccupancyQuery } from '../../domain/occupancy/cache.ts';
import { FACILITY_PAGE, OCCUPANCY_LEVELS } from '../../domain/occupancy/levels.ts';

export { decodeCursor, encodeCursor, pageOf } from '../../lib/pages.ts';

/*
 * The query strings of /api/v1, each parsed by its schema at the door (src/plugins/zod.ts): the
 * handler gets the output (a number for `limit`, a boolean for a flag), the OpenAPI document the
 * input. A query value arrives as a string, or as an array when repeated; a repeated single value,
 * or a value out of its set, is a 422 naming the parameter.
 */

const blank = (v: unknown) => (v === '' ? undefined : v);

/** One optional string value (`?q=`): blank is absent; repeated or longer than `max` is a 422. */
export const oneText = (max = 200) => z.preprocess(blank, z.string({ error: 'field.invalid' }).max(max, 'field.invalid').optional());

/** One of a set, case as the caller likes it (`?status=open`). */
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((v) => (typeof v === 'string' ? (v === '' ? undefined : v.toUpperCase()) : v), z.enum(values, { error: 'field.invalid' }).optional());

/** `true`/`false` (and `1`/`0`); absent is false. */
export const flag = () =>
  z
    .preprocess(blank, z.enum(['true', 'false', '1', '0'], { error: 'field.invalid' }).optional())
    .transform((v) => v === 'true' || v === '1');

/**
 * A `limit`: absent or blank is `fallback`; anything but a whole number from 1 up is a 422 naming it
 * (never a 500 from the database, never "no limit" from a negative one); more than `max` is `max`.
 */
export const limitParam = (fallback: number, max: number) =>
  z
    .preprocess(blank, z.string({ error: 'field.invalid' }).trim().regex(/^0*[1-9]\d{0,8}$/, 'field.invalid').optional())
    .transform((v) => (v === undefined ? fallback : Math.min(Number(v), max)))
    .describe(`How many at most: a whole number from 1 (default ${fallback}, more than ${max} is ${max})`);

/** `after`: the `next` of the page before (opaque); a cursor this server did not make is a 422. */
export const afterParam = z
  .preprocess(blank, z.string({ error: 'field.invalid' }).max(40, 'field.invalid').optional())
  .transform((v, ctx) => {
    if (v === undefined) return undefined;
    const n = decodeCursor(v);
    if (n === null) {
      ctx.addIssue({ code: 'custom', message: 'field.invalid' });
      return z.NEVER;
    }
    return n;
  })
  .describe('The `next` of the page before: the page after it');

/** The answer's `next`, described once for every list. */
export const nextField = z.string().nullable().describe('The list is cut at its limit: pass this back as `?after=` for the rest (null: nothing more)');

/** A record's id in the path. */
export const IdParam = z.object({ id: z.string() });

export const SearchQuery = z.object({ q: oneText().describe('Name, alias, resident code or NIK'), limit: limitParam(50, 200), after: afterParam });
export const AuditQuery = z.object({ limit: limitParam(100, 1000), after: afterParam });
export const HandoffQuery = z.object({ status: oneOf(['OPEN', 'CLOSED']), facility_id: oneText(), limit: limitParam(100, 500), after: afterParam });
export const ReferralQuery = z.object({
  scope: z.preprocess(blank, z.enum(['incoming', 'outgoing', 'all'], { error: 'field.invalid' }).optional()),
  open: flag(),
  limit: limitParam(200, 1000),
  after: afterParam,
});
export const RoutingQuery = z.object({
  person_id: z.string({ error: 'field.required' }).min(1, 'field.required'),
  alone: flag().describe('The person without their household (a split needs a reason)'),
  all: flag().describe('Every destination and every facility passed over, each with its reasons (default: the best 20 destinations; the nearest 10 passed over, the rest counted by reason)'),
});
export const AlertsQuery = z.object({ all: flag().describe('Settled alerts too') });
export const RevealQuery = z.object({ reveal_nik: flag().describe('The NIK in full (audited)') });
export const WilayahQuery = z.object({ q: oneText() });
export const WorklistQuery = z.object({ format: z.enum(['json', 'csv']).optional(), step: z.enum(AID_STEPS).optional() });
export const DtksQuery = z.object({ format: z.enum(['json', 'csv', 'xlsx']).optional() });

/** GET /occupancy: the filters (as the live socket takes them), the level, and a page of facilities (src/domain/occupancy/levels.ts). */
export const OccupancyApiQuery = OccupancyQuery.extend({
  level: z
    .preprocess(blank, z.enum(OCCUPANCY_LEVELS, { error: 'field.invalid' }).optional())
    .describe('country, province, kabkota or facility (default: facility when a wilayah is named, else province); facility needs a wilayah'),
  limit: limitParam(FACILITY_PAGE.fallback, FACILITY_PAGE.max),
  after: afterParam,
});
