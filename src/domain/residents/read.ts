import { eq } from 'drizzle-orm';
import { write, type Db } from '../../db/client.ts';
import { persons } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { PEOPLE_ROLES, requireRole } from '../access.ts';
import { audit } from '../audit.ts';
import { notFound } from '../errors.ts';
import { nowIso, wibDate } from '../../lib/time.ts';
import { assertCanSeePerson } from '../persons/scope.ts';
import { maskIdNumber } from '../persons/nik.ts';
import { liveRecord } from '../persons/record.ts';
import { clusterFactsOf, clusterOverrideOf, clusterWithReason } from '../persons/cluster.ts';
import { personRecord } from './view.ts';
import { loadDetail } from './detail.ts';

/**
 * One person's full record. Reading it is an audit event ('person.read');
 * revealing the NIK is another ('person.reveal_nik'). A record merged into
 * another answers with the one that lives on (`redirectedFrom` says so).
 */
export async function readPerson(args: { db: Db; actor: Actor; id: string; revealNik?: boolean; view?: string }) {
  const { db, actor } = args;
  requireRole(actor, PEOPLE_ROLES);
  const now = nowIso();
  const today = wibDate(now);
  return await write(db, async (tx) => {
    const asked = await tx.select({ id: persons.id, mergedIntoId: persons.mergedIntoId, anonymisedAt: persons.anonymisedAt }).from(persons).where(eq(persons.id, args.id)).get();
    if (!asked) throw notFound('residents.not_found');
    const p = asked.mergedIntoId ? await liveRecord(tx, asked.id) : await tx.select().from(persons).where(eq(persons.id, asked.id)).get();
    if (!p) throw notFound('residents.not_found');
    await assertCanSeePerson(tx, actor, p.id);
    await audit(tx, actor, { action: 'person.read', entity: 'person', entityId: p.id, at: now, detail: args.view ? { view: args.view } : {} });
    if (args.revealNik && p.nik) await audit(tx, actor, { action: 'person.reveal_nik', entity: 'person', entityId: p.id, at: now });
    const detail = await loadDetail(tx, actor, p, today);
    return {
      ...detail,
      record: await personRecord(tx, p, { today, revealNik: args.revealNik === true }),
      /** The cluster as the person page states it, with why. */
      cluster: clusterWithReason(await clusterOverrideOf(tx, p.id), clusterFactsOf(p, today)),
      nik: args.revealNik ? p.nik : maskIdNumber(p.nik),
      kk: args.revealNik ? p.kk : maskIdNumber(p.kk),
      revealed: args.revealNik === true && p.nik !== null,
      redirectedFrom: asked.mergedIntoId ? asked.id : null,
    };
  });
}
