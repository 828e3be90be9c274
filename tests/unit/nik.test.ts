import { describe, it, expect } from 'vitest';
import { checkNik, checkKk, maskIdNumber, BLOCKING_NIK_WARNINGS } from '../../src/domain/persons/nik.ts';

// A small stand-in for the wilayah table: DKI Jakarta and Jakarta Pusat, Kab. Bogor.
const KNOWN = new Set(['31', '31.71', '31.74', '32', '32.01']);
const ctx = (o: { birthDate?: string; sex?: 'L' | 'P' } = {}) => ({ isKnownWilayah: (c: string) => KNOWN.has(c), ...o });
const codes = (list: { code: string }[]) => list.map((f) => f.code);

describe('NIK validation', () => {
  it('accepts a valid NIK of a man born 12 May 1985 in Jakarta Pusat', () => {
    const r = checkNik('3171011205850001', ctx({ birthDate: '1985-05-12', sex: 'L' }));
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.parsed).toMatchObject({ provinceCode: '31', kabkotaCode: '31.71', kecamatan: '01', sex: 'L', day: 12, month: 5, yy: 85, serial: '0001' });
  });

  it('reads a woman from day + 40 (52 = the 12th)', () => {
    const r = checkNik('3171015205850002', ctx({ birthDate: '1985-05-12', sex: 'P' }));
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.parsed).toMatchObject({ sex: 'P', day: 12 });
  });

  it('forgives spaces and dots typed between groups', () => {
    expect(checkNik('3171 0112 0585 0001', ctx()).errors).toEqual([]);
    expect(checkNik('3171.0112.0585.0001', ctx()).nik).toBe('3171011205850001');
  });

  it('refuses a wrong length or letters', () => {
    expect(codes(checkNik('317101120585001', ctx()).errors)).toEqual(['nik.length']);
    expect(codes(checkNik('31710112058500012', ctx()).errors)).toEqual(['nik.length']);
    expect(codes(checkNik('3171O11205850001', ctx()).errors)).toEqual(['nik.digits']);
  });

  it.each([
    ['day 00', '3171010005850001'],
    ['day 32', '3171013205850001'],
    ['day 72 (32 for a woman)', '3171017205850001'],
    ['month 13', '3171011213850001'],
    ['31 April', '3171013104850001'],
    ['30 February', '3171013002850001'],
    ['29 February 1985', '3171012902850001'],
  ])('refuses an impossible date: %s', (_label, nik) => {
    expect(codes(checkNik(nik, ctx()).errors)).toEqual(['nik.date']);
  });

  it('accepts 29 February of a leap year (YY divisible by 4)', () => {
    expect(checkNik('3171012902840001', ctx()).errors).toEqual([]);
  });

  it('refuses serial 0000', () => {
    expect(codes(checkNik('3171011205850000', ctx()).errors)).toEqual(['nik.serial']);
  });

  it('warns (does not refuse) on an unknown kab/kota code: NIKs keep the code of a region since split', () => {
    const r = checkNik('3199011205850001', ctx());
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([{ code: 'nik.unknown_kabkota', params: { code: '31.99' } }]);
    expect(BLOCKING_NIK_WARNINGS).not.toContain('nik.unknown_kabkota');
  });

  it('warns on an unknown province code', () => {
    const r = checkNik('9901011205850001', ctx());
    expect(r.errors).toEqual([]);
    expect(codes(r.warnings)).toEqual(['nik.unknown_province']);
  });

  it('warns, for the officer to confirm, when the birth date entered disagrees', () => {
    const r = checkNik('3171011205850001', ctx({ birthDate: '1985-06-12', sex: 'L' }));
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([{ code: 'nik.birth_date_mismatch', params: { nikDate: '12-05-85', entered: '12-06-1985' } }]);
    expect(BLOCKING_NIK_WARNINGS).toContain('nik.birth_date_mismatch');
  });

  it('warns when the sex entered disagrees with the NIK', () => {
    const r = checkNik('3171011205850001', ctx({ birthDate: '1985-05-12', sex: 'P' }));
    expect(r.warnings).toEqual([{ code: 'nik.sex_mismatch', params: { nikSex: 'L' } }]);
    expect(BLOCKING_NIK_WARNINGS).toContain('nik.sex_mismatch');
  });

  it('compares the two-digit year only (the century is not in the NIK)', () => {
    expect(checkNik('3171011205150001', ctx({ birthDate: '2015-05-12' })).warnings).toEqual([]);
  });
});

describe('KK number and masking', () => {
  it('takes 16 digits, forgiving spaces', () => {
    expect(checkKk('3171 0123 4567 8901')).toBe('3171012345678901');
    expect(checkKk('31710123')).toBeNull();
    expect(checkKk('31710123456789OI')).toBeNull();
  });
  it('masks like 3171********0001', () => {
    expect(maskIdNumber('3171011205850001')).toBe('3171********0001');
    expect(maskIdNumber(null)).toBeNull();
  });
});
