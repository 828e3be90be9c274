import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { openTestDatabase, TEST_ENGINE } from '../helpers/app.ts';
import { randomUUID } from 'node:crypto';
import { write, type Db } from '../../src/db/client.ts';
import { persons } from '../../src/db/schema/index.ts';
import { findDuplicates, nameNeighbours, personChangeMark, personsChangedSince, scoreDuplicates, trigramQuery } from '../../src/domain/residents/duplicates.ts';
import { nameKeyCandidates, searchTokens } from '../../src/domain/residents/search-sql.ts';
import { audit } from '../../src/domain/audit.ts';
import { SYSTEM_ACTOR } from '../../src/domain/actor.ts';
import { sql } from 'drizzle-orm';
import { searchKeyFor } from '../../src/domain/persons/names.ts';

const today = '2026-03-15';

/** A stored person as the intake leaves one: the folded key set, so persons_fts indexes it. */
async function person(db: Db, o: { name: string; sex: 'L' | 'P'; age?: number; nik?: string; alias?: string }) {
  const id = randomUUID();
  await write(db, async (tx) => {
    await tx
      .insert(persons)
      .values({
        id,
        residentCode: `SGH-${id.slice(0, 6).toUpperCase()}`,
        name: o.name,
        alias: o.alias ?? null,
        searchKey: searchKeyFor(o.name, o.alias),
        sex: o.sex,
        nik: o.nik ?? null,
        estimatedAge: o.age ?? null,
        estimatedAt: o.age !== undefined ? today : null,
        createdAt: today,
        updatedAt: today,
      })
      .run();
    // As every verb that changes a person does (residents/duplicates.ts personsChangedSince reads it).
    await audit(tx, SYSTEM_ACTOR, { action: 'person.create', entity: 'person', entityId: id, at: today });
  });
  return id;
}

describe('duplicate candidates (the trigram index + scoring, real database)', () => {
  let db: Db;
  let rizki: string;
  beforeAll(async () => {
    db = await openTestDatabase();
    rizki = await person(db, { name: 'Muhammad Rizki', sex: 'L', age: 30 });
    await person(db, { name: 'Budi Santoso', sex: 'L', age: 31 });
    await person(db, { name: 'Muhammad Rizal', sex: 'L', age: 30 });
    await person(db, { name: 'Rizki Amelia', sex: 'P', age: 30 });
    await person(db, { name: 'Siti Aminah', sex: 'P', age: 45, nik: '3171015205800001' });
  });
  afterAll(async () => {
    await db.$engine.close();
  });

  it.each(['Muhammad Rizki', 'Muhamad Rizky', 'Moch. Rizki', 'M. Rizqi', 'H. Mohammad Rizky'])('finds Muhammad Rizki when "%s" arrives', async (name) => {
    const found = await findDuplicates(db, { name, sex: 'L', estimatedAge: 32, estimatedAt: today }, { today });
    expect(found.map((c) => c.id)).toEqual([rizki]);
    expect(found[0]).toMatchObject({ certain: false, name: 'Muhammad Rizki', age: 30 });
  });

  it('finds nobody for a different person', async () => {
    expect(await findDuplicates(db, { name: 'Agus Salim', sex: 'L', estimatedAge: 30 }, { today })).toEqual([]);
    expect(await findDuplicates(db, { name: 'Dewi Lestari', sex: 'P' }, { today })).toEqual([]);
  });

  it('needs the same sex and an age within ten years', async () => {
    expect(await findDuplicates(db, { name: 'Muhammad Rizki', sex: 'P', estimatedAge: 30 }, { today })).toEqual([]);
    expect(await findDuplicates(db, { name: 'Muhammad Rizki', sex: 'L', estimatedAge: 55, estimatedAt: today }, { today })).toEqual([]);
    // Unknown age: the name and sex decide.
    expect((await findDuplicates(db, { name: 'Muhamad Rizki', sex: 'L' }, { today })).map((c) => c.id)).toEqual([rizki]);
  });

  it('treats the same NIK as certain, whatever the name, and masks it', async () => {
    const found = await findDuplicates(db, { name: 'Ibu Aminah', sex: 'P', nik: '3171015205800001' }, { today });
    expect(found[0]).toMatchObject({ certain: true, name: 'Siti Aminah', nik_masked: '3171********0001' });
  });

  it('scores, in the write, a person registered after its slow read began', async () => {
    const probe = { name: 'Sulastri Wulandari', sex: 'P' as const, estimatedAge: 40, estimatedAt: today };
    const mark = await personChangeMark(db);
    const near = await nameNeighbours(db, probe);
    expect(near).toEqual([]);
    // Another desk registers her between this desk's read and its write.
    const other = await person(db, { name: 'Sulastri Wulandary', sex: 'P', age: 41 });
    const found = await write(db, async (tx) => await scoreDuplicates(tx, probe, [...near, ...(await personsChangedSince(tx, mark))], { today }));
    expect(found.map((c) => c.id)).toEqual([other]);
  });

  // The index-backed form (`probe <% search_key`, its threshold set per connection) gives the candidates
  // the plain comparison gave, which scanned every person.
  it.runIf(TEST_ENGINE === 'postgres')('gives, through the trigram index, the same candidates as word_similarity > 0.2', async () => {
    for (const name of ['Rizkiyah Putri', 'Amin Rais', 'Aminuddin', 'Sri Mulyani', 'Rizal Ramli', 'Santosa Budiono', 'Budiarto']) await person(db, { name, sex: 'L' });
    let below = 0;
    for (const key of ['rizki', 'siti aminah', 'budi santoso', 'mhd rizal', 'mulyani', 'amin']) {
      const viaIndex = await db.all<{ id: string }>(sql`select p.id from persons p where ${nameKeyCandidates(db, key, 200)!} order by p.id`);
      const probe = searchTokens(key).join(' ');
      const plain = await db.all<{ id: string; s: number }>(sql`select id, word_similarity(${probe}, search_key) as s from persons where word_similarity(${probe}, search_key) > 0.2 order by id`);
      expect(viaIndex.map((r) => r.id)).toEqual(plain.map((r) => r.id));
      below += plain.filter((r) => r.s < 0.6).length;
    }
    // Some of them lie under pg_trgm's default threshold (0.6): the connection's own setting is what finds them.
    expect(below).toBeGreaterThan(0);
  });

  it('queries the index by the trigrams of the distinctive tokens', () => {
    expect(trigramQuery('mhd rizki')).toBe('search_key : ("riz" OR "izk" OR "zki")');
    expect(trigramQuery('mhd')).toBe('search_key : ("mhd")');
    expect(trigramQuery('al')).toBeNull();
  });
});
