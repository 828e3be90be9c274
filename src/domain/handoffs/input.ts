import { z } from 'zod';
import { HANDOFF_RELATIONSHIPS, SEXES, VISIBLE_NEEDS } from '../../db/schema/index.ts';
import { list, NAME_OR_DESCRIPTION, optionalInt, optionalText, text } from '../validate.ts';
import { ZONE_OFFSET_MINUTES, type Zone } from '../../lib/time.ts';

const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const trimmedOrUndefined = (v: unknown) => (blank(v) ? undefined : typeof v === 'string' ? v.trim() : v);

/** An operation may be entered a while after it happened (paper notes), but not from the future. */
export const OPERATION_MAX_AGE_DAYS = 30;
const FUTURE_SLACK_MS = 10 * 60_000;

const AT_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * The operation's date and time: ISO 8601 with an offset (the API), or a
 * phone's `datetime-local` value without one, read in the zone of the
 * operation's kab/kota (DOMAIN.md "Time": 08:30 typed in Denpasar is 08:30
 * WITA). Returns a UTC ISO string, or null when it is not a real time.
 */
export function parseOperationAt(raw: string, zone: Zone = 'WIB'): string | null {
  const m = AT_RE.exec(raw.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, offset] = m;
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  const check = new Date(local);
  // 2026-02-31 rolls over in Date.UTC: a real date keeps its own day and month.
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59) return null;
  let offsetMinutes = ZONE_OFFSET_MINUTES[zone];
  if (offset === 'Z') offsetMinutes = 0;
  else if (offset) offsetMinutes = (offset.startsWith('-') ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  return new Date(local - offsetMinutes * 60_000).toISOString();
}

/**
 * The time as an officer gave it, checked against now once its zone is known
 * (the operation's kab/kota, which the rest of the form decides): an error
 * message key, or the UTC ISO time.
 */
export function operationTime(raw: string, zone: Zone, now = Date.now()): { iso: string } | { error: string } {
  const iso = parseOperationAt(raw, zone);
  if (!iso) return { error: 'handoffs.at_format' };
  const t = Date.parse(iso);
  if (t > now + FUTURE_SLACK_MS) return { error: 'handoffs.at_future' };
  if (t < now - OPERATION_MAX_AGE_DAYS * 86_400_000) return { error: 'handoffs.at_too_old' };
  return { iso };
}

/** The field checks the format only; the zone, and with it "not in the future", is settled by submitHandoff. */
const operationAt = () =>
  z.preprocess(
    trimmedOrUndefined,
    z
      .string({ error: 'field.required' })
      .refine((s) => parseOperationAt(s) !== null, { message: 'handoffs.at_format' }),
  );

/** NIP of a civil servant (18 digits, often written in groups) or another staff number: digits, spaces, dots. */
const nip = () =>
  z.preprocess(trimmedOrUndefined, z.string().max(30, 'field.too_long').regex(/^[0-9][0-9 .]*$/, 'handoffs.nip_format').optional());

export const OperationInput = z.object(
  {
    number: text(60),
    at: operationAt(),
    place: text(200),
    /** Kab/kota of the operation ("31.71" or "3171"); the officer's own wilayah when not given. */
    wilayah_code: optionalText(100), // a code or a kab/kota's name
    team: optionalText(120),
    leader_name: text(120),
    leader_nip: nip(),
  },
  { error: 'field.required' },
);
export type OperationInput = z.infer<typeof OperationInput>;

/** One person as the officers saw them: nothing more is asked in the field. */
export const HandoffPersonInput = z
  .object(
    {
      name: optionalText(120),
      description: optionalText(200),
      sex: z.preprocess(trimmedOrUndefined, z.enum(SEXES, { error: 'handoffs.sex_required' })),
      approx_age: optionalInt(0, 120),
      needs: list(z.enum(VISIBLE_NEEDS, { error: 'field.invalid' })),
      belongings: optionalText(500),
      notes: optionalText(500),
      /** Who came together: a short label the officers give; persons with the same label are one group (a family). */
      group: z.preprocess(trimmedOrUndefined, z.string().max(20, 'field.too_long').optional()),
      relationship: z.preprocess(trimmedOrUndefined, z.enum(HANDOFF_RELATIONSHIPS, { error: 'field.invalid' }).optional()),
    },
    { error: 'field.required' },
  )
  // `when`: these run even when another field of the person is wrong, so every message shows at once.
  .refine((p) => Boolean(p.name || p.description), { path: ['name'], message: 'handoffs.name_or_description', when: (payload) => isObject(payload.value) })
  .refine((p) => !(Array.isArray(p.needs) && p.needs.includes('pregnant')) || p.sex === 'P', {
    path: ['needs'],
    message: 'handoffs.pregnant_female_only',
    when: (payload) => isObject(payload.value) && payload.value.sex !== undefined,
  })
  // How someone is related says whom they came with: a relationship without a group has no one to relate to.
  .refine((p) => !p.relationship || Boolean(p.group), { path: ['group'], message: 'handoffs.relationship_without_group', when: (payload) => isObject(payload.value) })
  .meta(NAME_OR_DESCRIPTION);
export type HandoffPersonInput = z.infer<typeof HandoffPersonInput>;

export const MAX_HANDOFF_PERSONS = 100;

export const HandoffInput = z.object({
  operation: OperationInput,
  facility_id: z.preprocess(trimmedOrUndefined, z.string({ error: 'handoffs.facility_required' }).max(64, 'field.too_long')),
  persons: z
    .array(HandoffPersonInput, { error: 'handoffs.persons_required' })
    .min(1, 'handoffs.persons_required')
    .max(MAX_HANDOFF_PERSONS, 'handoffs.too_many_persons'),
});
export type HandoffInput = z.infer<typeof HandoffInput>;

export const NotReceivedInput = z.object({ reason: text(300) }, { error: 'field.required' });
export const ReceiveExistingInput = z.object({ person_id: text(64) }, { error: 'field.required' });
