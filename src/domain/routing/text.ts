import type { Translator } from '../../i18n/index.ts';
import type { Reason } from './route.ts';

/**
 * A routing reason in words. Parameters that are codes (a service, who a unit
 * is for, a facility status, a need) are themselves translated first, so
 * "routing.missing.service {service: maternity}" reads "Tidak ada fasilitas
 * buka yang memberi perawatan ibu hamil".
 */
const CODED: Record<string, string> = {
  service: 'routing.service.',
  group: 'routing.group.',
  status: 'routing.status.',
  need: 'routing.need.',
  cluster: 'facilities.cluster.',
};

export function describeReason(t: Translator, r: Reason): string {
  if (!r.params) return t(r.key);
  const params: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(r.params)) params[k] = k in CODED && typeof v === 'string' ? t(CODED[k] + v) : v;
  return t(r.key, params);
}

/** A reason as the API serves it: the key and parameters for a program, the message for a person. */
export function reasonJson(t: Translator, r: Reason) {
  return { code: r.key, ...(r.params ? { params: r.params } : {}), message: describeReason(t, r) };
}
