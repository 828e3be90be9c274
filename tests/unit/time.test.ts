import { describe, it, expect } from 'vitest';
import {
  formatFor,
  formatLocal,
  formatLocalTime,
  formatWib,
  fromLocal,
  localDate,
  localDayStart,
  toLocalIso,
  toWib,
  wibDate,
  zoneOf,
  zoneOfOffset,
} from '../../src/lib/time.ts';
import { dayEndIso, dayIndex, makeRange, rangeEndIn, rangeStartIn } from '../../src/domain/reports/range.ts';
import { handoffNumberPrefix } from '../../src/domain/handoffs/number.ts';

describe('Indonesia’s three time zones (DOMAIN.md "Time")', () => {
  it('finds the zone from the province of any wilayah code', () => {
    for (const p of ['11', '12', '13', '14', '15', '16', '17', '18', '19', '21', '31', '32', '33', '34', '35', '36', '61', '62']) expect(zoneOf(p), p).toBe('WIB');
    for (const p of ['51', '52', '53', '63', '64', '65', '71', '72', '73', '74', '75', '76']) expect(zoneOf(p), p).toBe('WITA');
    for (const p of ['81', '82', '91', '92', '93', '94', '95', '96']) expect(zoneOf(p), p).toBe('WIT');
    expect(zoneOf('51.71')).toBe('WITA'); // Kota Denpasar
    expect(zoneOf('91.71')).toBe('WIT'); // Kota Jayapura
    expect(zoneOf('31.71')).toBe('WIB'); // Jakarta Pusat
    expect(zoneOf('64.72.01')).toBe('WITA'); // a kecamatan of Samarinda
    expect(zoneOf(null)).toBe('WIB');
    expect(zoneOf(undefined)).toBe('WIB');
    expect(zoneOf('')).toBe('WIB');
    expect(zoneOf('99')).toBe('WIB');
  });

  it('serves an instant with its zone’s offset', () => {
    const t = '2026-11-22T16:30:00.000Z';
    expect(toLocalIso(t, 'WIB')).toBe('2026-11-22T23:30:00.000+07:00');
    expect(toLocalIso(t, 'WITA')).toBe('2026-11-23T00:30:00.000+08:00');
    expect(toLocalIso(t, 'WIT')).toBe('2026-11-23T01:30:00.000+09:00');
    expect(toLocalIso(null, 'WITA')).toBeNull();
    for (const z of ['WIB', 'WITA', 'WIT'] as const) expect(Date.parse(toLocalIso(t, z)!)).toBe(Date.parse(t));
    expect(toWib(t)).toBe(toLocalIso(t, 'WIB'));
  });

  it('shows a time to people with the zone’s name, a day without it', () => {
    const t = '2026-11-22T06:05:00.000Z';
    expect(formatLocal(t, 'WIB')).toBe('22/11/2026 13:05 WIB');
    expect(formatLocal(t, 'WITA')).toBe('22/11/2026 14:05 WITA');
    expect(formatLocal(t, 'WIT')).toBe('22/11/2026 15:05 WIT');
    expect(formatLocal(t, 'WITA', false)).toBe('22/11/2026');
    expect(formatLocalTime(t, 'WITA')).toBe('14:05 WITA');
    expect(formatLocal(null, 'WIT')).toBe('');
    // The national WIB wrapper keeps its old form (the caller names WIB).
    expect(formatWib(t)).toBe('22/11/2026 13:05');
  });

  it('lets a page format by zone, by wilayah code, or by the offset an API time carries', () => {
    const t = '2026-11-22T06:05:00.000Z';
    expect(formatFor(t, true, 'WIT')).toBe('22/11/2026 15:05 WIT');
    expect(formatFor(t, true, '51.71')).toBe('22/11/2026 14:05 WITA');
    expect(formatFor(toLocalIso(t, 'WITA'))).toBe('22/11/2026 14:05 WITA');
    expect(formatFor(t)).toBe('22/11/2026 13:05 WIB');
    expect(zoneOfOffset('2026-11-22T15:05:00.000+09:00')).toBe('WIT');
    expect(zoneOfOffset('2026-11-22T06:05:00.000Z')).toBeNull();
    expect(zoneOfOffset('2026-11-22T06:05:00.000+05:30')).toBeNull();
  });

  it('gives the local calendar day and its first instant', () => {
    // 23:30 WITA on 2 March is 22:30 WIB the same day; 00:30 WITA on 3 March is still 2 March in Jakarta.
    expect(localDate('2026-03-02T15:30:00.000Z', 'WITA')).toBe('2026-03-02');
    expect(localDate('2026-03-02T16:30:00.000Z', 'WITA')).toBe('2026-03-03');
    expect(wibDate('2026-03-02T16:30:00.000Z')).toBe('2026-03-02');
    expect(localDate('2026-03-02T15:30:00.000Z', 'WIT')).toBe('2026-03-03');
    expect(localDayStart('2026-03-03', 'WIB')).toBe('2026-03-02T17:00:00.000Z');
    expect(localDayStart('2026-03-03', 'WITA')).toBe('2026-03-02T16:00:00.000Z');
    expect(localDayStart('2026-03-03', 'WIT')).toBe('2026-03-02T15:00:00.000Z');
    expect(fromLocal('2026-03-03T08:30', 'WITA')).toBe('2026-03-03T00:30:00.000Z');
  });

  it('places an instant on each facility’s own report day', () => {
    const range = makeRange('2026-03-02', '2026-03-03');
    const t = '2026-03-02T16:30:00.000Z'; // 23:30 WIB 2 March, 00:30 WITA 3 March
    expect(dayIndex(range, t)).toBe(0);
    expect(dayIndex(range, t, 'WIB')).toBe(0);
    expect(dayIndex(range, t, 'WITA')).toBe(1);
    expect(dayIndex(range, t, 'WIT')).toBe(1);
    expect(rangeStartIn(range, 'WITA')).toBe('2026-03-01T16:00:00.000Z');
    expect(rangeEndIn(range, 'WIT')).toBe('2026-03-03T15:00:00.000Z');
    expect(rangeEndIn(range)).toBe(range.endIso);
    expect(dayEndIso(range, 0, 'WITA')).toBe('2026-03-02T16:00:00.000Z');
  });

  it('numbers a handoff by the kab/kota’s own date', () => {
    // 00:30 WITA on 23 November in Denpasar is 22 November in Jakarta.
    expect(handoffNumberPrefix('51.71', '2026-11-22T16:30:00.000Z')).toBe('HO-5171-20261123-');
    expect(handoffNumberPrefix('31.71', '2026-11-22T16:30:00.000Z')).toBe('HO-3171-20261122-');
  });
});
