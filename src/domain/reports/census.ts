import type { Db } from '../../db/client.ts';
import { approachOf, APPROACHES, type Approach } from '../board/sampler.ts';
import { capacityByDay } from './capacity.ts';
import { dayIndex, type ReportRange } from './range.ts';
import { loadFacilities, type FacilityInfo, type ReportScope } from './scope.ts';
import { arrivesInto, leavesFrom, loadStayFacts, type StayFact } from './stays.ts';

/**
 * The daily census (rekap harian), per facility, per approach, per wilayah
 * and in total, for every day of the range (each facility's local day: WIB,
 * WITA or WIT by its province):
 * - in: arrivals into the group that day; a move inside the group (a unit
 *   change, a transfer between two TPS for the approach row) is not an arrival;
 * - out: departures from the group that day, on the same rule;
 * - present: stays open at the end of the day (a stay across midnight is
 *   present on each day it spans; one that begins and ends on the same day
 *   counts in and out, not present);
 * - capacity: usable places at the end of the day, of facilities that ended the day OPEN;
 * - utilisation: present / capacity.
 * So present(d) = present(d−1) + in(d) − out(d) holds for every row.
 */
export interface CensusDay {
  in: number;
  out: number;
  present: number;
  capacity: number;
  utilisation: number | null;
}

export interface CensusTotals {
  in: number;
  out: number;
  /** Present at the end of the last day. */
  present: number;
  /** The largest daily present count. */
  peak: number;
  /** Capacity at the end of the last day. */
  capacity: number;
  /** Occupied place-days / usable place-days over the range. */
  utilisation: number | null;
}

export interface CensusRow {
  key: string;
  days: CensusDay[];
  totals: CensusTotals;
}

export interface FacilityCensusRow extends CensusRow {
  facility: FacilityInfo;
  approach: Approach;
}

export interface WilayahCensusRow extends CensusRow {
  code: string;
  name: string;
}

export interface CensusReport {
  range: ReportRange;
  facilities: FacilityCensusRow[];
  approaches: (CensusRow & { approach: Approach })[];
  wilayah: WilayahCensusRow[];
  total: CensusRow;
}

export interface CensusInput {
  range: ReportRange;
  facilities: FacilityInfo[];
  stays: StayFact[];
  capacity: Map<string, number[]>;
}

/** How a grouping names the group of a facility; a facility outside the scope belongs to none (null). */
type GroupKey = (facilityId: string) => string | null;

function rowsFor(input: CensusInput, key: GroupKey, keys: string[]): Map<string, CensusRow> {
  const n = input.range.days.length;
  const ins = new Map(keys.map((k) => [k, new Array<number>(n).fill(0)]));
  const outs = new Map(keys.map((k) => [k, new Array<number>(n).fill(0)]));
  const diff = new Map(keys.map((k) => [k, new Array<number>(n + 1).fill(0)]));
  for (const s of input.stays) {
    const k = key(s.facilityId);
    if (k === null) continue;
    // A facility's days are its local days (WITA in Bali, WIT in Papua).
    const inIdx = dayIndex(input.range, s.checkedInAt, s.zone);
    const outIdx = s.checkedOutAt === null ? Infinity : dayIndex(input.range, s.checkedOutAt, s.zone);
    if (inIdx >= 0 && inIdx < n && arrivesInto(s, key)) ins.get(k)![inIdx]! += 1;
    if (outIdx >= 0 && outIdx < n && leavesFrom(s, key)) outs.get(k)![outIdx]! += 1;
    // Present at the end of day d ⇔ checked in before the day ended and not out before it ended ⇔ inIdx ≤ d < outIdx.
    const a = Math.max(inIdx, 0);
    const b = Math.min(outIdx, n);
    if (a < b) {
      diff.get(k)![a]! += 1;
      diff.get(k)![b]! -= 1;
    }
  }
  const capacity = new Map(keys.map((k) => [k, new Array<number>(n).fill(0)]));
  for (const f of input.facilities) {
    const k = key(f.id);
    const cap = input.capacity.get(f.id);
    if (k === null || !cap || !capacity.has(k)) continue;
    const into = capacity.get(k)!;
    cap.forEach((c, i) => (into[i]! += c));
  }
  const out = new Map<string, CensusRow>();
  for (const k of keys) {
    let present = 0;
    const days: CensusDay[] = [];
    for (let i = 0; i < n; i++) {
      present += diff.get(k)![i]!;
      const cap = capacity.get(k)![i]!;
      days.push({ in: ins.get(k)![i]!, out: outs.get(k)![i]!, present, capacity: cap, utilisation: cap > 0 ? present / cap : null });
    }
    out.set(k, { key: k, days, totals: totalsOf(days) });
  }
  return out;
}

export function totalsOf(days: CensusDay[]): CensusTotals {
  const last = days[days.length - 1];
  const placeDays = days.reduce((a, d) => a + d.capacity, 0);
  const occupiedDays = days.reduce((a, d) => a + d.present, 0);
  return {
    in: days.reduce((a, d) => a + d.in, 0),
    out: days.reduce((a, d) => a + d.out, 0),
    present: last?.present ?? 0,
    peak: days.reduce((a, d) => Math.max(a, d.present), 0),
    capacity: last?.capacity ?? 0,
    utilisation: placeDays > 0 ? occupiedDays / placeDays : null,
  };
}

/** The census from loaded facts: a pure function (tests build its input by hand). */
export function computeCensus(input: CensusInput): CensusReport {
  const byId = new Map(input.facilities.map((f) => [f.id, f]));
  const facilityRows = rowsFor(input, (id) => (byId.has(id) ? id : null), input.facilities.map((f) => f.id));
  const approachRows = rowsFor(input, (id) => (byId.has(id) ? approachOf(byId.get(id)!.kind) : null), [...APPROACHES]);
  const wilayahCodes = [...new Set(input.facilities.map((f) => f.wilayahCode))].sort();
  const wilayahRows = rowsFor(input, (id) => byId.get(id)?.wilayahCode ?? null, wilayahCodes);
  const totalRow = rowsFor(input, (id) => (byId.has(id) ? 'total' : null), ['total']).get('total')!;
  const order = (f: FacilityInfo) => APPROACHES.indexOf(approachOf(f.kind));
  return {
    range: input.range,
    facilities: [...input.facilities]
      .sort((a, b) => order(a) - order(b) || a.wilayahCode.localeCompare(b.wilayahCode) || a.name.localeCompare(b.name))
      .map((f) => ({ ...facilityRows.get(f.id)!, facility: f, approach: approachOf(f.kind) })),
    approaches: APPROACHES.map((a) => ({ ...approachRows.get(a)!, approach: a })),
    wilayah: wilayahCodes.map((code) => {
      const f = input.facilities.find((x) => x.wilayahCode === code)!;
      return { ...wilayahRows.get(code)!, code, name: f.wilayahName };
    }),
    total: totalRow,
  };
}

export async function censusReport(args: { db: Db; range: ReportRange; scope: ReportScope }): Promise<CensusReport> {
  const facilities = await loadFacilities(args.db, args.scope);
  const { inRange } = await loadStayFacts(args.db, args.range, args.scope);
  return computeCensus({ range: args.range, facilities, stays: inRange, capacity: await capacityByDay(args.db, args.range, args.scope) });
}
