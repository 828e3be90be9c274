import { describe, it, expect } from 'vitest';
import { clusterFactsOf, derivedCluster } from '../../src/domain/persons/cluster.ts';
import { aidSteps, describeAidSteps, domicileState, ktpElsewhere, nikRegion, type AidFacts } from '../../src/domain/cases/aid.ts';
import { parseInstant } from '../../src/domain/cases/input.ts';

type Facts = Parameters<typeof clusterFactsOf>[0];
const person = (o: Partial<Facts>): Facts => ({
  birthDate: null,
  estimatedAge: null,
  estimatedAt: null,
  category: null,
  disabilities: [],
  traffickingVictim: false,
  unaccompaniedChild: false,
  napza: false,
  wheelchair: false,
  ...o,
});
const today = '2026-12-02';
const deriveCluster = (p: Facts, day: string) => derivedCluster(clusterFactsOf(p, day));

describe('a person’s cluster (DOMAIN.md: child, disability, 60+, drug dependence, tuna sosial, in that order)', () => {
  it('derives each cluster from needs, age and category', () => {
    expect(deriveCluster(person({ birthDate: '2015-01-01', category: 'pengemis' }), today)).toBe('anak');
    expect(deriveCluster(person({ unaccompaniedChild: true }), today)).toBe('anak');
    expect(deriveCluster(person({ estimatedAge: 70, disabilities: ['fisik'] }), today)).toBe('disabilitas');
    expect(deriveCluster(person({ estimatedAge: 68, category: 'gelandangan' }), today)).toBe('lansia');
    expect(deriveCluster(person({ birthDate: '1966-12-02' }), today)).toBe('lansia');
    expect(deriveCluster(person({ birthDate: '1966-12-03' }), today)).toBeNull();
    expect(deriveCluster(person({ estimatedAge: 30, category: 'pemulung' }), today)).toBe('tuna_sosial');
    expect(deriveCluster(person({ estimatedAge: 24, traffickingVictim: true }), today)).toBe('tuna_sosial');
    expect(deriveCluster(person({ estimatedAge: 35, category: 'korban_phk' }), today)).toBe('tuna_sosial');
    expect(deriveCluster(person({ estimatedAge: 35, category: 'lainnya' }), today)).toBe('tuna_sosial');
  });
});

describe('the road to aid by NIK (a table of cases from the articles)', () => {
  const SEMARANG_NIK = '3374041203750001'; // 33.74 Kota Semarang
  const JAKARTA_NIK = '3171055205800003'; // 31.71 Jakarta Pusat
  const base: AidFacts = {
    nik: JAKARTA_NIK,
    kk: null,
    age: 40,
    dtks: 'unknown',
    pkh: 'unknown',
    bpnt: 'unknown',
    ktpAddress: null,
    domicileAddress: null,
    originWilayahCode: null,
    kkInDtks: false,
    placedWilayah: '31.71',
    homeWilayah: null,
  };
  const cases: { name: string; facts: Partial<AidFacts>; proposed?: string; steps: string[]; dinsos: string | null }[] = [
    { name: 'a Semarang NIK placed in Jakarta, blank domicile: a domicile step, DTKS checked first', facts: { nik: SEMARANG_NIK, ktpAddress: 'Kel. Bandarharjo, Semarang Utara' }, steps: ['dtks_check', 'domicile'], dinsos: '31.71' },
    { name: 'a Jakarta NIK placed in Jakarta, blank domicile: no domicile step (the same kab/kota)', facts: { ktpAddress: 'Jl. Kramat 3, Jakarta Pusat' }, steps: ['dtks_check'], dinsos: '31.71' },
    { name: 'a blank domicile, nowhere placed, no NIK region to compare: unknown is not "elsewhere"', facts: { nik: null, kk: null, placedWilayah: null, ktpAddress: 'Desa Sukamaju, Brebes' }, steps: ['adminduk'], dinsos: null },
    { name: 'a PKH family: in DTKS, no proposal', facts: { pkh: 'yes', dtks: 'unknown' }, steps: [], dinsos: null },
    { name: 'a BPNT recipient recorded as not in DTKS: BPNT means DTKS', facts: { bpnt: 'yes', dtks: 'no' }, steps: [], dinsos: null },
    { name: 'a wife on a DTKS family’s KK: a data update, not a proposal', facts: { kk: '3171050101090001', dtks: 'no', kkInDtks: true }, steps: ['dtks_update'], dinsos: '31.71' },
    { name: 'the same wife with her DTKS unknown: still the KK’s update', facts: { kk: '3171050101090001', kkInDtks: true }, steps: ['dtks_update'], dinsos: '31.71' },
    { name: 'DTKS unknown: check by NIK first', facts: {}, steps: ['dtks_check'], dinsos: '31.71' },
    { name: 'DTKS checked, not in it: propose', facts: { dtks: 'no' }, steps: ['dtks'], dinsos: '31.71' },
    { name: 'proposed: wait', facts: { dtks: 'no' }, proposed: '2026-12-01T00:00:00.000Z', steps: ['dtks_proposed'], dinsos: '31.71' },
    { name: 'a child with a KK: the NIK is on the KK', facts: { nik: null, kk: '3171050101090001', age: 9 }, steps: ['nik_from_kk'], dinsos: '31.71' },
    { name: 'neither NIK nor KK: Dukcapil recording', facts: { nik: null }, steps: ['adminduk'], dinsos: '31.71' },
    { name: 'a newborn: akta, then the KK', facts: { nik: null, kk: '3171050101090001', age: 0 }, steps: ['akta'], dinsos: '31.71' },
    { name: 'returned home to Denpasar with a Denpasar NIK: the Dinsos of Bali acts, no domicile letter', facts: { nik: '5171031507700002', dtks: 'no', placedWilayah: null, homeWilayah: '51.71', ktpAddress: 'Jl. Gatot Subroto, Denpasar', domicileAddress: 'Kolong tol, Jakarta Utara' }, steps: ['dtks'], dinsos: '51.71' },
    { name: 'returned home to Denpasar with a Semarang NIK: domicile there, and Bali’s Dinsos', facts: { nik: SEMARANG_NIK, placedWilayah: null, homeWilayah: '51.71' }, steps: ['dtks_check', 'domicile'], dinsos: '51.71' },
    { name: 'placed at a protected place: it is never the domicile; the NIK’s Dinsos acts', facts: { nik: SEMARANG_NIK, placedWilayah: null, dtks: 'no' }, steps: ['dtks'], dinsos: '33.74' },
    { name: 'KTP and domicile texts differ (same kab/kota): a domicile step', facts: { dtks: 'yes', ktpAddress: 'Desa Sukamaju, Brebes', domicileAddress: 'Kolong tol, Jakarta Utara' }, steps: ['domicile'], dinsos: '31.71' },
  ];
  it.each(cases)('$name', ({ facts, proposed, steps, dinsos }) => {
    const got = aidSteps({ ...base, ...facts }, proposed ?? null);
    expect(got.map((s) => s.code)).toEqual(steps);
    for (const s of got) expect(s.dinsos_wilayah_code).toBe(dinsos);
  });

  it('reads the kab/kota from the NIK and calls a blank domicile unknown, not the same', () => {
    expect(nikRegion(SEMARANG_NIK)).toBe('33.74');
    expect(nikRegion('12345')).toBeNull();
    expect(domicileState({ nik: null, ktpAddress: 'Desa Sukamaju', domicileAddress: null, placedWilayah: null, homeWilayah: null })).toBe('unknown');
    expect(domicileState({ nik: null, ktpAddress: 'Jl. Melati 3, Jakarta', domicileAddress: 'jl melati 3 jakarta', placedWilayah: null, homeWilayah: null })).toBe('same');
    expect(ktpElsewhere({ nik: SEMARANG_NIK, ktpAddress: null, domicileAddress: null, placedWilayah: '31.75', homeWilayah: null })).toBe(true);
  });

  it('gives each step its reason and next step in the reader’s language, naming the Dinsos', () => {
    const facts = { ...base, nik: SEMARANG_NIK };
    const [check, domicile] = describeAidSteps(aidSteps(facts, null), facts, 'en');
    expect(check).toMatchObject({ code: 'dtks_check', dinsos_wilayah_code: '31.71' });
    expect(check!.next_step).toContain('(31.71)');
    expect(domicile!.reason).toBe('NIK from 33.74, lives in 31.71: the KTP address is not where they live.');
    const [id] = describeAidSteps(aidSteps({ ...base, nik: null, kk: '3171050101090001' }, null), base, 'id');
    expect(id!.next_step).toMatch(/^Ambil NIK dari KK/);
  });
});

describe('when a service was given', () => {
  it('reads a day and a local time as WIB, and an instant with its offset', () => {
    expect(parseInstant('2026-12-01')).toBe('2026-12-01T05:00:00.000Z');
    expect(parseInstant('2026-12-01T08:30')).toBe('2026-12-01T01:30:00.000Z');
    expect(parseInstant('2026-12-01T08:30:00+08:00')).toBe('2026-12-01T00:30:00.000Z');
    expect(parseInstant('2026-02-30')).toBeNull();
    expect(parseInstant('kemarin')).toBeNull();
  });
});
