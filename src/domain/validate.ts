import { z } from 'zod';
import { zodLocale, type Lang } from '../i18n/index.ts';
import { DomainError, type FieldError } from './errors.ts';

/**
 * Validate input against its zod schema; on failure throw one VALIDATION
 * error with a message per bad field, in the actor's language (schema-level
 * messages are i18n keys and are translated by the transport).
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, lang: Lang = 'id'): z.infer<S> {
  const result = schema.safeParse(input, { error: zodLocale[lang] });
  if (result.success) return result.data;
  throw new DomainError('VALIDATION', 'error.validation', undefined, zodIssuesToFieldErrors(result.error.issues));
}

export function zodIssuesToFieldErrors(issues: z.core.$ZodIssue[]): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const issue of issues) {
    const path = issue.path.map(String).join('.');
    if (seen.has(path)) continue; // one message per field is what a person can act on
    seen.add(path);
    const params: Record<string, unknown> = {};
    if ('maximum' in issue) params.max = issue.maximum;
    if ('minimum' in issue) params.min = issue.minimum;
    // A custom check may name values for its message ("{length} entered").
    if (issue.code === 'custom' && issue.params) Object.assign(params, issue.params);
    out.push({ path, message: issue.message, params });
  }
  return out;
}

// ---- helpers for inputs that come from HTML forms as well as JSON ----

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const trimmed = (v: unknown) => (typeof v === 'string' ? v.trim() : v);

/** A required trimmed string. */
export const text = (max = 200) =>
  z.preprocess(trimmed, z.string({ error: 'field.required' }).min(1, 'field.required').max(max, 'field.too_long'));

/** An optional trimmed string: blank becomes undefined. */
export const optionalText = (max = 200) =>
  z.preprocess((v) => blankToUndefined(trimmed(v)), z.string().max(max, 'field.too_long').optional());

/** A checkbox: "on"/"true"/"1"/true are true; absent is false. */
export const checkbox = () =>
  z.preprocess((v) => v === true || v === 'on' || v === 'true' || v === '1' || v === 1, z.boolean());

/** A list from repeated form fields or a JSON array; absent is empty. */
export const list = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(item));

/** An optional integer from a form string or a JSON number. */
export const optionalInt = (min: number, max: number) =>
  z.preprocess(
    (v) => {
      const b = blankToUndefined(trimmed(v));
      return typeof b === 'string' && /^-?\d+$/.test(b) ? Number(b) : b;
    },
    z.number({ error: 'field.invalid' }).int('field.invalid').min(min).max(max).optional(),
  );

export const int = (min: number, max: number) =>
  z.preprocess(
    (v) => {
      const b = blankToUndefined(trimmed(v));
      return typeof b === 'string' && /^-?\d+$/.test(b) ? Number(b) : b;
    },
    z.number({ error: 'field.required' }).int('field.invalid').min(min).max(max),
  );

export const optionalNumber = (min: number, max: number) =>
  z.preprocess(
    (v) => {
      const b = blankToUndefined(trimmed(v));
      return typeof b === 'string' && /^-?\d+(\.\d+)?$/.test(b) ? Number(b) : b;
    },
    z.number({ error: 'field.invalid' }).min(min).max(max).optional(),
  );

/**
 * What a person schema's name-or-description rule (a refine, which JSON Schema cannot see) says in
 * the OpenAPI document: one of the two is required. (`.meta` on the person schema; a blank one
 * counts as absent.)
 */
export const NAME_OR_DESCRIPTION = {
  description: 'A person: `name`, or `description` when the name is not known (one of the two is required; a blank one counts as absent).',
  anyOf: [{ required: ['name'] }, { required: ['description'] }],
};
