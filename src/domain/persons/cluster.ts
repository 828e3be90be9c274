import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { personClusters, persons, type Cluster, type PpksCategory } from '../../db/schema/index.ts';
import { notFound } from '../errors.ts';
import { nowIso, wibDate } from '../../lib/time.ts';
import { ageNeeds, ageOn } from './age.ts';
import type { PersonRow } from './record.ts';

/**
 * The ATENSI cluster of a person (DOMAIN.md "ATENSI case work"), derived from
 * needs and category, never typed: a child → anak; a disability →
 * disabilitas; 60+ → lansia; drug dependence → napza; homeless, beggar,
 * scavenger, trafficking victim, laid-off worker (korban PHK) or any other
 * warga terlantar of a TPS (lainnya) → tuna_sosial (the PWTC article puts
 * them with the tuna sosial services). Where several apply, the
 * first rule below wins: a child with a disability is first a child (Sakti
 * Peksos), a drug-dependent person first an addiction case, a homeless
 * elderly person first lansia. Null only when nothing is known (no
 * category and no need): every person the desk categorises has a cluster.
 *
 * Called by the person page, the API, routing (facility clusters), case
 * work and reports: one place for the rule. A case worker may set a
 * person's cluster by hand, with a reason (person_clusters, cases/cluster.ts);
 * every reader then gives "the override, else the derived one" through
 * `effectiveCluster` or `clusterOf` below, never on its own.
 */
export interface ClusterFacts {
  age: number | null;
  category?: PpksCategory | null;
  disabilities?: readonly string[];
  wheelchair?: boolean;
  napza?: boolean;
  traffickingVictim?: boolean;
  unaccompaniedChild?: boolean;
}

export const CLUSTER_RULES: readonly { cluster: Cluster; why: string; test: (p: ClusterFacts) => boolean }[] = [
  { cluster: 'anak', why: 'child', test: (p) => ageNeeds(p.age).includes('child') || p.unaccompaniedChild === true || p.category === 'anak_jalanan' },
  { cluster: 'napza', why: 'napza', test: (p) => p.napza === true },
  { cluster: 'disabilitas', why: 'disability', test: (p) => (p.disabilities?.length ?? 0) > 0 || p.wheelchair === true || p.category === 'disabilitas_terlantar' },
  { cluster: 'lansia', why: 'elderly', test: (p) => ageNeeds(p.age).includes('elderly') || p.category === 'lansia_terlantar' },
  {
    cluster: 'tuna_sosial',
    why: 'tuna_sosial',
    test: (p) => p.traffickingVictim === true || p.category === 'gelandangan' || p.category === 'pengemis' || p.category === 'pemulung' || p.category === 'korban_perdagangan_orang' || p.category === 'korban_phk' || p.category === 'lainnya',
  },
];

export interface DerivedCluster {
  cluster: Cluster;
  /** Which fact decided it (an i18n suffix: residents.cluster_why.<why>). */
  why: string;
}

export function derivedClusterWithReason(p: ClusterFacts): DerivedCluster | null {
  const rule = CLUSTER_RULES.find((r) => r.test(p));
  return rule ? { cluster: rule.cluster, why: rule.why } : null;
}

/** The person's cluster, or null. */
export function derivedCluster(p: ClusterFacts): Cluster | null {
  return derivedClusterWithReason(p)?.cluster ?? null;
}

/** What a person page says of the cluster: the override (why: 'override'), else the derived one with the fact that decided it. */
export function clusterWithReason(override: Cluster | null | undefined, facts: ClusterFacts): DerivedCluster | null {
  return override ? { cluster: override, why: 'override' } : derivedClusterWithReason(facts);
}

/** The facts of a stored person on a day (the age is computed, never stored). */
export function clusterFactsOf(p: Pick<PersonRow, 'birthDate' | 'estimatedAge' | 'estimatedAt' | 'category' | 'disabilities' | 'wheelchair' | 'napza' | 'traffickingVictim' | 'unaccompaniedChild'>, today: string): ClusterFacts {
  return {
    age: ageOn(p, today),
    category: p.category,
    disabilities: p.disabilities,
    wheelchair: p.wheelchair,
    napza: p.napza,
    traffickingVictim: p.traffickingVictim,
    unaccompaniedChild: p.unaccompaniedChild,
  };
}

/** The same facts from a raw `persons` row (snake_case, as `select p.*` gives it), for reads written in SQL. */
export function clusterFactsOfRow(r: Record<string, unknown>, today: string): ClusterFacts {
  const truthy = (v: unknown) => v === 1 || v === true;
  return clusterFactsOf(
    {
      birthDate: r.birth_date as string | null,
      estimatedAge: r.estimated_age as number | null,
      estimatedAt: r.estimated_at as string | null,
      category: r.category as PpksCategory | null,
      disabilities: (typeof r.disabilities === 'string' ? JSON.parse(r.disabilities || '[]') : (r.disabilities ?? [])) as PersonRow['disabilities'],
      traffickingVictim: truthy(r.trafficking_victim),
      unaccompaniedChild: truthy(r.unaccompanied_child),
      napza: truthy(r.napza),
      wheelchair: truthy(r.wheelchair),
    },
    today,
  );
}

/** "The override, else the derived one": the person's cluster as every reader gives it. */
export function effectiveCluster(override: Cluster | null | undefined, facts: ClusterFacts): Cluster | null {
  return override ?? derivedCluster(facts);
}

export interface PersonCluster {
  cluster: Cluster | null;
  derived: Cluster | null;
  override: { cluster: Cluster; reason: string; set_at: string } | null;
}

/** The cluster a case worker set by hand for this person, if any. */
export async function clusterOverrideOf(db: Db | Tx, personId: string): Promise<Cluster | null> {
  return (await db.select({ cluster: personClusters.cluster }).from(personClusters).where(eq(personClusters.personId, personId)).get())?.cluster ?? null;
}

/** A person's cluster with how it came to be: derived from the facts, or set by hand with a reason. */
export async function clusterOf(db: Db | Tx, personId: string, today = wibDate(nowIso())): Promise<PersonCluster> {
  const p = await db.select().from(persons).where(eq(persons.id, personId)).get();
  if (!p) throw notFound('residents.not_found');
  return await clusterOfRow(db, p, today);
}

/** The same for a person row already read. */
export async function clusterOfRow(db: Db | Tx, p: PersonRow, today: string): Promise<PersonCluster> {
  const derived = derivedCluster(clusterFactsOf(p, today));
  const o = await db.select().from(personClusters).where(eq(personClusters.personId, p.id)).get();
  return {
    cluster: o ? o.cluster : derived,
    derived,
    override: o ? { cluster: o.cluster, reason: o.reason, set_at: o.setAt } : null,
  };
}
