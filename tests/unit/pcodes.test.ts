import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kabkotaPcode, knownKabkota, provincePcode } from '../../src/domain/reports/pcodes.ts';

const rows = readFileSync(new URL('../../db/seed/wilayah-kabkota.csv', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.slice(0, l.indexOf(',')));
const provinces = rows.filter((c) => !c.includes('.'));
const kabkota = rows.filter((c) => c.includes('.'));

describe('P-codes for HXL (COD-AB)', () => {
  it('gives every one of the 514 kab/kota exactly one P-code, and no two the same', () => {
    expect(kabkota).toHaveLength(514);
    const codes = kabkota.map((c) => kabkotaPcode(c));
    expect(codes.every((c) => c !== null && /^ID\d{4}$/.test(c))).toBe(true);
    expect(new Set(codes).size).toBe(514);
    expect(knownKabkota().sort()).toEqual([...kabkota].sort());
  });

  it('maps where Kepmendagri and BPS differ, rather than prefixing', () => {
    expect(kabkotaPcode('31.74')).toBe('ID3171'); // Kota Jakarta Selatan
    expect(kabkotaPcode('31.71')).toBe('ID3173'); // Kota Jakarta Pusat
    expect(kabkotaPcode('11.09')).toBe('ID1101'); // Simeulue
    expect(kabkotaPcode('51.71')).toBe('ID5171'); // Denpasar: the same in both
  });

  it("maps Papua's provinces and kab/kota to COD-AB's", () => {
    expect(provincePcode('31')).toBe('ID31');
    expect(provincePcode('91')).toBe('ID94'); // Papua is 94 at BPS
    expect(provincePcode('92')).toBe('ID91'); // Papua Barat is 91 at BPS
    expect(provincePcode('93')).toBe('ID94'); // Papua Selatan lies in COD-AB's Papua
    expect(provincePcode('96')).toBe('ID91'); // Papua Barat Daya in COD-AB's Papua Barat
    expect(kabkotaPcode('91.71')).toBe('ID9471'); // Kota Jayapura
    // Every kab/kota's P-code lies in its province's P-code.
    for (const k of kabkota) expect(kabkotaPcode(k)!.slice(0, 4)).toBe(provincePcode(k.slice(0, 2)));
    expect(provinces).toHaveLength(38);
    expect(provinces.every((p) => provincePcode(p) !== null)).toBe(true);
  });

  it('answers null for what it does not know', () => {
    expect(kabkotaPcode('99.99')).toBeNull();
    expect(provincePcode('99')).toBeNull();
    expect(provincePcode(null)).toBeNull();
  });
});
