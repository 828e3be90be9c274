import { z } from 'zod';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../actor.ts';
import { canSeeFacility, hasRole, isWide } from '../access.ts';
import { forbidden, invalidField, notFound } from '../errors.ts';
import { parseInput } from '../validate.ts';
import type { FacilityKind } from '../../db/schema/index.ts';

/**
 * Whose numbers a report covers. Admin and command see every facility (and
 * may narrow to one facility or one wilayah); a manager sees their own
 * facility only, whatever the query asks. Reports read through a scope, never
 * through the actor, so the domain functions stay testable with `{db, range, scope}`.
 */
export interface ReportScope {
  /** null: every facility. */
  facilityIds: readonly string[] | null;
  /** The facility filter, when the scope is one facility. */
  facilityId: string | null;
  /** The wilayah filter (a kab/kota or a province code), when given. */
  wilayah: string | null;
  /** May the reader see protected facilities' names on screen? Exports always mask them. */
  seesProtected: boolean;
}

export const ALL_FACILITIES: ReportScope = { facilityIds: null, facilityId: null, wilayah: null, seesProtected: true };

export const REPORT_ROLES = ['admin', 'command', 'manager'] as const;

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v);
export const ScopeInput = z.object({
  facility: z.preprocess(blank, z.string().max(64).optional()),
  wilayah: z.preprocess(blank, z.string().regex(/^\d{2}(\.\d{2})?$/, 'reports.bad_wilayah').optional()),
});

export async function scopeFor(db: Db, actor: Actor, input: unknown): Promise<ReportScope> {
  if (!isWide(actor) && !hasRole(actor, ['manager'])) throw forbidden();
  const v = parseInput(ScopeInput, input ?? {}, actor.lang);
  if (!isWide(actor)) {
    // A manager's report is their facility's; asking for another is refused, not silently widened.
    if (!actor.facilityId) throw forbidden();
    if (v.facility && v.facility !== actor.facilityId) throw forbidden();
    return { facilityIds: [actor.facilityId], facilityId: actor.facilityId, wilayah: null, seesProtected: true };
  }
  if (v.facility) {
    const f = await db.get<{ id: string; protected: number }>(sql`select id, protected from facilities where id = ${v.facility}`);
    if (!f || !canSeeFacility(actor, { id: f.id, protected: f.protected === 1 })) throw notFound();
    return { facilityIds: [f.id], facilityId: f.id, wilayah: null, seesProtected: true };
  }
  if (v.wilayah) {
    const known = await db.get<{ code: string }>(sql`select code from wilayah where code = ${v.wilayah}`);
    if (!known) throw invalidField('wilayah', 'reports.bad_wilayah');
    const ids = (await db
      .all<{ id: string }>(sql`select id from facilities where wilayah_code = ${v.wilayah} or substr(wilayah_code, 1, 2) = ${v.wilayah}`))
      .map((r) => r.id);
    return { facilityIds: ids, facilityId: null, wilayah: v.wilayah, seesProtected: true };
  }
  return { ...ALL_FACILITIES };
}

/** SQL fragment: `column in (scope)`, or true for every facility. */
export function inScope(column: Awaited<ReturnType<typeof sql.raw>>, scope: ReportScope) {
  if (scope.facilityIds === null) return sql`1 = 1`;
  if (scope.facilityIds.length === 0) return sql`1 = 0`;
  return sql`${column} in (${sql.join(
    scope.facilityIds.map((id) => sql`${id}`),
    sql`, `,
  )})`;
}

export interface FacilityInfo {
  id: string;
  code: string;
  name: string;
  kind: FacilityKind;
  wilayahCode: string;
  wilayahName: string;
  provinceCode: string;
  provinceName: string;
  status: string;
  protected: boolean;
  lat: number | null;
  lng: number | null;
  operator: string;
}

/** The facilities a scope covers, with their wilayah names, ordered for tables. */
export async function loadFacilities(db: Db, scope: ReportScope): Promise<FacilityInfo[]> {
  const rows = await db.all<{
    id: string;
    code: string;
    name: string;
    kind: FacilityKind;
    wilayah_code: string;
    wilayah_name: string | null;
    province_code: string;
    province_name: string | null;
    status: string;
    protected: number;
    lat: number | null;
    lng: number | null;
    operator: string;
  }>(sql`
    select f.id, f.code, f.name, f.kind, f.wilayah_code, w.name as wilayah_name,
      substr(f.wilayah_code, 1, 2) as province_code, p.name as province_name,
      f.status, f.protected, f.lat, f.lng, f.operator
    from facilities f
      left join wilayah w on w.code = f.wilayah_code
      left join wilayah p on p.code = substr(f.wilayah_code, 1, 2)
    where ${inScope(sql.raw('f.id'), scope)}
    order by f.wilayah_code, f.kind, f.name`);
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    name: r.name,
    kind: r.kind,
    wilayahCode: r.wilayah_code,
    wilayahName: r.wilayah_name ?? r.wilayah_code,
    provinceCode: r.province_code,
    provinceName: r.province_name ?? r.province_code,
    status: r.status,
    protected: r.protected === 1,
    lat: r.lat,
    lng: r.lng,
    operator: r.operator,
  }));
}

/**
 * What a report may be narrowed to: every facility (by kind, then name) and
 * every wilayah that holds a facility — its kab/kota and its province (by
 * code). Unfiltered: callers offer it to wide readers only (admin, command).
 */
export async function reportScopeChoices(db: Db): Promise<{ facilities: { id: string; code: string; name: string }[]; wilayah: { code: string; name: string }[] }> {
  const facilities = await db.all<{ id: string; code: string; name: string }>(sql`select id, code, name from facilities order by kind, name`);
  const wilayah = await db.all<{ code: string; name: string }>(sql`
    select code, name from wilayah
    where code in (select distinct wilayah_code from facilities) or code in (select distinct substr(wilayah_code, 1, 2) from facilities)
    order by code`);
  return { facilities, wilayah };
}
