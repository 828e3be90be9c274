import { and, asc, eq, inArray, like, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { wilayah } from '../../db/schema/index.ts';
import { DomainError, invalidField } from '../errors.ts';

/** "3171" and "31.71" name the same kab/kota; "31" is a province. */
export function normaliseWilayahCode(raw: string): string {
  const c = raw.trim();
  return /^\d{4}$/.test(c) ? `${c.slice(0, 2)}.${c.slice(2)}` : c;
}

export interface WilayahOption {
  code: string;
  name: string;
  province_code: string;
  province_name: string;
}

/** Names people type without the official prefix: "jakarta pusat" finds "Kota Administrasi Jakarta Pusat". */
// No wilayah name is longer than 60 characters or 6 words: a longer term (a pasted megabyte) is cut,
// never handed to SQLite's LIKE, whose pattern limit would make it a 500.
const normalise = (s: string) => s.slice(0, 100).trim().toLowerCase().replace(/\s+/g, ' ').split(' ').slice(0, 6).join(' ');

/**
 * Kab/kota matching a code prefix ("31.7") or words of the name, for a
 * datalist or a select. Provinces are not offered: a facility sits in one
 * kab/kota.
 */
export async function searchWilayah(db: Db | Tx, q: string | undefined, limit = 20): Promise<WilayahOption[]> {
  const term = normalise(q ?? '');
  const conditions = [eq(wilayah.level, 'kabkota')];
  if (term) {
    if (/^[\d.]+$/.test(term)) conditions.push(like(wilayah.code, `${term}%`));
    else for (const word of term.split(' ')) conditions.push(like(sql`lower(${wilayah.name})`, `%${word}%`));
  }
  const rows = await db
    .select({ code: wilayah.code, name: wilayah.name, province_code: wilayah.provinceCode })
    .from(wilayah)
    .where(and(...conditions))
    .orderBy(asc(wilayah.code))
    .limit(limit)
    .all();
  const provinces = await wilayahNames(db, [...new Set(rows.map((r) => r.province_code))]);
  return rows.map((r) => ({ ...r, province_name: provinces.get(r.province_code) ?? '' }));
}

/** Names of the given codes (kab/kota or province), for lists. */
export async function wilayahNames(db: Db | Tx, codes: string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const rows = await db.select({ code: wilayah.code, name: wilayah.name }).from(wilayah).where(inArray(wilayah.code, codes)).all();
  return new Map(rows.map((r) => [r.code, r.name]));
}

/**
 * The kab/kota a person meant: its code, or its name when exactly one
 * matches (a form typed without the datalist). Anything else is a field
 * error on `path`.
 */
export async function resolveKabKota(db: Db | Tx, ref: string, path = 'wilayah_code'): Promise<string> {
  if (ref.length > 100) throw invalidField(path, 'field.unknown_wilayah');
  const term = normalise(ref);
  if (/^\d{2}\.\d{2}$/.test(term)) {
    const row = await db.select({ code: wilayah.code }).from(wilayah).where(and(eq(wilayah.code, term), eq(wilayah.level, 'kabkota'))).get();
    if (!row) throw invalidField(path, 'field.unknown_wilayah');
    return row.code;
  }
  if (/^\d{2}$/.test(term)) throw invalidField(path, 'facilities.wilayah_not_province');
  if (/^[\d.]+$/.test(term)) throw invalidField(path, 'field.unknown_wilayah');
  const exact = await db
    .select({ code: wilayah.code })
    .from(wilayah)
    .where(and(eq(wilayah.level, 'kabkota'), or(eq(sql`lower(${wilayah.name})`, term), like(sql`lower(${wilayah.name})`, `% ${term}`))))
    .all();
  if (exact.length === 1) return exact[0]!.code;
  const found = await searchWilayah(db, term, 2);
  if (found.length === 1) return found[0]!.code;
  throw invalidField(path, found.length > 1 ? 'facilities.wilayah_ambiguous' : 'field.unknown_wilayah');
}

/**
 * What someone typed in a wilayah field, by hand or from the picker's list: a code ("33.74",
 * "3374"; a province "33" only where `province` allows it), or the name of exactly one kab/kota
 * ("semarang" is ambiguous, "kota semarang" is not). The code, or the message key of the field's
 * error. Every form that takes a wilayah (origin, pemulangan destination, a handoff's operation)
 * reads it here, so a name and a code are accepted alike.
 */
export async function wilayahFromTyped(db: Db | Tx, raw: string, opts: { province?: boolean } = {}): Promise<{ code: string } | { error: string }> {
  const typed = raw.trim();
  if (/^[\d.\s]+$/.test(typed)) {
    const code = normaliseWilayahCode(typed.replace(/\s+/g, ''));
    if (/^\d{2}$/.test(code) && !opts.province) return { error: 'field.wilayah_not_province' };
    return (await isKnownWilayah(db, code)) ? { code } : { error: 'field.unknown_wilayah' };
  }
  try {
    return { code: await resolveKabKota(db, typed) };
  } catch (err) {
    if (err instanceof DomainError && err.fieldErrors[0]) return { error: err.fieldErrors[0].message === 'facilities.wilayah_ambiguous' ? 'field.wilayah_ambiguous' : 'field.unknown_wilayah' };
    throw err;
  }
}

const knownCodes = new WeakMap<object, Promise<Set<string>>>();

/**
 * Every Kepmendagri code (provinces and kab/kota): reference data loaded at
 * start and never changed by the app, read once per database.
 */
export function knownWilayahCodes(db: Db | Tx): Promise<Set<string>> {
  let codes = knownCodes.get(db.$engine);
  if (!codes) {
    codes = db
      .select({ code: wilayah.code })
      .from(wilayah)
      .all()
      .then((rows) => new Set(rows.map((r) => r.code)));
    knownCodes.set(db.$engine, codes);
  }
  return codes;
}

export async function isKnownWilayah(db: Db | Tx, code: string): Promise<boolean> {
  return (await knownWilayahCodes(db)).has(code);
}

/**
 * One wilayah (kab/kota or province) as a heading names it: its name and
 * code, or undefined for a code that is not in the reference data.
 */
export async function wilayahNameAndCode(db: Db | Tx, code: string): Promise<{ name: string; code: string } | undefined> {
  const name = (await wilayahNames(db, [code])).get(code);
  return name === undefined ? undefined : { name, code };
}
