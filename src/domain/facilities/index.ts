/** Facilities and their units: the verbs (also called by the demo seed) and the queries. */
export { createFacility } from './create-facility.ts';
export { updateFacility } from './update-facility.ts';
export { setFacilityStatus } from './set-facility-status.ts';
export { addUnit } from './add-unit.ts';
export { updateUnit } from './update-unit.ts';
export { listFacilities, getFacility, unitHistory, hasFreeFor } from './queries.ts';
export { peopleInside, openReferralsTo, personLabel } from './people.ts';
export { searchWilayah, resolveKabKota } from '../reference/wilayah.ts';
export { powersOver } from './scope.ts';
export { bedLabels, isBedLabel } from './beds.ts';
export * from './inputs.ts';
