/**
 * Stored times are UTC ISO strings. They are served and shown in the local zone
 * of the facility or wilayah they belong to (INTERFACES.md "Time"): Indonesia
 * has three zones, none with daylight saving time —
 *   WIB  (+07:00, Asia/Jakarta):  Sumatra, Java, West and Central Kalimantan;
 *   WITA (+08:00, Asia/Makassar): Bali, Nusa Tenggara, South/East/North Kalimantan, Sulawesi;
 *   WIT  (+09:00, Asia/Jayapura): Maluku and Papua.
 * The zone follows the province (the first two digits of a Kepmendagri wilayah
 * code, `51.71` → 51 Bali → WITA). A time with no facility or wilayah (a
 * national view) is WIB.
 */
export type Zone = 'WIB' | 'WITA' | 'WIT';

export const ZONES: readonly Zone[] = ['WIB', 'WITA', 'WIT'];

/** Minutes east of UTC. */
export const ZONE_OFFSET_MINUTES: Readonly<Record<Zone, number>> = { WIB: 7 * 60, WITA: 8 * 60, WIT: 9 * 60 };

/** The ISO 8601 offset suffix of a zone. */
export const ZONE_OFFSET: Readonly<Record<Zone, string>> = { WIB: '+07:00', WITA: '+08:00', WIT: '+09:00' };

/** The IANA name of each zone (for Intl.DateTimeFormat). */
export const ZONE_IANA: Readonly<Record<Zone, string>> = { WIB: 'Asia/Jakarta', WITA: 'Asia/Makassar', WIT: 'Asia/Jayapura' };

export const WIB_OFFSET_MINUTES = ZONE_OFFSET_MINUTES.WIB;

/** Province codes (Kepmendagri) outside WIB. Every other province is WIB (11–19, 21, 31–36, 61, 62). */
const WITA_PROVINCES = new Set(['51', '52', '53', '63', '64', '65', '71', '72', '73', '74', '75', '76']);
const WIT_PROVINCES = new Set(['81', '82', '91', '92', '93', '94', '95', '96']);

/**
 * The zone of a wilayah (any level: `51`, `51.71`, `51.71.01`) or province
 * code. Unknown, empty or missing: WIB.
 */
export function zoneOf(wilayahOrProvinceCode?: string | null): Zone {
  if (!wilayahOrProvinceCode) return 'WIB';
  const province = wilayahOrProvinceCode.trim().slice(0, 2);
  if (WITA_PROVINCES.has(province)) return 'WITA';
  if (WIT_PROVINCES.has(province)) return 'WIT';
  return 'WIB';
}

/** Whether a value is one of the three zone names. */
export function isZone(v: unknown): v is Zone {
  return v === 'WIB' || v === 'WITA' || v === 'WIT';
}

/** The zone an ISO string's own offset names (`+08:00` → WITA), or null (`Z`, no offset, another offset). */
export function zoneOfOffset(iso: string): Zone | null {
  const m = /([+-]\d{2}:\d{2})$/.exec(iso);
  if (!m) return null;
  return ZONES.find((z) => ZONE_OFFSET[z] === m[1]) ?? null;
}

export function nowIso(): string {
  return new Date().toISOString();
}

function shifted(iso: string, zone: Zone): Date {
  return new Date(new Date(iso).getTime() + ZONE_OFFSET_MINUTES[zone] * 60_000);
}

/** ISO 8601 with the zone's offset (`2026-11-22T14:05:00.000+08:00`), as the API promises ("times with offset"). */
export function toLocalIso(iso: string | null | undefined, zone: Zone = 'WIB'): string | null {
  if (!iso) return null;
  return shifted(iso, zone).toISOString().replace('Z', ZONE_OFFSET[zone]);
}

/**
 * For people: "22/11/2026 14:05 WITA", or "22/11/2026" without the time (a
 * day carries no zone). Empty for no time.
 */
export function formatLocal(iso: string | null | undefined, zone: Zone = 'WIB', withTime = true): string {
  if (!iso) return '';
  const local = shifted(iso, zone);
  const p = (n: number) => String(n).padStart(2, '0');
  const date = `${p(local.getUTCDate())}/${p(local.getUTCMonth() + 1)}/${local.getUTCFullYear()}`;
  return withTime ? `${date} ${p(local.getUTCHours())}:${p(local.getUTCMinutes())} ${zone}` : date;
}

/**
 * The pages' `it.fmt(iso, withTime?, where?)`: `where` is a zone name or a
 * wilayah/province code; without it, the zone the ISO string's own offset
 * names (an API time, `+08:00` → WITA), else WIB.
 */
export function formatFor(iso: string | null | undefined, withTime = true, where?: string | null): string {
  if (!iso) return '';
  const zone = isZone(where) ? where : where ? zoneOf(where) : (zoneOfOffset(iso) ?? 'WIB');
  return formatLocal(iso, zone, withTime);
}

/** The wall-clock time only, "14:05 WITA". */
export function formatLocalTime(iso: string | null | undefined, zone: Zone = 'WIB'): string {
  return formatLocal(iso, zone).slice(11);
}

/** The local calendar day (YYYY-MM-DD) of an instant in a zone: a facility's census day. */
export function localDate(iso: string, zone: Zone = 'WIB'): string {
  return shifted(iso, zone).toISOString().slice(0, 10);
}

/** The first instant (UTC ISO) of a local calendar day YYYY-MM-DD in a zone. */
export function localDayStart(day: string, zone: Zone = 'WIB'): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - ZONE_OFFSET_MINUTES[zone] * 60_000).toISOString();
}

/** A wall-clock time read in a zone ("YYYY-MM-DDTHH:MM[:SS]", no offset) as a UTC ISO instant. */
export function fromLocal(wallClock: string, zone: Zone = 'WIB'): string {
  return new Date(Date.parse(`${wallClock}Z`) - ZONE_OFFSET_MINUTES[zone] * 60_000).toISOString();
}

/** WIB (+07:00): only for a national view with no facility or wilayah. */
export function toWib(iso: string | null | undefined): string | null {
  return toLocalIso(iso, 'WIB');
}

/** "22/11/2026 14:05" in WIB, without the zone name: only for a national view (the caller names WIB). */
export function formatWib(iso: string | null | undefined, withTime = true): string {
  if (!iso) return '';
  return withTime ? formatLocal(iso, 'WIB').slice(0, -4) : formatLocal(iso, 'WIB', false);
}

/** The WIB calendar date (YYYY-MM-DD) of an instant: only for a national view. */
export function wibDate(iso: string): string {
  return localDate(iso, 'WIB');
}

export function addMinutes(iso: string, minutes: number): string {
  return new Date(new Date(iso).getTime() + minutes * 60_000).toISOString();
}
