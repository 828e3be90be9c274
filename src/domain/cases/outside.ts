import { and, eq } from 'drizzle-orm';
import { write, type Db } from '../../db/client.ts';
import { caseOutsideReferrals, cases, wilayah } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { audit } from '../audit.ts';
import { DomainError, invalidField, notFound } from '../errors.ts';
import { parseInput } from '../validate.ts';
import { newId } from '../../lib/ids.ts';
import { nowIso } from '../../lib/time.ts';
import { OutsideAnswerInput, OutsideReferralInput } from './input.ts';
import { loadCase, type CaseView } from './read.ts';
import { assertCanChangeCase, caseOf } from './scope.ts';
import { ensureCase } from './work.ts';

/**
 * A case referred to a service outside Singgah (rujukan luar): the Dinsos of
 * origin, a hospital, the police PPA unit, the family's PKH pendamping, or
 * another named office; sent with a reason, then answered once (accepted or
 * refused, with what they said). Referrals between facilities are another
 * thing (src/domain/referrals).
 */
export async function referOutside(args: { db: Db; actor: Actor; personId: string; input: unknown }): Promise<CaseView> {
  const input = parseInput(OutsideReferralInput, args.input, args.actor.lang);
  return await write(args.db, async (tx) => {
    await assertCanChangeCase(tx, args.actor, args.personId);
    if (input.wilayah_code && !await tx.select({ code: wilayah.code }).from(wilayah).where(eq(wilayah.code, input.wilayah_code)).get()) {
      throw invalidField('wilayah_code', 'field.unknown_wilayah');
    }
    const at = nowIso();
    const c = await ensureCase(tx, args.personId, at);
    const id = newId();
    await tx.insert(caseOutsideReferrals).values({ id, caseId: c.id, service: input.service, toName: input.to_name, wilayahCode: input.wilayah_code ?? null, reason: input.reason, status: 'sent', referredAt: at, referredBy: args.actor.id }).run();
    await tx.update(cases).set({ updatedAt: at }).where(eq(cases.id, c.id)).run();
    await audit(tx, args.actor, { action: 'case.outside_referral', entity: 'person', entityId: args.personId, at, detail: { case_id: c.id, referral_id: id, service: input.service } });
    return await loadCase(tx, args.actor, args.personId);
  });
}

/** The outside service's answer, recorded once: a referral already answered is refused in words. */
export async function answerOutsideReferral(args: { db: Db; actor: Actor; personId: string; referralId: string; input: unknown }): Promise<CaseView> {
  const input = parseInput(OutsideAnswerInput, args.input, args.actor.lang);
  return await write(args.db, async (tx) => {
    await assertCanChangeCase(tx, args.actor, args.personId);
    const c = await caseOf(tx, args.personId);
    const r = c ? await tx.select().from(caseOutsideReferrals).where(and(eq(caseOutsideReferrals.id, args.referralId), eq(caseOutsideReferrals.caseId, c.id))).get() : undefined;
    if (!c || !r) throw notFound('cases.outside_not_found');
    if (r.status !== 'sent') throw new DomainError('VALIDATION', 'cases.outside_already_answered');
    const at = nowIso();
    const done = await tx
      .update(caseOutsideReferrals)
      .set({ status: input.status, answer: input.answer, answeredAt: at, answeredBy: args.actor.id })
      .where(and(eq(caseOutsideReferrals.id, r.id), eq(caseOutsideReferrals.status, 'sent')))
      .run();
    if (done.changes !== 1) throw new DomainError('VALIDATION', 'cases.outside_already_answered');
    await audit(tx, args.actor, { action: 'case.outside_answer', entity: 'person', entityId: args.personId, at, detail: { case_id: c.id, referral_id: r.id, status: input.status } });
    return await loadCase(tx, args.actor, args.personId);
  });
}
