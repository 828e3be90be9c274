import type { Cluster, PpksCategory } from '../../db/schema/index.ts';
import { ageNeeds } from './age.ts';

/**
 * The ATENSI cluster of a person (DOMAIN.md "ATENSI case work"), derived from
 * needs and category, never typed: a child → anak; a disability →
 * disabilitas; 60+ → lansia; drug dependence → napza; homeless, beggar,
 * scavenger, trafficking victim → tuna_sosial. Where several apply, the
 * first rule below wins: a child with a disability is first a child (Sakti
 * Peksos), a drug-dependent person first an addiction case, a homeless
 * elderly person first lansia. Null when nothing points at a cluster (a
 * laid-off worker, say).
 *
 * Called by the person page, the API, routing (facility clusters) and case
 * work (issue 15): one place for the rule. No override column exists yet:
 * a case may keep its own, with a reason.
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
    test: (p) => p.traffickingVictim === true || p.category === 'gelandangan' || p.category === 'pengemis' || p.category === 'pemulung' || p.category === 'korban_perdagangan_orang',
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
