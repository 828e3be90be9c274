/**
 * Names as a desk officer types them vary: "Moch. Rizki", "Muhamad Rizky",
 * "H. Muhammad Rizki, S.E.", "Soekarno"/"Sukarno", "Djoko"/"Joko". The key
 * below folds those variants together so that the same person is found again
 * however they were spelt; persons.search_key holds it and persons_fts
 * indexes it with trigrams.
 *
 * Pure functions: no database, no I/O.
 */

/** Honorifics and titles that are not part of the name. */
const TITLES = new Set([
  'h', 'hj', 'haji', 'hajah', 'hajjah',
  'bapak', 'bpk', 'bp', 'pak', 'ibu', 'bu', 'ib',
  'sdr', 'sdri', 'saudara', 'saudari', 'nyonya', 'ny', 'nn', 'nona', 'tuan', 'tn',
  'mas', 'mbak', 'mba', 'kak', 'dik', 'adik', 'bang', 'abang', 'om', 'tante', 'oma', 'opa', 'mbah', 'nenek', 'kakek', 'engkong',
  'kh', 'kyai', 'kiai', 'ust', 'ustad', 'ustadz', 'ustaz', 'ustazah', 'ustadzah',
  'dr', 'drs', 'dra', 'ir', 'prof', 'almarhum', 'alm', 'almh',
]);

/** Muhammad and its spellings and abbreviations (checked on the raw, lower-cased token). */
const MUHAMMAD = /^(m[uo](c?h|kh)?am+[ae][dt]|moch|mokh|moh|mohd|muh|mhd|md)$/;
export const MUHAMMAD_KEY = 'mhd';

/** Old (Van Ophuijsen / Soewandi) spellings and common transliteration variants, in order. */
const SPELLING: [RegExp, string][] = [
  [/oe/g, 'u'], // Soekarno → Sukarno
  [/dj/g, 'j'], // Djoko → Joko
  [/tj/g, 'c'], // Tjahjo → Cahjo → (j→y) Cahyo
  [/ch/g, 'kh'], // Chairul → Khairul
  // Old j is today's y (Soerabaja → Surabaya); folding both to y keeps Djoko/Joko together.
  [/j/g, 'y'],
  [/dh/g, 'd'], // Ramadhan → Ramadan
  [/th/g, 't'],
  [/ph/g, 'f'],
  [/q/g, 'k'], // Rizqi → Rizki
  // A y that is not followed by a vowel is an i: Rizky → Rizki, Dewy → Dewi.
  [/y(?![aeiou])/g, 'i'],
];

function foldToken(token: string): string {
  let t = token;
  for (const [re, to] of SPELLING) t = t.replace(re, to);
  // Doubled letters: Muhammad → Muhamad, Abdullah → Abdulah, Yusuff → Yusuf.
  return t.replace(/([a-z])\1+/g, '$1');
}

/** The matching key of one name: lower case, no titles or degrees, variants folded, single spaces. */
export function normaliseName(raw: string | null | undefined): string {
  if (!raw) return '';
  // Degrees follow a comma: "Budi Santoso, S.Pd." → "Budi Santoso".
  const beforeComma = raw.split(',')[0] ?? '';
  const plain = beforeComma
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’`‘]/g, '') // Ma'ruf → maruf
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  if (!plain) return '';
  const tokens = plain.split(' ');
  const named = tokens.filter((t) => !TITLES.has(t));
  // A name made only of titles ("Pak Haji") keeps what was typed rather than nothing.
  const kept = named.length > 0 ? named : tokens;
  return kept
    .map((t, i) => (MUHAMMAD.test(t) || (t === 'm' && i === 0 && kept.length > 1) ? MUHAMMAD_KEY : foldToken(t)))
    .join(' ');
}

/** persons.search_key: the folded name and alias, side by side. */
export function searchKeyFor(name: string | null | undefined, alias: string | null | undefined): string {
  return [normaliseName(name), normaliseName(alias)].filter(Boolean).join(' ');
}

/** Levenshtein distance, for short tokens. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev[b.length]!;
}

function tokenSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  // One letter is an initial: "S." matches Siti only weakly.
  if (a.length === 1 || b.length === 1) return a[0] === b[0] ? 0.5 : 0;
  return 1 - editDistance(a, b) / Math.max(a.length, b.length);
}

/**
 * How alike two normalised names are, 0..1. Each token of the shorter name is
 * matched to its closest token in the longer one; tokens weigh by length, and
 * a matched "mhd" (shared by a great many names) weighs little. A missing extra token
 * ("Mhd Rizki" vs "Mhd Rizki Pratama") costs a little, a different name a lot.
 */
export function nameSimilarity(keyA: string, keyB: string): number {
  if (!keyA || !keyB) return 0;
  if (keyA === keyB) return 1;
  let a = keyA.split(' ');
  let b = keyB.split(' ');
  if (a.length > b.length) [a, b] = [b, a];
  // "mhd" matched says little (so many names have it); "mhd" unmatched says a lot:
  // Muhammad Rizki is not Rizki Amelia.
  const weight = (t: string, matched: boolean) => (t === MUHAMMAD_KEY && matched ? 1 : Math.max(t.length, 2, t === MUHAMMAD_KEY ? 5 : 0));
  let total = 0;
  let got = 0;
  const used = new Set<number>();
  for (const t of a) {
    let best = 0;
    let bestJ = -1;
    b.forEach((u, j) => {
      if (used.has(j)) return;
      const s = tokenSimilarity(t, u);
      if (s > best) {
        best = s;
        bestJ = j;
      }
    });
    if (bestJ >= 0) used.add(bestJ);
    const w = weight(t, best >= 0.5);
    total += w;
    got += w * best;
  }
  const coverage = a.length / b.length;
  return (got / total) * (0.85 + 0.15 * coverage);
}

/** At or above this, two names are a possible match. */
export const NAME_MATCH_THRESHOLD = 0.8;

/** The name people read: the name, else the description, else the code. */
export function displayName(p: { name: string | null; description: string | null; residentCode: string }): string {
  return p.name ?? p.description ?? p.residentCode;
}
