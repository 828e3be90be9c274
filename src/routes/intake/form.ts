/**
 * HTML forms send flat fields ("persons.1.name", repeated "persons.1.disabilities");
 * the domain takes the same shape as the JSON API. Field names are the dotted
 * paths of the zod schema, so a validation error's path names its field.
 */
const UNSAFE = new Set(['__proto__', 'prototype', 'constructor']);
const MAX_INDEX = 50;

export function unflatten(body: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!body || typeof body !== 'object') return out;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const parts = key.split('.');
    if (parts.some((p) => UNSAFE.has(p) || p === '')) continue;
    if (parts.some((p) => /^\d+$/.test(p) && Number(p) > MAX_INDEX)) continue;
    let cur: Record<string, unknown> | unknown[] = out;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const container = cur as Record<string, unknown>;
      if (i === parts.length - 1) {
        container[part] = value;
        break;
      }
      const nextIsIndex = /^\d+$/.test(parts[i + 1]!);
      const existing = container[part];
      if (existing === null || typeof existing !== 'object') container[part] = nextIsIndex ? [] : {};
      cur = container[part] as Record<string, unknown>;
    }
  }
  // Holes left by a removed member close up.
  for (const [k, v] of Object.entries(out)) if (Array.isArray(v)) out[k] = v.filter((x) => x !== undefined);
  return out;
}

/** A form field's value as the template re-renders it. */
export type FormValues = Record<string, unknown>;
