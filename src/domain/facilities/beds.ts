import { BED_PATTERN_TOKEN } from './inputs.ts';

/** The names of a unit's beds from its scheme: "M-{n}" and 3 → M-1, M-2, M-3. No scheme: beds are not named. */
export function bedLabels(pattern: string | null | undefined, capacity: number): string[] {
  if (!pattern) return [];
  return Array.from({ length: capacity }, (_, i) => pattern.replace(BED_PATTERN_TOKEN, String(i + 1)));
}

/** Whether a label belongs to the scheme of a unit of this capacity. */
export function isBedLabel(pattern: string | null | undefined, capacity: number, label: string): boolean {
  return bedLabels(pattern, capacity).includes(label);
}
