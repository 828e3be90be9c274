import { and, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { caseFollowUps, cases, persons, stays, type Role } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { hasRole, isWide, requireRole } from '../access.ts';
import { DomainError, forbidden, notFound } from '../errors.ts';
import { assertCanSeePerson, visiblePersonsFilter } from '../persons/scope.ts';

/**
 * Who may see and work a case (DOMAIN.md "ATENSI case work"). A pendamping
 * sees only the cases assigned to them, and through a case only that person:
 * being assigned by a manager of the facility or the command centre is what
 * lets them know a person at a protected facility. Everyone else follows the
 * person-record rules (src/domain/persons/scope.ts).
 */
export const CASE_READ_ROLES: readonly Role[] = ['admin', 'command', 'manager', 'intake', 'pendamping'];
export const CASE_CHANGE_ROLES: readonly Role[] = ['admin', 'command', 'manager', 'pendamping'];
export const CASE_ASSIGN_ROLES: readonly Role[] = ['admin', 'command', 'manager'];
export const WORKLIST_ROLES: readonly Role[] = ['admin', 'command', 'manager', 'intake', 'pendamping'];

export async function caseOf(db: Db | Tx, personId: string) {
  return await db.select().from(cases).where(eq(cases.personId, personId)).get() ?? null;
}

async function assertPersonExists(db: Db | Tx, personId: string) {
  const p = await db.select({ id: persons.id, merged: persons.mergedIntoId }).from(persons).where(eq(persons.id, personId)).get();
  if (!p || p.merged) throw notFound('residents.not_found');
}

/**
 * The pendamping account whose cases this actor works: the signed-in
 * pendamping, or the account a pendamping token was made for (none for a
 * token made without one: it holds no cases).
 */
export function caseOwnerOf(actor: Actor): string | null {
  if (actor.role !== 'pendamping') return null;
  if (actor.type === 'user') return actor.id;
  if (actor.type === 'token') return actor.accountId ?? null;
  return null;
}

export function isOwnCase(actor: Actor, pendampingId: string | null | undefined): boolean {
  const owner = caseOwnerOf(actor);
  return !!owner && pendampingId === owner;
}

export async function canSeeCase(db: Db | Tx, actor: Actor, personId: string): Promise<boolean> {
  try {
    await assertCanSeeCase(db, actor, personId);
    return true;
  } catch {
    return false;
  }
}

/** 404 (never 403) for a person outside the actor's reach: existence is not confirmed. */
export async function assertCanSeeCase(db: Db | Tx, actor: Actor, personId: string): Promise<void> {
  requireRole(actor, CASE_READ_ROLES);
  await assertPersonExists(db, personId);
  if (actor.role === 'pendamping') {
    const c = await caseOf(db, personId);
    if (!isOwnCase(actor, c?.pendampingId) && !(c && await ownsFollowUpOf(db, actor, c.id))) throw notFound('residents.not_found');
    return;
  }
  await assertCanSeePerson(db, actor, personId);
}

/**
 * A pendamping who owns a follow-up of someone else's case (after a return
 * home: the pendamping of the destination) sees that case and completes
 * that follow-up; changing anything else stays with the case's own pendamping.
 */
export async function ownsFollowUpOf(db: Db | Tx, actor: Actor, caseId: string, followUpId?: string): Promise<boolean> {
  const owner = caseOwnerOf(actor);
  if (!owner) return false;
  const where = followUpId
    ? and(eq(caseFollowUps.caseId, caseId), eq(caseFollowUps.ownerId, owner), eq(caseFollowUps.id, followUpId))
    : and(eq(caseFollowUps.caseId, caseId), eq(caseFollowUps.ownerId, owner));
  return !!await db.select({ id: caseFollowUps.id }).from(caseFollowUps).where(where).limit(1).get();
}

/**
 * A closed case (terminasi) is read-only: every change is refused, in words, until it is reopened;
 * only its follow-ups go on (the aftercare, bimbingan lanjut, comes after terminasi: work.ts addFollowUp).
 */
export const caseClosed = () => new DomainError('VALIDATION', 'cases.closed');

export async function assertCaseOpen(db: Db | Tx, personId: string): Promise<void> {
  if ((await caseOf(db, personId))?.closedAt) throw caseClosed();
}

/**
 * The rule of who works a case, for a case the actor already sees: a role that
 * changes cases, and for a pendamping only their own case (the one assigned to
 * them; a follow-up they own lets them complete that follow-up, nothing else).
 * Every "may work" below and each row of a list asks this (src/domain/worklists/aid.ts).
 */
export function worksCaseOf(actor: Actor, pendampingId: string | null | undefined): boolean {
  if (actor.role === 'pendamping') return isOwnCase(actor, pendampingId);
  return actor.role === 'system' || hasRole(actor, CASE_CHANGE_ROLES);
}

/** Works the case (its own pendamping, or a manager, the command centre, admin), and the case is open. */
export async function assertCanChangeCase(db: Db | Tx, actor: Actor, personId: string): Promise<void> {
  await assertCanWorkCase(db, actor, personId);
  await assertCaseOpen(db, personId);
}

/** As assertCanChangeCase, whether or not the case is closed (closing and reopening check that themselves). */
export async function assertCanWorkCase(db: Db | Tx, actor: Actor, personId: string): Promise<void> {
  await assertCanSeeCase(db, actor, personId);
  requireRole(actor, CASE_CHANGE_ROLES);
  if (!worksCaseOf(actor, (await caseOf(db, personId))?.pendampingId)) throw forbidden('cases.not_your_case');
}

/** A refusal as false; anything else (the database gone) still throws. */
async function allowed(check: Promise<void>): Promise<boolean> {
  try {
    await check;
    return true;
  } catch (err) {
    if (err instanceof DomainError) return false;
    throw err;
  }
}

/** Whether assertCanWorkCase lets this actor through: what a page asks before offering a case's forms. */
export async function canWorkCase(db: Db | Tx, actor: Actor, personId: string): Promise<boolean> {
  return await allowed(assertCanWorkCase(db, actor, personId));
}

/** Whether assertCanChangeCase lets this actor through (works the case, and it is open). */
export async function canChangeCase(db: Db | Tx, actor: Actor, personId: string): Promise<boolean> {
  return await allowed(assertCanChangeCase(db, actor, personId));
}

/**
 * Completing a follow-up: whoever works the case, or the pendamping who owns
 * that follow-up (the destination's, after a return home). Aftercare goes on
 * after terminasi: a closed case's follow-ups are still completed.
 */
export async function assertCanCompleteFollowUp(db: Db | Tx, actor: Actor, personId: string, followUpId: string): Promise<void> {
  await assertCanSeeCase(db, actor, personId);
  const c = await caseOf(db, personId);
  if (actor.role === 'pendamping' && c && !isOwnCase(actor, c.pendampingId) && await ownsFollowUpOf(db, actor, c.id, followUpId)) return;
  await assertCanWorkCase(db, actor, personId);
}

export async function canCompleteFollowUp(db: Db | Tx, actor: Actor, personId: string, followUpId: string): Promise<boolean> {
  return await allowed(assertCanCompleteFollowUp(db, actor, personId, followUpId));
}

/** The facility of the person's open stay, else of their latest one. */
export async function currentOrLastStay(db: Db | Tx, personId: string) {
  return (
    await db.select().from(stays).where(and(eq(stays.personId, personId), isNull(stays.checkedOutAt))).get() ??
    await db.select().from(stays).where(eq(stays.personId, personId)).orderBy(desc(stays.checkedInAt)).limit(1).get() ??
    null
  );
}

/** A manager assigns for people at their facility (now, or last); the command centre and admin for anyone they see. */
export async function assertCanAssign(db: Db | Tx, actor: Actor, personId: string): Promise<void> {
  requireRole(actor, CASE_ASSIGN_ROLES);
  await assertCanSeeCase(db, actor, personId);
  if (isWide(actor)) return;
  const stay = await currentOrLastStay(db, personId);
  if (!stay || stay.facilityId !== actor.facilityId) throw forbidden('cases.assign_not_here');
}

/** Whether assertCanAssign lets this actor through (the case page's assign and reopen forms). */
export async function canAssign(db: Db | Tx, actor: Actor, personId: string): Promise<boolean> {
  return await allowed(assertCanAssign(db, actor, personId));
}

/** SQL: the case (alias c) / person (personIdColumn) is within this actor's caseload scope. */
export function caseScopeFilter(actor: Actor, personIdColumn: SQL): SQL {
  if (actor.role === 'pendamping') {
    const owner = caseOwnerOf(actor);
    // Their own cases, and the cases whose follow-up they own (after a return home to their region).
    return owner
      ? sql`exists (select 1 from cases cs where cs.person_id = ${personIdColumn} and (cs.pendamping_id = ${owner} or exists (select 1 from case_follow_ups ofu where ofu.case_id = cs.id and ofu.owner_id = ${owner})))`
      : sql`1 = 0`;
  }
  return visiblePersonsFilter(actor, personIdColumn);
}
