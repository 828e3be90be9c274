import { describe, it, expect } from 'vitest';
import { normaliseName, searchKeyFor, nameSimilarity, NAME_MATCH_THRESHOLD } from '../../src/domain/persons/names.ts';

describe('name normaliser', () => {
  it.each([
    ['Muhammad Rizki', 'mhd rizki'],
    ['Muhamad Rizky', 'mhd rizki'],
    ['Moch. Rizki', 'mhd rizki'],
    ['Moh. Rizki', 'mhd rizki'],
    ['Muh Rizqi', 'mhd rizki'],
    ['M. Rizki', 'mhd rizki'],
    ['Mohammad  RIZKI', 'mhd rizki'],
    ['Mochammad Rizky', 'mhd rizki'],
  ])('folds the Muhammad variants: %s', (raw, key) => {
    expect(normaliseName(raw)).toBe(key);
  });

  it('drops titles and degrees', () => {
    expect(normaliseName('H. Ahmad Dahlan')).toBe(normaliseName('Ahmad Dahlan'));
    expect(normaliseName('Hj. Siti Aminah')).toBe('siti aminah');
    expect(normaliseName('Ibu Siti Aminah')).toBe('siti aminah');
    expect(normaliseName('Bu Siti')).toBe('siti');
    expect(normaliseName('Bapak Budi Santoso, S.Pd.')).toBe('budi santoso');
    expect(normaliseName('Pak Budi')).toBe('budi');
  });

  it('folds old spellings: oe→u, dj→j, tj→c, ch→kh, old j = y', () => {
    expect(normaliseName('Soekarno')).toBe(normaliseName('Sukarno'));
    expect(normaliseName('Djoko Susilo')).toBe(normaliseName('Joko Susilo'));
    expect(normaliseName('Tjahjo')).toBe(normaliseName('Cahyo'));
    expect(normaliseName('Chairul')).toBe(normaliseName('Khairul'));
    expect(normaliseName('Soerabaja')).toBe(normaliseName('Surabaya'));
  });

  it('collapses doubled letters and spaces, and reads y before a consonant as i', () => {
    expect(normaliseName('Abdullah')).toBe(normaliseName('Abdulah'));
    expect(normaliseName('  Dewi   Lestari ')).toBe('dewi lestari');
    expect(normaliseName('Dewy')).toBe('dewi');
    expect(normaliseName('Yusuf')).toBe('yusuf');
  });

  it('keeps a name made only of titles rather than nothing', () => {
    expect(normaliseName('Pak Haji')).not.toBe('');
    expect(normaliseName('')).toBe('');
    expect(normaliseName(null)).toBe('');
  });

  it('builds the search key from name and alias', () => {
    expect(searchKeyFor('Moch. Rizki', 'Kiki')).toBe('mhd rizki kiki');
    expect(searchKeyFor(null, 'Ucok')).toBe('ucok');
  });
});

describe('name similarity', () => {
  const sim = (a: string, b: string) => nameSimilarity(normaliseName(a), normaliseName(b));
  it('finds spelling variants alike', () => {
    expect(sim('Muhammad Rizki', 'Muhamad Rizky')).toBe(1);
    expect(sim('Muhammad Rizki', 'Moch. Rizki')).toBe(1);
    expect(sim('Siti Nurhaliza', 'Siti Nurhalisa')).toBeGreaterThanOrEqual(NAME_MATCH_THRESHOLD);
    expect(sim('Muhammad Rizki', 'Muhammad Rizki Pratama')).toBeGreaterThanOrEqual(NAME_MATCH_THRESHOLD);
    expect(sim('Muhammad Rizki', 'Rizki')).toBeGreaterThanOrEqual(NAME_MATCH_THRESHOLD);
    expect(sim('Rizki Muhammad', 'Muhammad Rizki')).toBe(1);
  });
  it('keeps different people apart', () => {
    expect(sim('Muhammad Rizki', 'Budi Santoso')).toBeLessThan(NAME_MATCH_THRESHOLD);
    expect(sim('Muhammad Rizki', 'Muhammad Rizal')).toBeLessThan(NAME_MATCH_THRESHOLD);
    expect(sim('Siti Aminah', 'Siti Aisyah')).toBeLessThan(NAME_MATCH_THRESHOLD);
    expect(sim('Muhammad Rizki', 'Muhammad Ali')).toBeLessThan(NAME_MATCH_THRESHOLD);
    expect(sim('Muhammad Rizki', 'Rizki Amelia')).toBeLessThan(NAME_MATCH_THRESHOLD);
  });
});
