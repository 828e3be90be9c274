import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../src/db/client.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit } from '../helpers/factories.ts';
import { bearer, type Call } from '../helpers/session.ts';

/**
 * "Contains what was typed" over name, alias and description is answered by
 * an index on both engines (SQLite persons_fts, PostgreSQL trigram indexes;
 * issue 14), and must keep finding what the table scan found: any case, any
 * part of the words, and the record as it is after a correction.
 */
let app: FastifyInstance;
let db: Db;
let desk: Call;

beforeAll(async () => {
  ({ app, db } = await makeTestApp());
  const tps = await makeFacility(db, { kind: 'TPS' });
  await makeUnit(db, tps.id, { capacity: 10 });
  desk = bearer(app, await makeToken(db, 'admin'));
});
afterAll(async () => app?.close());

const found = async (q: string) =>
  ((await desk('GET', `/api/v1/residents?q=${encodeURIComponent(q)}`)).json() as { residents: { id: string }[] }).residents.map((r) => r.id);

describe('name, alias and description search', () => {
  it('finds any part of the words, in any case, and follows a correction', async () => {
    const reg = await desk('POST', '/api/v1/residents', {
      persons: [
        { name: 'Kartolo Wiryosentono', alias: 'Pak Kumis', sex: 'L', estimated_age: 60 },
        { description: 'Laki-laki, kaos MERAH, bertopi', sex: 'L', estimated_age: 35 },
      ],
      confirm_new: true,
    });
    expect(reg.statusCode, reg.body).toBe(201);
    const [kartolo, unknown] = (reg.json() as { persons: { id: string; version?: number }[] }).persons.map((p) => p.id) as [string, string];
    expect(await found('RYOSEN')).toContain(kartolo); // inside a word, other case
    expect(await found('kumis')).toContain(kartolo); // the alias
    expect(await found('kaos merah')).toContain(unknown); // the description, across a space
    expect(await found('100%')).toEqual([]); // a % is not a wildcard
    expect(await found('zq"xv')).toEqual([]); // a quote is a character, not the index's syntax
    expect(await found('Wiryo')).toEqual([kartolo]); // what was typed, however the index is asked
    const read = (await desk('GET', `/api/v1/residents/${kartolo}`)).json() as { resident: { version: number } };
    const patch = await desk('PATCH', `/api/v1/residents/${kartolo}`, { version: read.resident.version, alias: 'Mbah Brewok' });
    expect(patch.statusCode, patch.body).toBe(200);
    expect(await found('brewok')).toContain(kartolo);
    expect(await found('kumis')).not.toContain(kartolo);
  });
});
