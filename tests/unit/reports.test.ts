import { describe, it, expect } from 'vitest';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { quantile, spread } from '../../src/domain/reports/stats.ts';
import { latestPlacement, computeHandled, type HandledStay } from '../../src/domain/reports/handled.ts';
import { valueAt, unitUsableAt, facilityStatusAt, type UnitHistory } from '../../src/domain/reports/capacity.ts';
import { linkStays, arrivesInto, leavesFrom, episodeStart } from '../../src/domain/reports/stays.ts';
import { computeCensus } from '../../src/domain/reports/census.ts';
import { makeRange, parseRange, dayIndex, dayStartIso } from '../../src/domain/reports/range.ts';
import { publishedRows, type ExportTable } from '../../src/domain/reports/table.ts';
import { wouldSuppress } from '../../src/domain/reports/suppress.ts';
import { groupReasons, wasAccepted } from '../../src/domain/reports/referrals.ts';
import { toCsv } from '../../src/domain/reports/export/csv.ts';
import { toXlsx } from '../../src/domain/reports/export/xlsx.ts';
import type { FacilityInfo } from '../../src/domain/reports/scope.ts';
import { DomainError } from '../../src/domain/errors.ts';

const wib = (s: string) => new Date(`${s.replace(' ', 'T')}:00+07:00`).toISOString();

describe('report ranges are WIB calendar days', () => {
  it('starts a day at 00:00 WIB (17:00 UTC the day before) and keeps every day 24 hours', () => {
    expect(dayStartIso('2026-03-01')).toBe('2026-02-28T17:00:00.000Z');
    const r = makeRange('2026-02-27', '2026-03-02');
    expect(r.days).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    expect(r.endIso).toBe('2026-03-02T17:00:00.000Z');
    expect(dayIndex(r, wib('2026-02-28 23:59'))).toBe(1);
    expect(dayIndex(r, wib('2026-03-01 00:00'))).toBe(2);
    expect(dayIndex(r, wib('2026-02-26 23:00'))).toBe(-1);
  });

  it('defaults to the week up to today and refuses a reversed or too long range', () => {
    expect(parseRange({}, 'id', '2026-11-22')).toMatchObject({ from: '2026-11-16', to: '2026-11-22' });
    expect(parseRange({ from: '2026-11-01', to: '' }, 'id', '2026-11-22')).toMatchObject({ from: '2026-11-01', to: '2026-11-22' });
    const bad = (input: unknown) => {
      try {
        parseRange(input, 'id', '2026-11-22');
      } catch (e) {
        return (e as DomainError).fieldErrors.map((f) => f.message);
      }
      return [];
    };
    expect(bad({ from: '2026-11-22', to: '2026-11-01' })).toEqual(['reports.range_order']);
    expect(bad({ from: '2026-02-30' })).toEqual(['reports.bad_date']);
    expect(bad({ from: '2020-01-01', to: '2026-01-01' })).toEqual(['reports.range_too_long']);
  });
});

describe('statistics', () => {
  it('interpolates quantiles as Excel PERCENTILE.INC does; the median of an even count is the mean of the middle two', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantile([1, 2, 3, 4], 0.75)).toBe(3.25);
    expect(quantile([7], 0.25)).toBe(7);
    expect(quantile([], 0.5)).toBeNull();
    expect(spread([5, 1, 3])).toEqual({ n: 3, median: 3, p25: 2, p75: 4, max: 5 });
    expect(spread([])).toEqual({ n: 0, median: null, p25: null, p75: null, max: null });
  });
});

describe('people handled: latest placement', () => {
  const st = (id: string, person: string, at: string, approach: HandledStay['approach']): HandledStay => ({ id, personKey: person, checkedInAt: at, approach });

  it('takes the greatest check-in, ties broken by the greater stay id, and counts each person once', () => {
    const stays = [
      st('a', 'p1', '2026-03-01T00:00:00Z', 'TPS'),
      st('b', 'p1', '2026-03-02T00:00:00Z', 'LKS'),
      st('c', 'p2', '2026-03-02T00:00:00Z', 'RESIDENTIAL'),
      st('d', 'p2', '2026-03-02T00:00:00Z', 'TPS'),
      st('e', 'p3', '2026-03-03T00:00:00Z', 'TPS'),
    ];
    const latest = latestPlacement(stays);
    expect([...latest.entries()].map(([p, s]) => [p, s.id])).toEqual([
      ['p1', 'b'],
      ['p2', 'd'],
      ['p3', 'e'],
    ]);
    // The order stays arrive in does not matter.
    expect([...latestPlacement([...stays].reverse()).values()].map((s) => s.id).sort()).toEqual(['b', 'd', 'e']);
    const h = computeHandled(makeRange('2026-03-01', '2026-03-03'), stays, () => 'L');
    expect(Object.fromEntries(h.rows.map((r) => [r.approach, r.people]))).toEqual({ TPS: 2, RESIDENTIAL: 0, LKS: 1 });
    expect(h.total.people).toBe(3);
  });
});

describe('capacity history', () => {
  const changes = [
    { at: '2026-03-02T00:00:00Z', from: '8', to: '10' },
    { at: '2026-03-04T00:00:00Z', from: '10', to: '12' },
  ];
  it('reads a value as the last change before, else the first change after, else now', () => {
    expect(valueAt(changes, '2026-03-01T00:00:00Z', '12')).toBe('8');
    expect(valueAt(changes, '2026-03-02T00:00:00Z', '12')).toBe('10');
    expect(valueAt(changes, '2026-03-03T00:00:00Z', '12')).toBe('10');
    expect(valueAt(changes, '2026-03-05T00:00:00Z', '12')).toBe('12');
    expect(valueAt([], '2026-03-05T00:00:00Z', '7')).toBe('7');
  });

  it('gives a unit no places before it was created, none while BLOCKED or CLOSED, and takes blocked places off', () => {
    const u: UnitHistory = {
      id: 'u',
      facilityId: 'f',
      createdAt: '2026-03-01T00:00:00Z',
      capacity: 10,
      blocked: 0,
      status: 'AVAILABLE',
      changes: {
        capacity: [],
        blocked: [{ at: '2026-03-02T00:00:00Z', from: '0', to: '3' }, { at: '2026-03-03T00:00:00Z', from: '3', to: '0' }],
        status: [{ at: '2026-03-04T00:00:00Z', from: 'AVAILABLE', to: 'CLOSED' }, { at: '2026-03-05T00:00:00Z', from: 'CLOSED', to: 'AVAILABLE' }],
      },
    };
    expect(unitUsableAt(u, '2026-02-28T00:00:00Z')).toBe(0);
    expect(unitUsableAt(u, '2026-03-01T12:00:00Z')).toBe(10);
    expect(unitUsableAt(u, '2026-03-02T12:00:00Z')).toBe(7);
    expect(unitUsableAt(u, '2026-03-04T12:00:00Z')).toBe(0);
    expect(unitUsableAt(u, '2026-03-05T12:00:00Z')).toBe(10);
  });

  it("reads a facility's status from its audited changes", () => {
    const f = { id: 'f', status: 'CLOSED', createdAt: '2026-03-01T00:00:00Z', createdStatus: 'STANDBY', changes: [{ at: '2026-03-02T00:00:00Z', from: 'STANDBY', to: 'OPEN' }, { at: '2026-03-04T00:00:00Z', from: 'OPEN', to: 'CLOSED' }] };
    expect(facilityStatusAt(f, '2026-02-28T00:00:00Z')).toBe('NONE');
    expect(facilityStatusAt(f, '2026-03-01T12:00:00Z')).toBe('STANDBY');
    expect(facilityStatusAt(f, '2026-03-03T00:00:00Z')).toBe('OPEN');
    expect(facilityStatusAt(f, '2026-03-05T00:00:00Z')).toBe('CLOSED');
  });
});

describe('stays linked into chains', () => {
  const row = (id: string, person: string, facility: string, inAt: string, outAt: string | null) => ({
    id,
    personKey: person,
    facilityId: facility,
    checkedInAt: wib(inAt),
    checkedOutAt: outAt ? wib(outAt) : null,
    outcome: null,
  });

  it('links by previous_stay_id, or by the same person at the same instant, and a stay at exactly midnight belongs to the new day', () => {
    const all = linkStays(
      [
        row('a', 'p', 'F1', '2026-03-01 10:00', '2026-03-02 00:00'),
        row('b', 'p', 'F2', '2026-03-02 00:00', '2026-03-03 08:00'),
        row('c', 'p', 'F2', '2026-03-03 08:00', null),
        row('x', 'q', 'F1', '2026-03-01 10:00', '2026-03-02 00:00'),
      ],
      new Map([['c', 'b']]),
    );
    expect(all.get('a')!.next?.id).toBe('b'); // same person, same instant
    expect(all.get('c')!.prev?.id).toBe('b'); // previous_stay_id
    expect(all.get('x')!.next).toBeNull(); // another person's stay is never a continuation
    const byFacility = (id: string) => id;
    const byApproach = () => 'TPS';
    expect(arrivesInto(all.get('b')!, byFacility)).toBe(true);
    expect(arrivesInto(all.get('b')!, byApproach)).toBe(false);
    expect(leavesFrom(all.get('a')!, byFacility)).toBe(true);
    expect(leavesFrom(all.get('c')!, byFacility)).toBe(false); // still open
    expect(episodeStart(all.get('c')!, byFacility).id).toBe('b');
    expect(episodeStart(all.get('c')!, byApproach).id).toBe('a');

    // Out at exactly 00:00 on 2 March: present at the end of 1 March, out on 2 March; b arrives on 2 March.
    const f = (id: string): FacilityInfo => ({ id, code: id, name: id, kind: 'TPS', wilayahCode: '31.71', wilayahName: '', provinceCode: '31', provinceName: '', status: 'OPEN', protected: false, lat: null, lng: null, operator: '' });
    const range = makeRange('2026-03-01', '2026-03-02');
    const c = computeCensus({ range, facilities: [f('F1'), f('F2')], stays: [all.get('a')!, all.get('b')!, all.get('c')!], capacity: new Map() });
    const r1 = c.facilities.find((x) => x.facility.id === 'F1')!;
    expect(r1.days.map((d) => [d.in, d.out, d.present])).toEqual([
      [1, 0, 1],
      [0, 1, 0],
    ]);
    const r2 = c.facilities.find((x) => x.facility.id === 'F2')!;
    expect(r2.days.map((d) => [d.in, d.out, d.present])).toEqual([
      [0, 0, 0],
      [1, 0, 1],
    ]);
    expect(c.total.days.map((d) => [d.in, d.out, d.present])).toEqual([
      [1, 0, 1],
      [0, 0, 1],
    ]);
  });
});

describe('small-cell suppression', () => {
  const table: ExportTable = {
    sheet: 'T',
    title: 'T',
    published: true,
    columns: [
      { key: 'name', header: 'Nama', type: 'text' },
      { key: 'people', header: 'Orang', type: 'people' },
      { key: 'capacity', header: 'Kapasitas', type: 'int' },
      { key: 'median', header: 'Median', type: 'decimal', basis: 'people' },
    ],
    rows: [
      { name: 'nol', people: 0, capacity: 2, median: null },
      { name: 'satu', people: 1, capacity: 1, median: 4.25 },
      { name: 'dua', people: 2, capacity: 5, median: 1 },
      { name: 'tiga', people: 3, capacity: 5, median: 2.04 },
    ],
  };

  it('writes "<3" for 1–2 people and what is computed from them, keeps 0 and places', () => {
    expect([0, 1, 2, 3, null].map(wouldSuppress)).toEqual([false, true, true, false, false]);
    expect(publishedRows(table)).toEqual([
      { name: 'nol', people: 0, capacity: 2, median: null },
      { name: 'satu', people: '<3', capacity: 1, median: '<3' },
      { name: 'dua', people: '<3', capacity: 5, median: '<3' },
      { name: 'tiga', people: 3, capacity: 5, median: 2.04 },
    ]);
    expect(publishedRows({ ...table, published: false })).toEqual(table.rows);
    const rows = parse(toCsv(table), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.Orang, r.Median])).toEqual([
      ['0', ''],
      ['<3', '<3'],
      ['<3', '<3'],
      ['3', '2'],
    ]);
  });

  it('writes the same cells into a workbook, "<3" as text and numbers as numbers', async () => {
    const buf = await toXlsx([table], { title: 'Uji', info: [['Periode', '01/03/2026 – 05/03/2026']] });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('T')!;
    expect(ws.getRow(3).getCell(2).value).toBe('<3');
    expect(ws.getRow(5).getCell(2).value).toBe(3);
    expect(ws.getRow(5).getCell(2).numFmt).toBe('#,##0');
    expect(ws.getRow(5).getCell(4).numFmt).toBe('#,##0.0');
  });

  it('lays the workbook out as readers expect: Info first, bold frozen headers, an HXL row, a NIK as text, real dates, one sheet per table', async () => {
    const people: ExportTable = {
      sheet: 'Orang: daftar/baru',
      title: 'Orang',
      published: false,
      hxl: true,
      columns: [
        { key: 'nik', header: 'NIK', type: 'id_number', hxl: '#affected+id' },
        { key: 'since', header: 'Sejak', type: 'date', hxl: '#date+start' },
        { key: 'at', header: 'Masuk', type: 'datetime', hxl: '#date' },
        { key: 'name', header: 'Nama', type: 'text', hxl: '#affected+name' },
      ],
      rows: [{ nik: '3171014509870007', since: '2026-03-01', at: '2026-03-01T09:30:00+08:00', name: 'Siti & <Ani>' }],
    };
    const made = new Date('2026-03-05T10:00:00Z');
    const buf = await toXlsx([table, people, { ...table, rows: [] }], { title: 'Laporan Uji', info: [['Periode', '01/03/2026 – 05/03/2026'], ['Dibuat', made]] });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    // Sheet names: Excel's forbidden characters replaced, a repeated name numbered.
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Info', 'T', 'Orang  daftar baru', 'T 2']);
    const info = wb.getWorksheet('Info')!;
    expect(info.getRow(1).getCell(1).value).toBe('Laporan Uji');
    expect(info.getRow(1).getCell(1).font).toMatchObject({ bold: true, size: 14 });
    expect(info.getRow(2).getCell(1).font).toMatchObject({ bold: true });
    expect(info.getRow(3).getCell(2).value).toEqual(made);
    expect(info.getRow(3).getCell(2).numFmt).toBe('dd/mm/yyyy hh:mm');
    expect(info.getColumn(2).width).toBe(70);

    const t = wb.getWorksheet('T')!;
    expect(t.getRow(1).getCell(1).font).toMatchObject({ bold: true });
    expect(t.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(t.getRow(3).getCell(2).alignment).toMatchObject({ horizontal: 'right' }); // "<3" beside numbers

    const ws = wb.getWorksheet('Orang  daftar baru')!;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    expect(ws.getRow(2).values).toEqual([undefined, '#affected+id', '#date+start', '#date', '#affected+name']);
    expect(ws.getRow(2).getCell(1).font).toMatchObject({ italic: true });
    const nik = ws.getRow(3).getCell(1);
    expect(nik.value).toBe('3171014509870007');
    expect(nik.type).toBe(ExcelJS.ValueType.String);
    expect(nik.numFmt).toBe('@');
    expect(ws.getRow(3).getCell(2).value).toEqual(new Date('2026-03-01T00:00:00Z'));
    expect(ws.getRow(3).getCell(2).numFmt).toBe('dd/mm/yyyy');
    expect(ws.getRow(3).getCell(3).value).toEqual(new Date('2026-03-01T09:30:00Z')); // the WITA wall clock
    expect(ws.getRow(3).getCell(4).value).toBe('Siti & <Ani>');
    expect(ws.getColumn(1).width).toBe(20);
    expect(wb.getWorksheet('T 2')!.rowCount).toBe(1);
  });
});

describe('CSV injection (issue 11, finding 10)', () => {
  const hostile = ['=HYPERLINK("http://evil.example","klik")', '+62 812', '-2+3', '@SUM(A1:A9)', '\t=1+1', '\r=1+1', 'Budi =ok'];
  const table: ExportTable = {
    sheet: 'T',
    title: 'T',
    published: false,
    columns: [
      { key: 'name', header: 'Nama', type: 'text' },
      { key: 'n', header: 'Angka', type: 'int' },
    ],
    rows: hostile.map((name, i) => ({ name, n: -i })),
  };

  it('a text cell that starts like a formula is written as text, in the CSV and the workbook; numbers stay numbers', async () => {
    const rows = parse(toCsv(table), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.Nama)).toEqual([
      `'=HYPERLINK("http://evil.example","klik")`,
      "'+62 812",
      "'-2+3",
      "'@SUM(A1:A9)",
      "'\t=1+1",
      "'\r=1+1",
      'Budi =ok',
    ]);
    expect(rows[2]!.Angka).toBe('-2');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await toXlsx([table], { title: 'Uji', info: [['Dibuat oleh', '=cmd|calc']] })) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('T')!;
    expect(ws.getRow(2).getCell(1).value).toBe(`'=HYPERLINK("http://evil.example","klik")`);
    expect(ws.getRow(5).getCell(1).value).toBe("'@SUM(A1:A9)");
    expect(ws.getRow(4).getCell(2).value).toBe(-2);
    expect(wb.getWorksheet('Info')!.getRow(2).getCell(2).value).toBe("'=cmd|calc");
  });
});

describe('referrals', () => {
  it('counts a yes as accepted even when the referral was cancelled later, and groups reasons as written', () => {
    expect(wasAccepted({ status: 'CANCELLED', decidedAt: '2026-03-01T00:00:00Z' })).toBe(true);
    expect(wasAccepted({ status: 'CANCELLED', decidedAt: null })).toBe(false);
    expect(wasAccepted({ status: 'REFUSED', decidedAt: '2026-03-01T00:00:00Z' })).toBe(false);
    expect(groupReasons(['Penuh', ' penuh', 'Tidak ada layanan  bersalin', 'PENUH'])).toEqual([
      { reason: 'Penuh', count: 3 },
      { reason: 'Tidak ada layanan bersalin', count: 1 },
    ]);
  });
});

