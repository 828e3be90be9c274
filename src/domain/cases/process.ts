import { and, eq, inArray, isNull } from 'drizzle-orm';
import { write, type Db } from '../../db/client.ts';
import { casePlanItems, caseTransfers, cases, type CloseOutcome, type PlanStatus } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { audit } from '../audit.ts';
import { DomainError, notFound } from '../errors.ts';
import { parseInput } from '../validate.ts';
import { nowIso } from '../../lib/time.ts';
import { translate } from '../../i18n/index.ts';
import { CloseInput, EvaluationInput, PlanStatusInput, ReopenInput } from './input.ts';
import { loadCase, type CaseView } from './read.ts';
import { assertCanAssign, assertCanChangeCase, assertCanWorkCase, caseClosed, caseOf } from './scope.ts';

/**
 * ATENSI as a process (DOMAIN.md): assessment → plan (items with a status) →
 * services given (moving plan items) → evaluation → closing (terminasi) with
 * an outcome. Every move is checked here; a move the process does not allow
 * is refused with a message saying why (422) and changes nothing.
 */

/** Where each plan status may go. A service given for a `planned` item moves it to `in_progress` (work.ts recordService). */
export const PLAN_TRANSITIONS: Record<PlanStatus, readonly PlanStatus[]> = {
  planned: ['in_progress', 'done', 'dropped'],
  in_progress: ['done', 'dropped'],
  done: [],
  dropped: [],
};

export const mayMovePlanItem = (from: PlanStatus, to: PlanStatus): boolean => PLAN_TRANSITIONS[from].includes(to);
/** A plan item still to be worked: what blocks closing a case as `selesai`. */
export const isOpenPlanItem = (status: PlanStatus): boolean => status === 'planned' || status === 'in_progress';

/** Refused in words: nothing was changed. */
const refused = (key: string, params?: Record<string, unknown>) => new DomainError('VALIDATION', key, params);

/** Moves one plan item (done and dropped need a reason, in `note`). */
export async function movePlanItem(args: { db: Db; actor: Actor; personId: string; itemId: string; input: unknown }): Promise<CaseView> {
  const input = parseInput(PlanStatusInput, args.input, args.actor.lang);
  return await write(args.db, async (tx) => {
    await assertCanChangeCase(tx, args.actor, args.personId);
    const c = await caseOf(tx, args.personId);
    const item = c ? await tx.select().from(casePlanItems).where(and(eq(casePlanItems.id, args.itemId), eq(casePlanItems.caseId, c.id))).get() : undefined;
    if (!c || !item) throw notFound('cases.plan_item_not_found');
    const lang = args.actor.lang;
    if (!mayMovePlanItem(item.status, input.status)) {
      throw refused('cases.plan_bad_transition', { from: translate(lang, `cases.plan_status.${item.status}`), to: translate(lang, `cases.plan_status.${input.status}`) });
    }
    const at = nowIso();
    const moved = await tx
      .update(casePlanItems)
      .set({ status: input.status, statusAt: at, statusBy: args.actor.id, statusReason: input.note ?? null })
      .where(and(eq(casePlanItems.id, item.id), eq(casePlanItems.status, item.status)))
      .run();
    if (moved.changes !== 1) throw refused('cases.plan_changed');
    await tx.update(cases).set({ updatedAt: at }).where(eq(cases.id, c.id)).run();
    await audit(tx, args.actor, { action: 'case.plan_item', entity: 'person', entityId: args.personId, at, detail: { case_id: c.id, item_id: item.id, from: item.status, to: input.status } });
    return await loadCase(tx, args.actor, args.personId);
  });
}

/** The evaluation: what the plan achieved. It needs a plan to evaluate; it may be written again (audited) until the case closes. */
export async function recordEvaluation(args: { db: Db; actor: Actor; personId: string; input: unknown }): Promise<CaseView> {
  const input = parseInput(EvaluationInput, args.input, args.actor.lang);
  return await write(args.db, async (tx) => {
    await assertCanChangeCase(tx, args.actor, args.personId);
    const c = await caseOf(tx, args.personId);
    const items = c ? await tx.select({ id: casePlanItems.id }).from(casePlanItems).where(eq(casePlanItems.caseId, c.id)).all() : [];
    if (!c || !items.length) throw refused('cases.evaluate_needs_plan');
    const at = nowIso();
    await tx.update(cases).set({ evaluation: input.summary, evaluatedAt: at, evaluatedBy: args.actor.id, updatedAt: at }).where(eq(cases.id, c.id)).run();
    await audit(tx, args.actor, { action: 'case.evaluation', entity: 'person', entityId: args.personId, at, detail: { case_id: c.id, again: c.evaluatedAt !== null } });
    return await loadCase(tx, args.actor, args.personId);
  });
}

/**
 * Closes the case (terminasi). It needs an evaluation. `selesai` (the plan
 * done) needs every item done or dropped; any other outcome (referred on,
 * died, out of reach, other) drops the items still open, with the closing as
 * their reason. A closed case is read-only until reopened.
 */
export async function closeCase(args: { db: Db; actor: Actor; personId: string; input: unknown }): Promise<CaseView> {
  const input = parseInput(CloseInput, args.input, args.actor.lang);
  return await write(args.db, async (tx) => {
    await assertCanWorkCase(tx, args.actor, args.personId);
    const c = await caseOf(tx, args.personId);
    if (c?.closedAt) throw caseClosed();
    if (!c?.evaluatedAt) throw refused('cases.close_needs_evaluation');
    const open = (await tx.select({ id: casePlanItems.id, status: casePlanItems.status }).from(casePlanItems).where(eq(casePlanItems.caseId, c.id)).all()).filter((i) => isOpenPlanItem(i.status));
    const outcome: CloseOutcome = input.outcome;
    if (outcome === 'selesai' && open.length) throw refused('cases.close_open_items', { n: open.length });
    const at = nowIso();
    if (open.length) {
      // Stored in Bahasa Indonesia, as the case's other words are: the reason an item stopped.
      const reason = translate('id', 'cases.dropped_at_close', { outcome: translate('id', `cases.close_outcome.${outcome}`) });
      await tx.update(casePlanItems).set({ status: 'dropped', statusAt: at, statusBy: args.actor.id, statusReason: reason }).where(inArray(casePlanItems.id, open.map((i) => i.id))).run();
    }
    const closed = await tx
      .update(cases)
      .set({ closedAt: at, closedBy: args.actor.id, closeOutcome: outcome, closeNote: input.note ?? null, updatedAt: at })
      .where(and(eq(cases.id, c.id), isNull(cases.closedAt)))
      .run();
    if (closed.changes !== 1) throw caseClosed();
    // A transfer still asked for ends with the case: a closed case can be neither accepted nor cancelled.
    const ended = await tx
      .update(caseTransfers)
      .set({ status: 'cancelled', answeredAt: at, answeredBy: args.actor.id })
      .where(and(eq(caseTransfers.caseId, c.id), eq(caseTransfers.status, 'requested')))
      .run();
    await audit(tx, args.actor, { action: 'case.close', entity: 'person', entityId: args.personId, at, detail: { case_id: c.id, outcome, dropped: open.map((i) => i.id), transfers_cancelled: ended.changes } });
    return await loadCase(tx, args.actor, args.personId);
  });
}

/** Reopens a closed case: the facility's manager, the command centre or admin (the roles that assign), with a reason. */
export async function reopenCase(args: { db: Db; actor: Actor; personId: string; input: unknown }): Promise<CaseView> {
  const input = parseInput(ReopenInput, args.input, args.actor.lang);
  return await write(args.db, async (tx) => {
    await assertCanAssign(tx, args.actor, args.personId);
    const c = await caseOf(tx, args.personId);
    if (!c?.closedAt) throw refused('cases.not_closed');
    const at = nowIso();
    await tx.update(cases).set({ closedAt: null, closedBy: null, closeOutcome: null, closeNote: null, updatedAt: at }).where(eq(cases.id, c.id)).run();
    await audit(tx, args.actor, { action: 'case.reopen', entity: 'person', entityId: args.personId, at, detail: { case_id: c.id, was: c.closeOutcome, closed_at: c.closedAt, reason: input.reason } });
    return await loadCase(tx, args.actor, args.personId);
  });
}
