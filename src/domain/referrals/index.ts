/**
 * Referrals between facilities (issue 5): verbs over { db, actor, input },
 * for the pages, the API and the demo seed alike.
 */
export { proposeReferral, DEFAULT_HOLD_MINUTES } from './propose.ts';
export { acceptReferral, refuseReferral, departReferral, cancelReferral } from './steps.ts';
export { arriveReferral } from './arrive.ts';
export { expireReferrals } from './expire.ts';
export { listReferrals, getReferral, inbox, personAlerts } from './read.ts';
export { resolveAlert } from './alerts.ts';
export type { ReferralRecord } from './view.ts';
