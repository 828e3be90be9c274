/** Stored times are UTC ISO strings; shown and served with the WIB offset (Asia/Jakarta, +07:00, no DST). */
export const WIB_OFFSET_MINUTES = 7 * 60;

export function nowIso(): string {
  return new Date().toISOString();
}

/** ISO 8601 with the +07:00 offset, as the API promises ("times with offset"). */
export function toWib(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const d = new Date(iso);
  const local = new Date(d.getTime() + WIB_OFFSET_MINUTES * 60_000);
  return local.toISOString().replace('Z', '+07:00');
}

/** "22/11/2026 14:05" in WIB for people. */
export function formatWib(iso: string | null | undefined, withTime = true): string {
  if (!iso) return '';
  const local = new Date(new Date(iso).getTime() + WIB_OFFSET_MINUTES * 60_000);
  const p = (n: number) => String(n).padStart(2, '0');
  const date = `${p(local.getUTCDate())}/${p(local.getUTCMonth() + 1)}/${local.getUTCFullYear()}`;
  return withTime ? `${date} ${p(local.getUTCHours())}:${p(local.getUTCMinutes())}` : date;
}

/** The WIB calendar date (YYYY-MM-DD) of an instant. */
export function wibDate(iso: string): string {
  return new Date(new Date(iso).getTime() + WIB_OFFSET_MINUTES * 60_000).toISOString().slice(0, 10);
}

export function addMinutes(iso: string, minutes: number): string {
  return new Date(new Date(iso).getTime() + minutes * 60_000).toISOString();
}
