import { and, eq, ne } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db, Tx } from '../../db/client.ts';
import { facilities } from '../../db/schema/index.ts';
import type { Lang } from '../../i18n/index.ts';
import { DomainError, invalid, type FieldError } from '../errors.ts';
import { parseInput } from '../validate.ts';
import { resolveKabKota } from '../reference/wilayah.ts';

/**
 * Validates a facility form in one pass: the schema, then the checks that
 * need the database (the wilayah exists, the code is free), so a person sees
 * every wrong field at once rather than one round trip each. Returns the
 * parsed input and the resolved kab/kota code.
 */
export async function parseFacilityInput<S extends z.ZodType>(
  tx: Db | Tx,
  schema: S,
  raw: unknown,
  lang: Lang,
  opts: { exceptId?: string } = {},
): Promise<{ input: z.infer<S>; wilayahCode: string | undefined }> {
  const errors: FieldError[] = [];
  let input: z.infer<S> | undefined;
  try {
    input = parseInput(schema, raw, lang);
  } catch (err) {
    if (!(err instanceof DomainError) || err.code !== 'VALIDATION') throw err;
    errors.push(...err.fieldErrors);
  }
  const failed = (path: string) => errors.some((e) => e.path === path);
  const body = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;

  let wilayahCode: string | undefined;
  if (typeof body.wilayah_code === 'string' && body.wilayah_code.trim() && !failed('wilayah_code')) {
    try {
      wilayahCode = await resolveKabKota(tx, body.wilayah_code);
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== 'VALIDATION') throw err;
      errors.push(...err.fieldErrors);
    }
  }
  if (typeof body.code === 'string' && body.code.trim() && !failed('code')) {
    const code = body.code.trim().toUpperCase();
    const taken = await tx
      .select({ id: facilities.id })
      .from(facilities)
      .where(opts.exceptId ? and(eq(facilities.code, code), ne(facilities.id, opts.exceptId)) : eq(facilities.code, code))
      .get();
    if (taken) errors.push({ path: 'code', message: 'facilities.code_taken' });
  }
  if (errors.length || input === undefined) throw invalid(errors);
  return { input, wilayahCode };
}
