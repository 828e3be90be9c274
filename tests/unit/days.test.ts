import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, type Db } from '../../src/db/client.ts';
import {
  caseWorkerToday,
  caseWorkerZone,
  dayStart,
  daysOverdue,
  dueState,
  facilityToday,
  nationalToday,
  todayIn,
} from '../../src/domain/time-zone.ts';
import { parseRange } from '../../src/domain/reports/range.ts';
import { parseInstant } from '../../src/domain/cases/input.ts';
import { makeFacility } from '../helpers/factories.ts';

/**
 * One day per question (domain/time-zone.ts): the facility's, the case
 * worker's or the national view's. At 16:30 UTC it is 23:30 WIB in Jakarta
 * but already 00:30 WITA in Denpasar and 01:30 WIT in Jayapura.
 */
const NIGHT = '2026-12-06T16:30:00.000Z';

describe('whose day it is', () => {
  let db: Db;
  let bali: string;
  let jakarta: string;
  beforeAll(async () => {
    db = await openDatabase(':memory:');
    bali = (await makeFacility(db, { kind: 'TPS', wilayahCode: '51.71' })).id;
    jakarta = (await makeFacility(db, { kind: 'TPS', wilayahCode: '31.71' })).id;
  });
  afterAll(async () => db?.$engine.close());

  it('a day in each zone, and the national view’s is WIB', () => {
    expect(todayIn('WIB', NIGHT)).toBe('2026-12-06');
    expect(todayIn('WITA', NIGHT)).toBe('2026-12-07');
    expect(todayIn('WIT', NIGHT)).toBe('2026-12-07');
    expect(nationalToday(NIGHT)).toBe('2026-12-06');
    expect(dayStart('2026-12-07', 'WITA')).toBe('2026-12-06T16:00:00.000Z');
    expect(dayStart('2026-12-07', 'WIB')).toBe('2026-12-06T17:00:00.000Z');
  });

  it('a facility’s day is its province’s', async () => {
    expect(await facilityToday(db, bali, NIGHT)).toBe('2026-12-07');
    expect(await facilityToday(db, jakarta, NIGHT)).toBe('2026-12-06');
    // Unknown or none: the national view.
    expect(await facilityToday(db, null, NIGHT)).toBe('2026-12-06');
  });

  it('a case worker’s day follows their wilayah, else their facility, else the national view', async () => {
    expect(await caseWorkerZone(db, { wilayahCode: '51.71', facilityId: null })).toBe('WITA');
    expect(await caseWorkerZone(db, { wilayahCode: null, facilityId: bali })).toBe('WITA');
    expect(await caseWorkerZone(db, { wilayahCode: '94.71', facilityId: jakarta })).toBe('WIT');
    expect(await caseWorkerZone(db, { wilayahCode: null, facilityId: null })).toBe('WIB');
    expect(await caseWorkerToday(db, { wilayahCode: '51.71', facilityId: null }, NIGHT)).toBe('2026-12-07');
  });

  it('one answer to "is it due": done, overdue, today or to come, and by how many days', () => {
    const today = '2026-12-07';
    expect(dueState({ doneAt: '2026-12-01T02:00:00.000Z', due: '2026-12-01' }, today)).toBe('done');
    expect(dueState({ doneAt: null, due: '2026-12-04' }, today)).toBe('overdue');
    expect(dueState({ doneAt: null, due: today }, today)).toBe('today');
    expect(dueState({ doneAt: null, due: '2026-12-08' }, today)).toBe('upcoming');
    expect(daysOverdue('2026-12-04', today)).toBe(3);
    expect(daysOverdue('2026-12-09', today)).toBe(0);
    // Across a month and a year's end: whole calendar days, not hours.
    expect(daysOverdue('2026-11-30', '2027-01-01')).toBe(32);
  });

  it('a report’s range is national days: 00:00 WIB to 00:00 WIB, to defaulting to the national today', () => {
    const r = parseRange({ from: '2026-12-01', to: '2026-12-07' });
    expect(r.startIso).toBe('2026-11-30T17:00:00.000Z');
    expect(r.endIso).toBe('2026-12-07T17:00:00.000Z');
    expect(parseRange({}, 'id', nationalToday(NIGHT)).to).toBe('2026-12-06');
  });

  it('a wall clock from a form is read in a named zone (WIB unless told), and an impossible one is no instant', () => {
    expect(parseInstant('2026-12-01T08:30')).toBe('2026-12-01T01:30:00.000Z');
    expect(parseInstant('2026-12-01T08:30', 'WITA')).toBe('2026-12-01T00:30:00.000Z');
    expect(parseInstant('2026-12-01T25:00')).toBeNull();
    expect(parseInstant('2026-12-01', 'WIT')).toBe('2026-12-01T03:00:00.000Z');
  });

  it('no source file writes an offset or a zone by hand: each day comes from the time module', () => {
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
    const HAND_MADE = [
      // A time parsed with a literal offset ("…T00:00:00+07:00", "`${day}T…+08:00`").
      /T\d{2}:\d{2}(?::\d{2})?[+-]0\d:00/,
      /\}[+-]0[789]:00/,
      // A zone's offset or name outside the module that defines them.
      /\bWIB_OFFSET_MINUTES\b/,
      /['"`]Asia\/(?:Jakarta|Makassar|Jayapura)['"`]/,
    ];
    const found: string[] = [];
    for (const file of files(join(root, 'src'))) {
      const rel = relative(root, file);
      if (rel === join('src', 'lib', 'time.ts')) continue;
      // Recorded API answers shown in the OpenAPI document: data, as a caller sees it, not a day computed here.
      if (rel === join('src', 'routes', 'api', 'examples.ts')) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (HAND_MADE.some((p) => p.test(line))) found.push(`${rel}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });
});

