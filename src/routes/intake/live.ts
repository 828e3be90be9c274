import { assertCanSeeFacility, PEOPLE_ROLES } from '../../domain/access.ts';
import { notFound } from '../../domain/errors.ts';
import { loadFacilityOccupancy } from '../../domain/occupancy/compute.ts';
import { defineLiveRegion, templateData } from '../../live/regions.ts';

/** The desk's free places (`/intake/check-in`) stay live while an officer chooses a unit: only the counts are re-sent. */
export const deskRegion = defineLiveRegion({
  name: 'desk',
  roles: PEOPLE_ROLES,
  authorize: async (ctx) => {
    const f = (await loadFacilityOccupancy(ctx.app.db, { facilityId: ctx.params.id ?? '' }))[0];
    if (!f) throw notFound();
    assertCanSeeFacility(ctx.actor, f);
  },
  relevant: (event, ctx) => (event.type === 'occupancy' || event.type === 'facility') && event.facilityId === ctx.params.id,
  render: async (ctx) => {
    const f = (await loadFacilityOccupancy(ctx.app.db, { facilityId: ctx.params.id ?? '' }))[0];
    const data = templateData(ctx, {});
    return (f?.units ?? []).map((u) => ctx.app.eta.render('partials/intake/unit-free', { ...data, u })).join('');
  },
});
