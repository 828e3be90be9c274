/**
 * Bed labels where a unit names its beds: the pattern "M-{n}" gives M-1 …
 * M-capacity. Without {n} the pattern is a prefix ("Kasur " → Kasur 1 …).
 */
export function bedLabels(pattern: string, capacity: number): string[] {
  const out: string[] = [];
  for (let i = 1; i <= capacity; i++) out.push(pattern.includes('{n}') ? pattern.replace('{n}', String(i)) : `${pattern}${i}`);
  return out;
}
