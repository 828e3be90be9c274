import { write, type Db } from '../../db/client.ts';
import type { Actor } from '../actor.ts';
import { PEOPLE_ROLES, requireRole } from '../access.ts';
import { audit } from '../audit.ts';
import { notFound } from '../errors.ts';
import { assertCanSeePerson } from '../persons/scope.ts';
import { liveRecord } from '../persons/record.ts';

/** The NIK (and KK) in full, for one person; audited as 'person.reveal_nik'. */
export async function revealNik(args: { db: Db; actor: Actor; id: string }): Promise<{ id: string; nik: string | null; kk: string | null }> {
  const { db, actor } = args;
  requireRole(actor, PEOPLE_ROLES);
  return await write(db, async (tx) => {
    const p = await liveRecord(tx, args.id);
    if (!p) throw notFound('residents.not_found');
    await assertCanSeePerson(tx, actor, p.id);
    await audit(tx, actor, { action: 'person.reveal_nik', entity: 'person', entityId: p.id, detail: { had_nik: p.nik !== null } });
    return { id: p.id, nik: p.nik, kk: p.kk };
  });
}
