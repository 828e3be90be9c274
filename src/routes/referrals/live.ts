import { isWide, PEOPLE_ROLES } from '../../domain/access.ts';
import { defineLiveRegion } from '../../live/regions.ts';

/**
 * The referral inbox (`/referrals`) kept live: told of a referral step at the
 * actor's facility (or any, for the command centre) and of alerts.
 */
export const referralsRegion = defineLiveRegion({
  name: 'referrals',
  roles: PEOPLE_ROLES,
  relevant: (event, ctx) => {
    if (event.type === 'alert') return isWide(ctx.actor);
    if (event.type !== 'referral') return false;
    return isWide(ctx.actor) || event.toFacilityId === ctx.actor.facilityId || event.fromFacilityId === ctx.actor.facilityId;
  },
  // The page fetches its inbox again (with its own CSRF token for the forms in it) when told.
  render: (ctx) => ctx.app.eta.render('partials/referrals/live', { oob: true, stamp: Date.now() }),
});
