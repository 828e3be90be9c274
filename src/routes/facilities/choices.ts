import { CLUSTERS, FACILITY_KINDS, FACILITY_STATUSES, SERVICES, UNIT_ADMITS, UNIT_FEATURES, UNIT_STATUSES } from '../../db/schema/index.ts';
import { NEEDS } from '../../domain/facilities/index.ts';
import { bedLabels } from '../../domain/facilities/beds.ts';
import { loadLevel } from '../../domain/occupancy/compute.ts';

/** What the templates need besides the data: the lists they draw choices from. */
export const CHOICES = {
  kinds: FACILITY_KINDS,
  statuses: FACILITY_STATUSES,
  services: SERVICES,
  clusters: CLUSTERS,
  needs: NEEDS,
  admits: UNIT_ADMITS,
  features: UNIT_FEATURES,
  unitStatuses: UNIT_STATUSES,
  bedLabels,
  loadLevel,
};

