import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { write, type Db, type Tx } from '../../db/client.ts';
import { CLUSTERS, personClusters, persons, type Cluster, type PpksCategory } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { audit } from '../audit.ts';
import { notFound } from '../errors.ts';
import { parseInput, text } from '../validate.ts';
import { nowIso, wibDate } from '../../lib/time.ts';
import { ageOn } from '../residents/age.ts';
import { derivedCluster } from '../residents/cluster.ts';
import { assertCanChangeCase } from './scope.ts';

/**
 * A person's rehabilitation cluster (DOMAIN.md "ATENSI case work"): a child →
 * anak; a disability → disabilitas; 60+ → lansia; drug dependence → napza;
 * homeless, beggar, scavenger, trafficking victim → tuna_sosial. The first
 * The rule itself lives once, in `derivedCluster` (src/domain/residents/cluster.ts);
 * this adapter computes the age on a given day from a person row.
 */
export interface ClusterFacts {
  birthDate: string | null;
  estimatedAge: number | null;
  estimatedAt: string | null;
  category: string | null;
  disabilities: readonly string[];
  traffickingVictim: boolean;
  unaccompaniedChild: boolean;
  napza?: boolean;
  wheelchair?: boolean;
}

/** The facts from a raw `persons` row (snake_case, as `select p.*` gives it). */
export function clusterFactsOfRow(r: Record<string, unknown>): ClusterFacts {
  return {
    birthDate: r.birth_date as string | null,
    estimatedAge: r.estimated_age as number | null,
    estimatedAt: r.estimated_at as string | null,
    category: r.category as string | null,
    disabilities: JSON.parse((r.disabilities as string) || '[]') as string[],
    traffickingVictim: r.trafficking_victim === 1,
    unaccompaniedChild: r.unaccompanied_child === 1,
    napza: r.napza === 1,
    wheelchair: r.wheelchair === 1,
  };
}

export function deriveCluster(p: ClusterFacts, today: string): Cluster | null {
  return derivedCluster({
    age: ageOn(p, today),
    category: p.category as PpksCategory | null,
    disabilities: p.disabilities,
    wheelchair: p.wheelchair,
    napza: p.napza,
    traffickingVictim: p.traffickingVictim,
    unaccompaniedChild: p.unaccompaniedChild,
  });
}

export interface PersonCluster {
  cluster: Cluster | null;
  derived: Cluster | null;
  override: { cluster: Cluster; reason: string; set_at: string } | null;
}

export async function clusterOf(db: Db | Tx, personId: string, today = wibDate(nowIso())): Promise<PersonCluster> {
  const p = await db.select().from(persons).where(eq(persons.id, personId)).get();
  if (!p) throw notFound('residents.not_found');
  const derived = deriveCluster(p, today);
  const o = await db.select().from(personClusters).where(eq(personClusters.personId, personId)).get();
  return {
    cluster: o ? o.cluster : derived,
    derived,
    override: o ? { cluster: o.cluster, reason: o.reason, set_at: o.setAt } : null,
  };
}

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
