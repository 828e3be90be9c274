import { z } from 'zod';
import { write, type Db } from '../../db/client.ts';
import { CLUSTERS, personClusters } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { audit } from '../audit.ts';
import { parseInput, text } from '../validate.ts';
import { nowIso } from '../../lib/time.ts';
import { clusterOf, type PersonCluster } from '../persons/cluster.ts';
import { assertCanChangeCase } from './scope.ts';

/**
 * Setting a person's cluster by hand (DOMAIN.md "ATENSI case work"). The
 * rule that derives it, and "the override, else the derived one", live in
 * the person kernel (src/domain/persons/cluster.ts).
 */
export const SetClusterInput = z.object({
  cluster: z.preprocess((v) => (v === '' ? undefined : v), z.enum(CLUSTERS, { error: 'cases.cluster_invalid' })),
  reason: text(300),
});
export type SetClusterInput = z.infer<typeof SetClusterInput>;

/** Sets a person's cluster by hand, with a reason (audited); whoever may change the case may do it. */
export async function setCluster(args: { db: Db; actor: Actor; personId: string; input: unknown }): Promise<PersonCluster> {
  const input = parseInput(SetClusterInput, args.input, args.actor.lang);
  return await write(args.db, async (tx) => {
    await assertCanChangeCase(tx, args.actor, args.personId);
    const before = await clusterOf(tx, args.personId);
    const at = nowIso();
    await tx.insert(personClusters)
      .values({ personId: args.personId, cluster: input.cluster, reason: input.reason, setBy: args.actor.id, setAt: at })
      .onConflictDoUpdate({ target: personClusters.personId, set: { cluster: input.cluster, reason: input.reason, setBy: args.actor.id, setAt: at } })
      .run();
    await audit(tx, args.actor, {
      action: 'case.cluster',
      entity: 'person',
      entityId: args.personId,
      at,
      detail: { from: before.cluster, to: input.cluster, derived: before.derived, reason: input.reason },
    });
    return await clusterOf(tx, args.personId);
  });
}
