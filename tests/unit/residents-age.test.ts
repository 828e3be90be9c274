import { describe, it, expect } from 'vitest';
import { ageOn, ageNeeds, ageNeedsOf } from '../../src/domain/persons/age.ts';

describe('age-derived needs', () => {
  const today = '2026-03-15';
  it('computes age from the birth date; the birthday counts on its day', () => {
    expect(ageOn({ birthDate: '2020-03-15' }, today)).toBe(6);
    expect(ageOn({ birthDate: '2020-03-16' }, today)).toBe(5);
  });
  it('ages an estimate from the day it was made', () => {
    expect(ageOn({ estimatedAge: 40, estimatedAt: '2024-01-01' }, today)).toBe(42);
    expect(ageOn({ estimatedAge: 40 }, today)).toBe(40);
    expect(ageOn({}, today)).toBeNull();
  });
  it('derives under 6, under 18 and 60+', () => {
    expect(ageNeeds(0)).toEqual(['early_childhood', 'child']);
    expect(ageNeeds(5)).toEqual(['early_childhood', 'child']);
    expect(ageNeeds(6)).toEqual(['child']);
    expect(ageNeeds(17)).toEqual(['child']);
    expect(ageNeeds(18)).toEqual([]);
    expect(ageNeeds(59)).toEqual([]);
    expect(ageNeeds(60)).toEqual(['elderly']);
    expect(ageNeeds(null)).toEqual([]);
  });
  it('works from a birth date or an estimate alike', () => {
    expect(ageNeedsOf({ birthDate: '2022-01-01' }, today)).toEqual(['early_childhood', 'child']);
    expect(ageNeedsOf({ estimatedAge: 65, estimatedAt: today }, today)).toEqual(['elderly']);
  });
});
