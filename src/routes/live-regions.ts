import type { LiveRegion } from '../live/regions.ts';
import { boardRegion } from './board/live.ts';
import { facilityRegion } from './facilities/live.ts';
import { handoffRegion, handoffsRegion } from './handoffs/live.ts';
import { homeRegion } from './home/live.ts';
import { deskRegion } from './intake/live.ts';
import { referralsRegion } from './referrals/live.ts';

/**
 * Every region the pages' socket (/live/html, src/live/html.ts) serves. Each is
 * a module beside its page's route (src/routes/<area>/live.ts), imported by that
 * route for the page's socket address: page → route → region by import.
 */
export const LIVE_REGIONS: readonly LiveRegion[] = [boardRegion, facilityRegion, handoffsRegion, handoffRegion, homeRegion, deskRegion, referralsRegion];
