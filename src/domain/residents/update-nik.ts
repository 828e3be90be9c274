import { and, eq, isNull, ne } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { persons, type Sex } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { invalid, type FieldError } from '../errors.ts';
import { knownWilayahCodes } from '../reference/wilayah.ts';
import { checkNik, isOverridableNikWarning, nikWarningState, type NikWarningCode } from '../persons/nik.ts';
import type { PersonRow } from '../persons/record.ts';
import { nikHeldError } from './candidates.ts';

export interface UpdateNikWarning {
  code: NikWarningCode;
  params: Record<string, string>;
  /** Must be confirmed with nik_override_reason before the change is saved. */
  blocking: boolean;
  /** The officer may keep the NIK as typed, with a reason (persons/nik.ts). */
  overridable: boolean;
}

/**
 * A correction's NIK, by the intake's rules (persons/nik.ts), judged again
 * when it, the birth date or the sex changes, or a reason is sent: its
 * errors are added to `errors`; its warnings, the reason kept on the record,
 * and whether this correction overrides a warning are returned.
 */
export async function judgeNikChange(
  tx: Tx,
  actor: Actor,
  old: PersonRow,
  next: { nik: string | null; birthDate: string | null; sex: Sex; reason: string | undefined },
  errors: FieldError[],
): Promise<{ warnings: UpdateNikWarning[]; nikOverrideReason: string | null; overridden: boolean }> {
  const { nik, birthDate, sex, reason } = next;
  let nikOverrideReason = old.nikOverrideReason;
  const warnings: UpdateNikWarning[] = [];
  let overridden = false;
  if (!nik) {
    if (reason) errors.push({ path: 'nik_override_reason', message: 'residents.override_without_nik' });
    return { warnings, nikOverrideReason: null, overridden };
  }
  if (!(nik !== old.nik || birthDate !== old.birthDate || sex !== old.sex || reason)) return { warnings, nikOverrideReason, overridden };
  const known = await knownWilayahCodes(tx);
  const r = checkNik(nik, { isKnownWilayah: (c) => known.has(c), birthDate, sex });
  for (const e of r.errors) errors.push({ path: 'nik', message: e.code, ...(e.params ? { params: e.params } : {}) });
  if (r.errors.length) return { warnings, nikOverrideReason, overridden };
  if (nik !== old.nik) {
    const holder = await tx
      .select({ id: persons.id, residentCode: persons.residentCode })
      .from(persons)
      .where(and(eq(persons.nik, nik), isNull(persons.mergedIntoId), ne(persons.id, old.id)))
      .get();
    // A typed NIK never reveals who holds it: the code only of a record the actor may see.
    if (holder) errors.push(await nikHeldError(tx, actor, holder, 'nik', 'residents.edit_nik_taken'));
  }
  const blocking = r.warnings.some((w) => isOverridableNikWarning(w.code));
  for (const w of r.warnings) warnings.push({ code: w.code, params: w.params ?? {}, ...nikWarningState(w.code, reason) });
  if (blocking && reason) {
    nikOverrideReason = reason;
    overridden = true;
  } else if (!blocking) {
    // Nothing disagrees any more: an old reason to keep the NIK no longer applies.
    nikOverrideReason = null;
  }
  return { warnings, nikOverrideReason, overridden };
}

/**
 * The database's own guarantee (persons_nik_live_uq: one live record per NIK)
 * as the same answer the check above gives: a field error on `nik` naming the
 * record that holds it. Anything else is rethrown.
 */
export async function mapPersonNikConstraint(db: Db, actor: Actor, err: unknown, personId: string, nik: string | null): Promise<never> {
  const e = err as { code?: string; message?: string };
  if (e?.code === 'SQLITE_CONSTRAINT_UNIQUE' && e.message?.includes('persons.nik')) {
    const holder = nik
      ? await db
          .select({ id: persons.id, residentCode: persons.residentCode })
          .from(persons)
          .where(and(eq(persons.nik, nik), isNull(persons.mergedIntoId), ne(persons.id, personId)))
          .get()
      : undefined;
    throw invalid([holder ? await nikHeldError(db, actor, holder, 'nik', 'residents.edit_nik_taken') : { path: 'nik', message: 'residents.nik_unavailable' }]);
  }
  throw err;
}
