import { getFacility } from '../../domain/facilities/index.ts';
import { defineLiveRegion, templateData } from '../../live/regions.ts';
import { READERS } from './access.ts';
import { CHOICES } from './choices.ts';

/**
 * A facility page stays live (`/facilities/:id`): its figures, each unit's
 * figures and who is there are sent again after every change at this
 * facility. The forms are left alone, so nobody loses what they are typing.
 */
export const facilityRegion = defineLiveRegion({
  name: 'facility',
  roles: READERS.access,
  authorize: async (ctx) => {
    await getFacility(ctx.app.db, ctx.actor, ctx.params.id ?? '');
  },
  relevant: (event, ctx) =>
    (event.type === 'occupancy' || event.type === 'facility' || event.type === 'referral') &&
    ('facilityId' in event ? event.facilityId === ctx.params.id : event.type === 'referral' && (event.toFacilityId === ctx.params.id || event.fromFacilityId === ctx.params.id)),
  render: async (ctx) => {
    const d = await getFacility(ctx.app.db, ctx.actor, ctx.params.id ?? '');
    const data = templateData(ctx, { ...CHOICES, d });
    const full = d.powers.numbers === 'full';
    const byUnit = new Map(d.occupancy.units.map((u) => [u.id, u]));
    let html = ctx.app.eta.render('partials/facilities/summary', data);
    for (const u of d.units) html += ctx.app.eta.render('partials/facilities/unit-figures', { ...data, u, uo: byUnit.get(u.id), full });
    if (d.people) html += ctx.app.eta.render('partials/facilities/people', data);
    return html;
  },
});
