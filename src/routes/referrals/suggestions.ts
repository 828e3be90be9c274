import type { FastifyRequest } from 'fastify';
import type { PersonRouting } from '../../domain/referrals/route-person.ts';
import { describeReason } from '../../domain/routing/text.ts';
import { ageOn } from '../../domain/persons/age.ts';
import { displayName } from '../../domain/persons/names.ts';
import { nowIso, wibDate } from '../../lib/time.ts';

/** How many destinations the desk sees first; the rest are one tap away. */
export const TOP = 3;

/** The suggestions region's data: top destinations with free places and reasons, a prefilled reason, or what is missing. */
export function suggestionsView(request: FastifyRequest, routing: PersonRouting, opts: { all?: boolean; alone?: boolean } = {}) {
  const t = request.t;
  const r = routing.result;
  const today = wibDate(nowIso());
  const needs = r.needs.needs.map((n) => t(`routing.need.${n}`));
  const reason = needs.length ? t('referrals.reason_prefill', { needs: needs.join(', ') }) : t('referrals.reason_prefill_plain');
  const person = routing.person;
  return {
    title: opts.alone
      ? t('referrals.alone_title', { name: displayName(person) })
      : t('referrals.suggestions_for', { name: displayName(person) }),
    /** Routed without the household: the referral form asks why the household is split. */
    alone: opts.alone === true,
    /** Nothing fits the household together: each member may be referred alone, on purpose (the way out). */
    canSplit: !opts.alone && routing.group.length > 1 && r.destinations.length === 0 && routing.openReferral === null,
    person: { id: person.id, code: person.residentCode, name: displayName(person) },
    group: routing.group.map((p) => ({
      id: p.id,
      code: p.residentCode,
      name: displayName(p),
      sex: p.sex,
      age: ageOn({ birthDate: p.birthDate, estimatedAge: p.estimatedAge, estimatedAt: p.estimatedAt }, today),
    })),
    needs,
    reason,
    openReferral: routing.openReferral,
    destinations: r.destinations.map((d) => ({ ...d, why: d.reasons.map((x) => describeReason(t, x)) })),
    top: TOP,
    /** Every facility that could take them; `destinations` holds the best of them unless all were asked for. */
    destinationsTotal: r.destinations_total,
    passed: r.passed_over.map((p) => ({ ...p, why: p.reasons.map((x) => describeReason(t, x)) })),
    /** The rest of those passed over, by first reason (no words written for each of them: issue 27). */
    passedRest: Object.entries(r.passed_over_counts)
      .map(([code, n]) => ({ code, n, label: t(`routing.passed_short.${code.replace(/^routing\.passed\./, '')}`) }))
      .sort((a, b) => b.n - a.n),
    passedTotal: r.passed_over.length + Object.values(r.passed_over_counts).reduce((a, n) => a + n, 0),
    missing: r.missing.map((x) => describeReason(t, x)),
    alerted: r.destinations.length === 0 && routing.openReferral === null && routing.needed,
    /** The job has raised the alert already (a page only reads: src/domain/referrals/route-person.ts). */
    alertRaised: routing.alertId !== null,
    /** Already placed where their needs are met: the list waits until the desk asks for it. */
    settled: !routing.needed && !opts.all && routing.openReferral === null,
    current: routing.current,
    problem: null as string | null,
    values: {} as Record<string, unknown>,
  };
}
