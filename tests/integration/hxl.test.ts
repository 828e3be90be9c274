import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { parse } from 'csv-parse/sync';
import type { Db } from '../../src/db/client.ts';
import { suppressCells } from '../../src/domain/reports/suppress.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit } from '../helpers/factories.ts';
import { bearer, type Call } from '../helpers/session.ts';

/**
 * The occupancy HXL export read back as HXL tools read it: the hashtag row is
 * the first row whose every non-empty cell is a hashtag with attributes
 * (HXL 1.1 "hashtag row"); each column is then found by its tag, never by its
 * position or header text.
 */
const HASHTAG = /^#[a-z][a-z0-9_]*(\s*\+[a-z][a-z0-9_]*)*$/i;
function readHxl(body: string) {
  const rows = parse(body, { skip_empty_lines: true, relax_column_count: true }) as string[][];
  const at = rows.findIndex((r) => r.some((c) => c !== '') && r.every((c) => c === '' || HASHTAG.test(c.trim())));
  if (at < 0) throw new Error('no HXL hashtag row');
  const tags = rows[at]!.map((c) => c.trim());
  const data = rows.slice(at + 1).map((r) => Object.fromEntries(tags.map((tag, i) => [tag, r[i] ?? ''])));
  return { tags, data };
}
const NUMERIC = ['#capacity+num+total', '#capacity+num+blocked', '#capacity+num+usable', '#affected+ind', '#affected+ind+f', '#affected+ind+m', '#affected+ind+children', '#affected+ind+elderly', '#capacity+num+held', '#capacity+num+free', '#indicator+pct+load', '#geo+lat', '#geo+lon'];

let app: FastifyInstance;
let db: Db;
let command: Call;
let jakartaId: string;

async function place(desk: Call, unitId: string, people: { name: string; sex: 'L' | 'P'; age: number }[]) {
  for (const p of people) {
    const reg = await desk('POST', '/api/v1/residents', { persons: [{ name: p.name, sex: p.sex, estimated_age: p.age }], confirm_new: true });
    expect(reg.statusCode).toBe(201);
    const id = (reg.json() as { persons: { id: string }[] }).persons[0]!.id;
    const stay = await desk('POST', '/api/v1/stays', { person_id: id, unit_id: unitId });
    expect(stay.statusCode).toBe(201);
  }
}

beforeAll(async () => {
  ({ app, db } = await makeTestApp());
  // Jakarta Selatan (Kepmendagri 31.74, P-code ID3171): 2 women and 3 men, one a child, one elderly.
  const big = await makeFacility(db, { code: 'HXL-JKS', wilayahCode: '31.74', lat: -6.2615, lng: 106.8106 });
  jakartaId = big.id;
  const bigUnit = await makeUnit(db, big.id, { capacity: 15 });
  await place(bearer(app, await makeToken(db, 'intake', { facility: big.id })), bigUnit.id, [
    { name: 'Sari Satu', sex: 'P', age: 30 },
    { name: 'Rina Dua', sex: 'P', age: 65 },
    { name: 'Agus Empat', sex: 'L', age: 40 },
    { name: 'Joko Lima', sex: 'L', age: 41 },
  ]);
  // A child alone stays in a children's unit (placement rules), of the same facility.
  const childrenUnit = await makeUnit(db, big.id, { capacity: 5, admits: 'children' });
  await place(bearer(app, await makeToken(db, 'intake', { facility: big.id })), childrenUnit.id, [{ name: 'Budi Tiga', sex: 'L', age: 12 }]);
  // Kota Jayapura (Kepmendagri 91.71, P-code ID9471, province Papua 91 → ID94): one man only.
  const small = await makeFacility(db, { code: 'HXL-JYP', wilayahCode: '91.71' });
  const smallUnit = await makeUnit(db, small.id, { capacity: 10 });
  await place(bearer(app, await makeToken(db, 'intake', { facility: small.id })), smallUnit.id, [{ name: 'Yulius Enam', sex: 'L', age: 50 }]);
  command = bearer(app, await makeToken(db, 'command'));
});
afterAll(async () => app?.close());

describe('occupancy as HXL, for API tokens', () => {
  it('is served to a command token under /api/v1/reports, and refused to a desk token', async () => {
    const res = await command('GET', '/api/v1/reports/occupancy.hxl.csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const intake = await bearer(app, await makeToken(db, 'intake', { facility: jakartaId }))('GET', '/api/v1/reports/occupancy.hxl.csv');
    expect(intake.statusCode).toBe(403);
    expect(intake.headers['content-type']).toMatch(/^application\/problem\+json/);
    const nobody = await app.inject({ method: 'GET', url: '/api/v1/reports/occupancy.hxl.csv' });
    expect(nobody.statusCode).toBe(401);
  });

  it('reads back as HXL: P-codes, the tags partners expect, and numbers only in numeric columns', async () => {
    const { tags, data } = readHxl((await command('GET', '/api/v1/reports/occupancy.hxl.csv')).body);
    expect(tags).toEqual(expect.arrayContaining(['#date+reported', '#adm1+code', '#adm2+code', '#loc+code', ...NUMERIC, '#meta+note']));
    expect(tags).not.toContain('#inneed+num+referred');
    for (const row of data) for (const tag of NUMERIC) expect(row[tag] === '' || Number.isFinite(Number(row[tag])), `${tag}=${row[tag]}`).toBe(true);
    const jks = data.find((r) => r['#loc+code'] === 'HXL-JKS')!;
    expect(jks).toMatchObject({ '#adm1+code': 'ID31', '#adm2+code': 'ID3171', '#geo+lat': '-6.2615', '#geo+lon': '106.8106' });
    // 5 people: 2 women (suppressed: 1–2), so 3 men would give them away by subtraction: both blank.
    expect(jks['#affected+ind']).toBe('5');
    expect(jks['#affected+ind+f']).toBe('');
    expect(jks['#affected+ind+m']).toBe('');
    expect(jks['#affected+ind+children']).toBe(''); // 1 child
    expect(jks['#affected+ind+elderly']).toBe(''); // 1 elderly
    expect(jks['#capacity+num+free']).toBe('15');
    expect(jks['#meta+note']).not.toBe('');
    const jyp = data.find((r) => r['#loc+code'] === 'HXL-JYP')!;
    expect(jyp['#adm1+code']).toBe('ID94');
    expect(jyp['#adm2+code']).toBe('ID9471');
    // One person: blank, and so is what would give it back (usable − held − free, and the load).
    expect(jyp['#affected+ind']).toBe('');
    expect(jyp['#capacity+num+usable']).toBe('10');
    expect(jyp['#capacity+num+held'] === '' || jyp['#capacity+num+free'] === '').toBe(true);
    expect(jyp['#indicator+pct+load']).toBe('');
  });

  it('leaves no blank cell that the row\'s published cells give back by adding or subtracting', async () => {
    const { data } = readHxl((await command('GET', '/api/v1/reports/occupancy.hxl.csv')).body);
    const n = (v: string | undefined) => (v === '' || v === undefined ? null : Number(v));
    for (const row of data) {
      const groups = [
        [row['#affected+ind'], row['#affected+ind+f'], row['#affected+ind+m']],
        [row['#capacity+num+usable'], row['#affected+ind'], row['#capacity+num+held'], row['#capacity+num+free']],
      ];
      for (const g of groups) expect(g.map(n).filter((v) => v === null).length).not.toBe(1);
    }
  });

  it('serves the other report exports to tokens too, and a bad date is a 422 problem', async () => {
    const csv = await command('GET', '/api/v1/reports/census.csv?from=2026-03-01&to=2026-03-05');
    expect(csv.statusCode).toBe(200);
    expect(csv.body.length).toBeGreaterThan(0);
    const bad = await command('GET', '/api/v1/reports/census.csv?from=kemarin');
    expect(bad.statusCode).toBe(422);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((bad.json() as { errors: { path: string }[] }).errors[0]!.path).toBe('from');
  });
});

describe('suppression that subtraction cannot undo', () => {
  const rules = { people: ['total', 'f', 'm'], relations: [{ total: 'total', parts: ['f', 'm'] }] };
  it('blanks 1–2, and the smallest other part when one blank would be given back', () => {
    expect([...suppressCells({ total: 10, f: 2, m: 8 }, rules)].sort()).toEqual(['f', 'm']);
    expect([...suppressCells({ total: 10, f: 0, m: 10 }, rules)]).toEqual([]);
    expect([...suppressCells({ total: 4, f: 2, m: 2 }, rules)].sort()).toEqual(['f', 'm']);
    // Total and part both 1–2: two blanks in the relation, and the published 0 only says they are equal.
    expect([...suppressCells({ total: 2, f: 0, m: 2 }, rules)].sort()).toEqual(['m', 'total']);
    expect([...suppressCells({ total: 3, f: 1, m: 2 }, rules)].sort()).toEqual(['f', 'm']);
  });
});
