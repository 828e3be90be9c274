import { describe, it, expect } from 'vitest';
import { isOverridableNikWarning, nikOverrideFromForm, nikWarningState } from '../../src/domain/persons/nik.ts';
import { clusterFactsOfRow, clusterWithReason, effectiveCluster } from '../../src/domain/persons/cluster.ts';
import { ageFromTyped } from '../../src/domain/persons/age.ts';

const today = '2026-12-02';

describe('the person kernel: NIK overrides (asked by the intake, handoff-desk and edit pages)', () => {
  it('lets the officer keep a NIK that disagrees with the birth date or sex, never one with an unknown wilayah', () => {
    expect(isOverridableNikWarning('nik.birth_date_mismatch')).toBe(true);
    expect(isOverridableNikWarning('nik.sex_mismatch')).toBe(true);
    expect(isOverridableNikWarning('nik.unknown_kabkota')).toBe(false);
    expect(nikWarningState('nik.sex_mismatch', undefined)).toEqual({ overridable: true, blocking: true });
    expect(nikWarningState('nik.sex_mismatch', 'KTP lama')).toEqual({ overridable: true, blocking: false });
    expect(nikWarningState('nik.unknown_province', undefined)).toEqual({ overridable: false, blocking: false });
  });

  it('needs a reason for an override, beside the reason field', () => {
    expect(nikOverrideFromForm(true, '  ', 'persons.0.nik_override_reason')).toEqual({ reason: undefined, error: { path: 'persons.0.nik_override_reason', message: 'residents.override_reason_required' } });
    expect(nikOverrideFromForm(true, ' KTP lama ', 'nik_override_reason')).toEqual({ reason: 'KTP lama', error: null });
    expect(nikOverrideFromForm(false, 'ignored', 'nik_override_reason')).toEqual({ reason: undefined, error: null });
  });
});

describe('the person kernel: one cluster, override-aware', () => {
  const row = { birth_date: null, estimated_age: 68, estimated_at: today, category: 'gelandangan', disabilities: '[]', trafficking_victim: 0, unaccompanied_child: 0, napza: 0, wheelchair: 0 };

  it('gives the override, else the derived cluster', () => {
    const facts = clusterFactsOfRow(row, today);
    expect(facts.age).toBe(68);
    expect(effectiveCluster(null, facts)).toBe('lansia');
    expect(effectiveCluster('tuna_sosial', facts)).toBe('tuna_sosial');
    expect(clusterWithReason(null, facts)).toEqual({ cluster: 'lansia', why: 'elderly' });
    expect(clusterWithReason('tuna_sosial', facts)).toEqual({ cluster: 'tuna_sosial', why: 'override' });
  });

  it('reads a raw row from either engine (0/1 or booleans, JSON text or an array)', () => {
    expect(effectiveCluster(null, clusterFactsOfRow({ ...row, estimated_age: 30, napza: true }, today))).toBe('napza');
    expect(effectiveCluster(null, clusterFactsOfRow({ ...row, estimated_age: 30, disabilities: ['fisik'] }, today))).toBe('disabilitas');
    expect(effectiveCluster(null, clusterFactsOfRow({ ...row, estimated_age: 30, category: 'korban_phk' }, today))).toBe('tuna_sosial');
  });
});

describe('the person kernel: age from what was typed', () => {
  it('computes needs from a birth date or an estimate, and nothing from text it cannot read', () => {
    expect(ageFromTyped('2022-01-01', '', today)).toEqual({ age: 4, needs: ['early_childhood', 'child'] });
    expect(ageFromTyped('', '70', today)).toEqual({ age: 70, needs: ['elderly'] });
    expect(ageFromTyped('kemarin', 'tua', today)).toEqual({ age: null, needs: [] });
  });
});
