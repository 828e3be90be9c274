import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { openTestDatabase } from '../helpers/app.ts';
import { randomUUID } from 'node:crypto';
import { write, type Db } from '../../src/db/client.ts';
import { persons } from '../../src/db/schema/index.ts';
import { findDuplicates, trigramQuery } from '../../src/domain/residents/duplicates.ts';
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
  });
  return id;
}

describe('duplicate candidates (persons_fts trigram index + scoring, real SQLite)', () => {
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

  it('queries the index by the trigrams of the distinctive tokens', () => {
    expect(trigramQuery('mhd rizki')).toBe('search_key : ("riz" OR "izk" OR "zki")');
    expect(trigramQuery('mhd')).toBe('search_key : ("mhd")');
    expect(trigramQuery('al')).toBeNull();
  });
});
