import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { facilities, type Role } from '../../db/schema/index.ts';
import { wilayahFromTyped } from '../reference/wilayah.ts';
import { FACILITY_OR_WILAYAH_ROLES, FACILITY_ROLES, WILAYAH_ROLES } from '../access.ts';
import { invalidField } from '../errors.ts';

/**
 * An account or token is bound to a facility or wilayah where its role needs
 * one, and to nothing it does not need. Accepts a facility by id or code.
 */
export async function resolveBinding(
  db: Db | Tx,
  role: Role,
  facility: string | undefined,
  wilayahCode: string | undefined,
): Promise<{ facilityId: string | null; wilayahCode: string | null }> {
  let facilityId: string | null = null;
  let code: string | null = null;
  const either = FACILITY_OR_WILAYAH_ROLES.includes(role);
  if (either && !facility && !wilayahCode) throw invalidField('facility', 'admin.needs_facility_or_wilayah');
  if (FACILITY_ROLES.includes(role) || (either && facility)) {
    if (!facility) throw invalidField('facility', 'admin.needs_facility');
    const row =
      await db.select({ id: facilities.id }).from(facilities).where(eq(facilities.id, facility)).get() ??
      await db.select({ id: facilities.id }).from(facilities).where(eq(facilities.code, facility)).get();
    if (!row) throw invalidField('facility', 'field.unknown_facility');
    facilityId = row.id;
  }
  if (WILAYAH_ROLES.includes(role) || (either && !facility)) {
    if (!wilayahCode) throw invalidField('wilayah', 'admin.needs_wilayah');
    // A province or kab/kota code, or a kab/kota's name (the picker's list, or typed).
    const found = await wilayahFromTyped(db, wilayahCode, { province: true });
    if ('error' in found) throw invalidField('wilayah', found.error);
    code = found.code;
  }
  return { facilityId, wilayahCode: code };
}
