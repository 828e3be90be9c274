/**
 * NIK (Nomor Induk Kependudukan) structure, DOMAIN.md: 16 digits —
 * 2 province, 2 kab/kota, 2 kecamatan, DDMMYY birth date with 40 added to DD
 * for women, 4 serial (0001 and up).
 *
 * Impossible values are errors. A province or kab/kota code that is not in
 * today's list is only a warning: a NIK issued before a region was split keeps
 * its old code. A NIK that disagrees with the birth date or sex entered is a
 * warning the officer may override with a reason: ID data in the field is
 * often wrong, and the person in front of the desk is what counts.
 *
 * Pure: the caller passes how to recognise a wilayah code.
 */
import type { Sex } from '../../db/schema/index.ts';
import type { FieldError } from '../errors.ts';

export type NikErrorCode = 'nik.length' | 'nik.digits' | 'nik.date' | 'nik.serial';
export type NikWarningCode = 'nik.unknown_province' | 'nik.unknown_kabkota' | 'nik.birth_date_mismatch' | 'nik.sex_mismatch';

export interface NikFinding<C extends string> {
  code: C;
  params?: Record<string, string>;
}

export interface ParsedNik {
  provinceCode: string;
  /** Dotted, as in the wilayah table: "31.71". */
  kabkotaCode: string;
  kecamatan: string;
  sex: Sex;
  day: number;
  month: number;
  /** Two digits: the century is not in the NIK. */
  yy: number;
  serial: string;
}

export interface NikCheck {
  /** The digits alone (spaces, dots and dashes typed by the officer removed). */
  nik: string;
  errors: NikFinding<NikErrorCode>[];
  warnings: NikFinding<NikWarningCode>[];
  parsed: ParsedNik | null;
}

/**
 * Warnings the officer may override ("keep NIK as typed") and must, before
 * saving: the NIK disagrees with the birth date or sex entered. An unknown
 * wilayah code is only shown (an old code stays valid), never a question.
 * Every door asks these three functions; none keeps its own list.
 */
export const BLOCKING_NIK_WARNINGS: readonly NikWarningCode[] = ['nik.birth_date_mismatch', 'nik.sex_mismatch'];

/** May the officer keep the NIK as typed despite this warning (with a reason)? */
export function isOverridableNikWarning(code: NikWarningCode): boolean {
  return BLOCKING_NIK_WARNINGS.includes(code);
}

/** A warning as a caller is told it: overridable or not, and still blocking the save unless a reason was given. */
export function nikWarningState(code: NikWarningCode, overrideReason: string | null | undefined): { blocking: boolean; overridable: boolean } {
  const overridable = isOverridableNikWarning(code);
  return { overridable, blocking: overridable && !overrideReason };
}

/**
 * "Keep the NIK as typed" as a form sends it (a box and a reason): an
 * override needs a reason. The reason to pass to the verb, or the error
 * to show beside the reason field.
 */
export function nikOverrideFromForm(keep: boolean, reason: unknown, path: string): { reason: string | undefined; error: FieldError | null } {
  const text = typeof reason === 'string' ? reason.trim() : '';
  if (!keep) return { reason: undefined, error: null };
  return text ? { reason: text, error: null } : { reason: undefined, error: { path, message: 'residents.override_reason_required' } };
}

/** What an officer typed, reduced to the digits that matter (spaces and separators are forgiven). */
export function cleanIdNumber(raw: string): string {
  return raw.replace(/[\s.\-]/g, '');
}

function validDayMonth(day: number, month: number, yy: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  if (day > days) return false;
  // 29 February: possible only in a leap year; with two digits, YY % 4 === 0 (1900 aside, 2000 was one).
  if (month === 2 && day === 29 && yy % 4 !== 0) return false;
  return true;
}

const p2 = (n: number) => String(n).padStart(2, '0');

export function checkNik(
  raw: string,
  ctx: { isKnownWilayah: (code: string) => boolean; birthDate?: string | null; sex?: Sex | null },
): NikCheck {
  const nik = cleanIdNumber(raw);
  const out: NikCheck = { nik, errors: [], warnings: [], parsed: null };
  if (!/^\d*$/.test(nik)) {
    out.errors.push({ code: 'nik.digits' });
    return out;
  }
  if (nik.length !== 16) {
    out.errors.push({ code: 'nik.length', params: { length: String(nik.length) } });
    return out;
  }
  const province = nik.slice(0, 2);
  const kabkota = `${province}.${nik.slice(2, 4)}`;
  const rawDay = Number(nik.slice(6, 8));
  const month = Number(nik.slice(8, 10));
  const yy = Number(nik.slice(10, 12));
  const serial = nik.slice(12, 16);
  const female = rawDay > 40;
  const day = female ? rawDay - 40 : rawDay;
  if (!validDayMonth(day, month, yy)) out.errors.push({ code: 'nik.date', params: { date: `${nik.slice(6, 8)}-${nik.slice(8, 10)}-${nik.slice(10, 12)}` } });
  if (serial === '0000') out.errors.push({ code: 'nik.serial' });
  if (out.errors.length) return out;

  const parsed: ParsedNik = { provinceCode: province, kabkotaCode: kabkota, kecamatan: nik.slice(4, 6), sex: female ? 'P' : 'L', day, month, yy, serial };
  out.parsed = parsed;
  if (!ctx.isKnownWilayah(province)) out.warnings.push({ code: 'nik.unknown_province', params: { code: province } });
  else if (!ctx.isKnownWilayah(kabkota)) out.warnings.push({ code: 'nik.unknown_kabkota', params: { code: kabkota } });

  const nikDate = `${p2(day)}-${p2(month)}-${p2(yy)}`;
  if (ctx.birthDate) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ctx.birthDate);
    if (m && (Number(m[3]) !== day || Number(m[2]) !== month || Number(m[1]) % 100 !== yy)) {
      out.warnings.push({ code: 'nik.birth_date_mismatch', params: { nikDate, entered: `${m[3]}-${m[2]}-${m[1]}` } });
    }
  }
  if (ctx.sex && ctx.sex !== parsed.sex) out.warnings.push({ code: 'nik.sex_mismatch', params: { nikSex: parsed.sex } });
  return out;
}

/** KK (Kartu Keluarga) number: 16 digits. Returns the cleaned number or null when it is not one. */
export function checkKk(raw: string): string | null {
  const kk = cleanIdNumber(raw);
  return /^\d{16}$/.test(kk) ? kk : null;
}

/** Shown unless asked for (and asking is audited): 3171********0001. */
export function maskIdNumber(value: string | null | undefined): string | null {
  if (!value) return null;
  if (value.length <= 8) return '*'.repeat(value.length);
  return value.slice(0, 4) + '*'.repeat(value.length - 8) + value.slice(-4);
}
