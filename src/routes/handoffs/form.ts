import { toWib } from '../../lib/time.ts';

/**
 * HTML forms send flat fields ("operation.place", "persons.2.needs"); the
 * verbs take the JSON API's nested shape. Field names are the zod paths, so a
 * validation error's path names its field.
 */
const UNSAFE = new Set(['__proto__', 'prototype', 'constructor']);
const MAX_INDEX = 200;

export function unflatten(body: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!body || typeof body !== 'object') return out;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const parts = key.split('.');
    if (parts.some((p) => p === '' || UNSAFE.has(p) || (/^\d+$/.test(p) && Number(p) > MAX_INDEX))) continue;
    let cur = out;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) {
        cur[part] = value;
        return;
      }
      const next = cur[part];
      if (next === null || typeof next !== 'object') cur[part] = /^\d+$/.test(parts[i + 1]!) ? [] : {};
      cur = cur[part] as Record<string, unknown>;
    });
  }
  // A removed person leaves a hole in the numbering: close it up.
  for (const [k, v] of Object.entries(out)) if (Array.isArray(v)) out[k] = v.filter((x) => x !== undefined && x !== null);
  return out;
}

export type Member = Record<string, unknown>;
export interface HandoffForm {
  operation: Record<string, unknown>;
  facility_id?: unknown;
  persons: Member[];
}

export const MAX_FORM_PERSONS = 60;

/** Now, as a phone's datetime-local field shows it in WIB. */
export function nowLocalWib(): string {
  return toWib(new Date().toISOString())!.slice(0, 16);
}

export function blankForm(wilayahCode: string | null): HandoffForm {
  return {
    operation: { at: nowLocalWib(), wilayah_code: wilayahCode ?? '' },
    persons: [{}],
  };
}

export function formFromBody(body: unknown): HandoffForm & { step: string } {
  const b = unflatten(body);
  const persons = (Array.isArray(b.persons) ? b.persons : []).filter((m): m is Member => !!m && typeof m === 'object').slice(0, MAX_FORM_PERSONS);
  return {
    step: typeof b.step === 'string' ? b.step : 'save',
    operation: b.operation && typeof b.operation === 'object' && !Array.isArray(b.operation) ? (b.operation as Record<string, unknown>) : {},
    facility_id: b.facility_id,
    persons: persons.length ? persons : [{}],
  };
}

/** The form as the verb's input: the same shape as POST /api/v1/handoffs. */
export function inputFromForm(form: HandoffForm) {
  return { operation: form.operation, facility_id: form.facility_id, persons: form.persons };
}
