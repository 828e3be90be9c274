import { describe, it, expect } from 'vitest';
import { clusterFactsOf, derivedCluster } from '../../src/domain/persons/cluster.ts';
import { aidSteps, ktpElsewhere } from '../../src/domain/cases/aid.ts';
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

describe('the road to aid by NIK', () => {
  const base = { nik: '3171055205800003', dtks: 'unknown', pkh: 'unknown', bpnt: 'unknown', ktpAddress: null, domicileAddress: null } as const;
  it('asks for the NIK first, then DTKS, and a domicile letter when the KTP is elsewhere', () => {
    expect(aidSteps({ ...base, nik: null }, null)).toEqual(['adminduk']);
    expect(aidSteps(base, null)).toEqual(['dtks']);
    expect(aidSteps(base, '2026-12-01T00:00:00.000Z')).toEqual(['dtks_proposed']);
    expect(aidSteps({ ...base, dtks: 'yes' }, null)).toEqual([]);
    expect(aidSteps({ ...base, dtks: 'yes', ktpAddress: 'Desa Sukamaju, Brebes', domicileAddress: 'Kolong tol, Jakarta Utara' }, null)).toEqual(['domicile']);
    expect(ktpElsewhere({ ktpAddress: 'Jl. Melati 3, Jakarta', domicileAddress: 'jl melati 3 jakarta' })).toBe(false);
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
