import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.ts';
import { nikOverrideFromForm } from '../../domain/persons/nik.ts';
import { markNotReceived, pendingGroup, pendingLine } from '../../domain/handoffs/account.ts';
import { receiveByIntake, receiveGroupByIntake } from '../../domain/residents/receive-handoff.ts';
import { readHandoff, type HandoffLineRow, type HandoffRow } from '../../domain/handoffs/read.ts';
import { intakePrefillFromLine } from '../../domain/handoffs/intake-prefill.ts';
import { DESK_ROLES } from '../../domain/handoffs/scope.ts';
import type { IntakeNeedsDecision } from '../../domain/residents/intake-result.ts';
import { ageFromTyped } from '../../domain/persons/age.ts';
import { fieldErrorMap } from '../../plugins/views.ts';
import { flash } from '../../plugins/flash.ts';
import { nowIso, wibDate } from '../../lib/time.ts';
import { unflatten, type Member } from './form.ts';
import { renderShow } from './views.ts';

const DESK = { access: DESK_ROLES };
type LineParams = { Params: { id: string; pid: string } };
type GroupParams = { Params: { id: string; group: string } };

/** The check-in page, led back to the handoff once the household has its place. */
const placeThenBack = (ids: string[], handoffId: string) =>
  `/intake/check-in?${ids.map((x) => `p=${encodeURIComponent(x)}`).join('&')}&back=${encodeURIComponent(`/handoffs/${handoffId}`)}`;

/**
 * At the receiving desk: "receive" opens the intake form filled from what the
 * officers wrote (the duplicate and NIK checks run there) and links the person
 * it makes or finds to the handoff line; "not received" needs a reason.
 */
const deskRoutes: FastifyPluginAsync = async (app) => {
  function renderReceive(
    request: FastifyRequest,
    reply: FastifyReply,
    ctx: { h: HandoffRow; line: HandoffLineRow },
    member: Member,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    return reply.view(
      'pages/handoffs/receive',
      { title: request.t('handoffs.receive_title', { seq: ctx.line.seq, number: ctx.h.number }), h: ctx.h, line: ctx.line, member, derived: ageFromTyped(member.birth_date, member.estimated_age, wibDate(nowIso())), ...extra },
      { status },
    );
  }

  async function conflictPage(request: FastifyRequest, reply: FastifyReply, id: string, err: DomainError) {
    const d = await readHandoff({ db: app.db, actor: request.actor!, id });
    return renderShow(request, reply, d, { problem: request.t(err.messageKey, err.params) }, err.status);
  }

  app.get<LineParams>('/handoffs/:id/persons/:pid/receive', { config: DESK }, async (request, reply) => {
    try {
      const ctx = await pendingLine(app.db, request.actor!, { handoffId: request.params.id, lineId: request.params.pid });
      return renderReceive(request, reply, ctx, intakePrefillFromLine(ctx.line));
    } catch (err) {
      if (err instanceof DomainError && err.code === 'CONFLICT') return await conflictPage(request, reply, request.params.id, err);
      throw err;
    }
  });

  app.post<LineParams>('/handoffs/:id/persons/:pid/receive', { config: DESK }, async (request, reply) => {
    const ref = { handoffId: request.params.id, lineId: request.params.pid };
    const actor = request.actor!;
    const body = unflatten(request.body);
    const m: Member = Array.isArray(body.persons) && body.persons[0] && typeof body.persons[0] === 'object' ? (body.persons[0] as Member) : {};
    let ctx: { h: HandoffRow; line: HandoffLineRow };
    try {
      ctx = await pendingLine(app.db, actor, ref);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'CONFLICT') return await conflictPage(request, reply, ref.handoffId, err);
      throw err;
    }
    // The officer's answers on the intake form become the verb's decisions (as at /intake).
    const decision = typeof m.decision === 'string' ? m.decision : '';
    const override = nikOverrideFromForm(m.nik_keep === 'on', m.nik_override_reason, 'persons.0.nik_override_reason');
    if (override.error) return renderReceive(request, reply, ctx, m, { errors: fieldErrorMap(request, [override.error]) }, 422);
    const person = { ...m, same_as: decision && decision !== 'new' ? decision : undefined, confirm_new: decision === 'new', nik_override_reason: override.reason };
    try {
      const result = await receiveByIntake({ db: app.db, actor, ref, person });
      if (result.status === 'needs_decision') return renderReceive(request, reply, ctx, m, decisionView(request, result));
      const p = result.persons[0]!;
      flash(request, { kind: 'ok', message: request.t('handoffs.received_ok', { seq: ctx.line.seq, code: p.resident_code }) });
      for (const w of result.warnings) flash(request, { kind: 'warn', message: `${p.resident_code}: ${request.t(w.code, w.params)}` });
      // The last line accounted for: the desk is led on to place everyone received who has no bed yet.
      const after = await readHandoff({ db: app.db, actor, id: ref.handoffId });
      if (after.handoff.status === 'CLOSED' && after.waiting.length) {
        return reply.redirect(`/intake/check-in?${after.waiting.map((x) => `p=${encodeURIComponent(x)}`).join('&')}`, 303);
      }
      return reply.redirect(`/handoffs/${encodeURIComponent(ref.handoffId)}#hp-${encodeURIComponent(ref.lineId)}`, 303);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'VALIDATION') return renderReceive(request, reply, ctx, m, { errors: fieldErrorMap(request, err.fieldErrors) }, 422);
      if (err instanceof DomainError && err.code === 'CONFLICT') return await conflictPage(request, reply, ref.handoffId, err);
      throw err;
    }
  });

  // ---- "Terima keluarga": a group that came together received as one household, in one step ----

  function renderGroup(
    request: FastifyRequest,
    reply: FastifyReply,
    ctx: { h: HandoffRow; lines: HandoffLineRow[]; group: string },
    members: Member[],
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    const today = wibDate(nowIso());
    const rows = ctx.lines.map((line, i) => {
      const m = members[i] ?? {};
      return { line, m, derived: ageFromTyped(m.birth_date, m.estimated_age, today) };
    });
    return reply.view(
      'pages/handoffs/receive-group',
      { title: request.t('handoffs.receive_group_title', { group: ctx.group, number: ctx.h.number }), h: ctx.h, group: ctx.group, rows, ...extra },
      { status },
    );
  }

  /** The officer's answers on a member's form as the intake's decisions (as at /intake and for one line). */
  function memberDecisions(members: Member[]): { byLine: Record<string, Member>; errors: { path: string; message: string }[] } {
    const byLine: Record<string, Member> = {};
    const errors: { path: string; message: string }[] = [];
    members.forEach((m, i) => {
      const lineId = typeof m.handoff_person_id === 'string' ? m.handoff_person_id : '';
      if (!lineId) return;
      const decision = typeof m.decision === 'string' ? m.decision : '';
      const override = nikOverrideFromForm(m.nik_keep === 'on', m.nik_override_reason, `persons.${i}.nik_override_reason`);
      if (override.error) errors.push(override.error);
      const { decision: _d, nik_keep: _k, handoff_person_id: _h, ...fields } = m;
      byLine[lineId] = { ...fields, same_as: decision && decision !== 'new' ? decision : undefined, confirm_new: decision === 'new', nik_override_reason: override.reason };
    });
    return { byLine, errors };
  }

  app.get<GroupParams>('/handoffs/:id/groups/:group/receive', { config: DESK }, async (request, reply) => {
    const ref = { handoffId: request.params.id, group: request.params.group };
    try {
      const { h, lines } = await pendingGroup(app.db, request.actor!, ref);
      return renderGroup(request, reply, { h, lines, group: ref.group }, lines.map((l) => ({ ...intakePrefillFromLine(l), handoff_person_id: l.id })));
    } catch (err) {
      if (err instanceof DomainError && err.code === 'CONFLICT') return await conflictPage(request, reply, ref.handoffId, err);
      throw err;
    }
  });

  app.post<GroupParams>('/handoffs/:id/groups/:group/receive', { config: DESK }, async (request, reply) => {
    const ref = { handoffId: request.params.id, group: request.params.group };
    const actor = request.actor!;
    const body = unflatten(request.body);
    // From the handoff page the button posts nothing but itself: every member as the officers wrote them.
    const posted: Member[] = (Array.isArray(body.persons) ? body.persons : []).filter((m): m is Member => !!m && typeof m === 'object');
    let ctx: { h: HandoffRow; lines: HandoffLineRow[]; group: string };
    try {
      ctx = { ...(await pendingGroup(app.db, actor, ref)), group: ref.group };
    } catch (err) {
      if (err instanceof DomainError && err.code === 'CONFLICT') return await conflictPage(request, reply, ref.handoffId, err);
      throw err;
    }
    const { byLine, errors } = memberDecisions(posted);
    const shown = ctx.lines.map((l) => posted.find((m) => m.handoff_person_id === l.id) ?? { ...intakePrefillFromLine(l), handoff_person_id: l.id });
    if (errors.length) return renderGroup(request, reply, ctx, shown, { errors: fieldErrorMap(request, errors) }, 422);
    try {
      const { result, lines } = await receiveGroupByIntake({ db: app.db, actor, ref, members: byLine });
      if (result.status === 'needs_decision') return renderGroup(request, reply, { ...ctx, lines }, shown, groupDecisionView(request, result));
      flash(request, { kind: 'ok', message: request.t('handoffs.group_received_ok', { group: ref.group, count: result.persons.length }) });
      for (const w of result.warnings) flash(request, { kind: 'warn', message: `${result.persons[w.index]?.resident_code ?? ''}: ${request.t(w.code, w.params)}` });
      // Placed together next: the check-in page with the household, and back to this handoff after.
      return reply.redirect(placeThenBack(result.persons.map((p) => p.id), ref.handoffId), 303);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'VALIDATION') return renderGroup(request, reply, ctx, shown, { errors: fieldErrorMap(request, err.fieldErrors) }, 422);
      if (err instanceof DomainError && err.code === 'CONFLICT') return await conflictPage(request, reply, ref.handoffId, err);
      throw err;
    }
  });

  function groupDecisionView(request: FastifyRequest, result: IntakeNeedsDecision) {
    const dups: Record<number, unknown> = {};
    for (const g of result.duplicates) dups[g.index] = g.candidates;
    const nikWarnings: Record<number, { message: string; blocking: boolean; overridable: boolean }[]> = {};
    for (const w of result.nik_warnings) (nikWarnings[w.index] ??= []).push({ message: request.t(w.code, w.params), blocking: w.blocking, overridable: w.overridable });
    return { dups, nikWarnings, needsDecision: true };
  }

  app.post<LineParams>('/handoffs/:id/persons/:pid/not-received', { config: DESK }, async (request, reply) => {
    const ref = { handoffId: request.params.id, lineId: request.params.pid };
    const body = (request.body ?? {}) as Record<string, unknown>;
    try {
      const d = await markNotReceived({ db: app.db, actor: request.actor!, ref, input: { reason: body.reason } });
      const line = d.lines.find((l) => l.id === ref.lineId);
      flash(request, { kind: 'ok', message: request.t('handoffs.not_received_ok', { seq: line?.seq ?? '' }) });
      return reply.redirect(`/handoffs/${encodeURIComponent(ref.handoffId)}#hp-${encodeURIComponent(ref.lineId)}`, 303);
    } catch (err) {
      if (err instanceof DomainError && (err.code === 'VALIDATION' || err.code === 'CONFLICT')) {
        const d = await readHandoff({ db: app.db, actor: request.actor!, id: ref.handoffId });
        const errors = Object.fromEntries(Object.entries(fieldErrorMap(request, err.fieldErrors)).map(([k, v]) => [`${k}.${ref.lineId}`, v]));
        return renderShow(
          request,
          reply,
          d,
          { errors, values: { [`reason.${ref.lineId}`]: body.reason }, problem: err.code === 'CONFLICT' ? request.t(err.messageKey, err.params) : null },
          err.status,
        );
      }
      throw err;
    }
  });

  function decisionView(request: FastifyRequest, result: IntakeNeedsDecision) {
    const dup = result.duplicates.find((g) => g.index === 0)?.candidates ?? [];
    const nw = result.nik_warnings
      .filter((w) => w.index === 0)
      .map((w) => ({ message: request.t(w.code, w.params), blocking: w.blocking, overridable: w.overridable }));
    return { dup, nw, needsDecision: true };
  }
};
export default deskRoutes;
