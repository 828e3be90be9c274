import { describe, it, expect } from 'vitest';
import { disabilityServicesByName } from '../../src/domain/facilities/disability-services.ts';

describe('the typed disability services a facility gives, by its own name (the upgrade of the single `disability` service)', () => {
  it('reads the Kemensos home kinds', () => {
    expect(disabilityServicesByName('Panti Sosial Bina Daksa Budi Bhakti')).toEqual(['disability_physical']);
    expect(disabilityServicesByName('Sentra Bina Netra Wyata Guna')).toEqual(['disability_sensory']);
    expect(disabilityServicesByName('Balai Rungu Wicara Melati')).toEqual(['disability_sensory']);
    expect(disabilityServicesByName('PSBG Bina Grahita Belaian Kasih')).toEqual(['disability_intellectual']);
    expect(disabilityServicesByName('Panti Sosial Bina Laras Harapan Sentosa')).toEqual(['disability_mental']);
    expect(disabilityServicesByName('Panti Bina Daksa dan Bina Netra')).toEqual(['disability_physical', 'disability_sensory']);
  });
  it('gives all four to a facility whose name names none: it served every type before the upgrade', () => {
    expect(disabilityServicesByName('Panti Sosial Tresna Werdha Budi Mulia 1')).toEqual(['disability_physical', 'disability_sensory', 'disability_intellectual', 'disability_mental']);
  });
});
