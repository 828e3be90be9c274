import common from './messages/common.ts';
import auth from './messages/auth.ts';
import admin from './messages/admin.ts';
import board from './messages/board.ts';
import facilities from './messages/facilities.ts';
import handoffs from './messages/handoffs.ts';
import reports from './messages/reports.ts';
import intake from './messages/intake.ts';
import residents from './messages/residents.ts';
import referrals from './messages/referrals.ts';
import cases from './messages/cases.ts';
import placement from './messages/placement.ts';
import atensi from './messages/atensi.ts';
import { z } from 'zod';
import idLocale from 'zod/v4/locales/id.js';
import enLocale from 'zod/v4/locales/en.js';

export const LANGS = ['id', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export type Dictionary = Record<string, string>;
export interface Messages {
  id: Dictionary;
  en: Dictionary;
}

/** Each area keeps its own dictionary (both languages side by side); they are merged here. */
const AREAS: Messages[] = [common, auth, admin, facilities, board, handoffs, intake, residents, referrals, reports, cases, placement, atensi];

export function registerMessages(area: Messages): void {
  AREAS.push(area);
  merged = undefined;
}

let merged: Record<Lang, Dictionary> | undefined;
function dictionaries(): Record<Lang, Dictionary> {
  if (!merged) {
    merged = { id: {}, en: {} };
    for (const area of AREAS) {
      Object.assign(merged.id, area.id);
      Object.assign(merged.en, area.en);
    }
  }
  return merged;
}

export function allKeys(): { id: string[]; en: string[] } {
  const d = dictionaries();
  return { id: Object.keys(d.id), en: Object.keys(d.en) };
}

export function hasMessage(key: string): boolean {
  return key in dictionaries().id;
}

const pluralRules = new Map<Lang, Intl.PluralRules>();

/**
 * The plural form of a number in a language, by the CLDR rules (`Intl.PluralRules`):
 * `plural('en', 1, { one: '# place', other: '# places' })` → "1 place". `#` is the number.
 * Indonesian has one form ("other") only. The one plural helper: messages use it
 * through `{n, plural, one {# place} other {# places}}` (see `translate`).
 */
export function plural(lang: Lang, n: number, forms: Partial<Record<Intl.LDMLPluralRule, string>> & { other: string }, shown = String(n)): string {
  let rules = pluralRules.get(lang);
  if (!rules) pluralRules.set(lang, (rules = new Intl.PluralRules(lang)));
  const form = (Number.isFinite(n) ? forms[rules.select(n)] : undefined) ?? forms.other;
  return form.replace(/#/g, shown);
}

/** `{n, plural, one {…} other {…}}` in a message: the number's forms, ICU style (no nesting). */
const PLURAL = /\{(\w+), plural,((?:\s*\w+\s*\{[^{}]*\})+)\s*\}/g;
const PLURAL_FORM = /(\w+)\s*\{([^{}]*)\}/g;

/** Translate a key; `{name}` placeholders are filled from params. An unknown key shows itself. */
export function translate(lang: Lang, key: string, params?: Record<string, unknown>): string {
  const d = dictionaries();
  const template = d[lang][key] ?? d.id[key] ?? key;
  if (!params) return template;
  const counted = template.replace(PLURAL, (m, name: string, body: string) => {
    if (!(name in params)) return m;
    const forms = Object.fromEntries([...body.matchAll(PLURAL_FORM)].map((f) => [f[1], f[2]])) as { other: string };
    // The number is shown as written in params (e.g. "1.310"), chosen by its value.
    const raw = params[name];
    const n = typeof raw === 'number' ? raw : Number(String(raw).replace(/[.,\s]/g, ''));
    return plural(lang, n, { ...forms, other: forms.other ?? '#' }, String(raw));
  });
  return counted.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export type Translator = (key: string, params?: Record<string, unknown>) => string;
export function translator(lang: Lang): Translator {
  return (key, params) => translate(lang, key, params);
}

/** Zod's own messages in the user's language, for issues that carry no key of ours. */
export const zodLocale: Record<Lang, z.core.$ZodErrorMap> = {
  id: idLocale().localeError,
  en: enLocale().localeError,
};

export function isLang(value: unknown): value is Lang {
  return value === 'id' || value === 'en';
}
