import { describe, it, expect } from 'vitest';
import { parseOperationAt } from '../../src/domain/handoffs/input.ts';
import { handoffNumberPrefix, HANDOFF_NUMBER_RE } from '../../src/domain/handoffs/number.ts';
import { withinWilayah } from '../../src/domain/handoffs/scope.ts';
import { normaliseWilayahCode } from '../../src/domain/reference/wilayah.ts';
import { allKeys } from '../../src/i18n/index.ts';
import handoffs from '../../src/i18n/messages/handoffs.ts';

describe('handoff rules as pure functions', () => {
  it('reads a phone’s datetime-local as WIB and keeps an explicit offset', () => {
    expect(parseOperationAt('2026-11-22T08:30')).toBe('2026-11-22T01:30:00.000Z');
    expect(parseOperationAt('2026-11-22T08:30:00+07:00')).toBe('2026-11-22T01:30:00.000Z');
    expect(parseOperationAt('2026-11-22T01:30:00Z')).toBe('2026-11-22T01:30:00.000Z');
    expect(parseOperationAt('2026-11-22T08:30:00+08:00')).toBe('2026-11-22T00:30:00.000Z');
    for (const bad of ['2026-02-30T08:00', '2026-11-22T24:10', '22/11/2026 08:00', 'kemarin', '']) expect(parseOperationAt(bad), bad).toBeNull();
  });

  it('numbers a handoff by kab/kota and the WIB date, so a handoff at 23:30 WIB is that day’s', () => {
    expect(handoffNumberPrefix('31.71', '2026-11-22T16:30:00.000Z')).toBe('HO-3171-20261122-');
    expect(handoffNumberPrefix('31.71', '2026-11-22T17:30:00.000Z')).toBe('HO-3171-20261123-');
    expect('HO-3171-20261122-0007').toMatch(HANDOFF_NUMBER_RE);
    expect('HO-31.71-20261122-7').not.toMatch(HANDOFF_NUMBER_RE);
  });

  it('knows a kab/kota is within itself and its province, not its neighbour', () => {
    expect(normaliseWilayahCode('3171')).toBe('31.71');
    expect(withinWilayah('31.71', '31.71')).toBe(true);
    expect(withinWilayah('31', '31.71')).toBe(true);
    expect(withinWilayah('31.71', '31.72')).toBe(false);
    expect(withinWilayah('3', '31.71')).toBe(false);
    expect(withinWilayah(null, '31.71')).toBe(false);
  });

  it('has every handoff message in both languages', () => {
    expect(Object.keys(handoffs.en).sort()).toEqual(Object.keys(handoffs.id).sort());
    const { id } = allKeys();
    for (const k of Object.keys(handoffs.id)) expect(id).toContain(k);
  });
});
