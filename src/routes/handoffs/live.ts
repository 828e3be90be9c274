import type { HubEvent } from '../../domain/events.ts';
import { registerLiveRegion, templateData, type RegionContext } from '../../live/regions.ts';
import { isWide, hasRole } from '../../domain/access.ts';
import { listHandoffs, readHandoff } from '../../domain/handoffs/read.ts';
import { VIEW_ROLES, withinWilayah } from '../../domain/handoffs/scope.ts';
import { showData } from './views.ts';

/** Might this handoff event concern what this actor sees? (The render itself is scoped exactly.) */
function mayConcern(event: Extract<HubEvent, { type: 'handoff' }>, ctx: RegionContext): boolean {
  const a = ctx.actor;
  if (isWide(a)) return true;
  if (hasRole(a, ['manager', 'intake'])) return a.facilityId === event.facilityId;
  if (hasRole(a, ['satpol'])) return withinWilayah(a.wilayahCode, event.wilayahCode);
  return false;
}

/**
 * The live regions of the handoff pages (over /live/html): the list, and one
 * handoff's summary and accounted lines. A line only ever changes from
 * pending to accounted, so only accounted lines are re-sent: a line with its
 * forms (and a reason half typed) is never replaced under the officer's hands.
 */
export function registerHandoffRegions(): void {
  registerLiveRegion({
    name: 'handoffs',
    roles: VIEW_ROLES,
    relevant: (event, ctx) => event.type === 'handoff' && mayConcern(event, ctx),
    render: async (ctx) => ctx.app.eta.render('partials/handoffs/list', templateData(ctx, { items: await listHandoffs({ db: ctx.app.db, actor: ctx.actor }) })),
  });

  registerLiveRegion({
    name: 'handoff',
    roles: VIEW_ROLES,
    authorize: async (ctx) => {
      await readHandoff({ db: ctx.app.db, actor: ctx.actor, id: ctx.params.id ?? '' });
    },
    relevant: (event, ctx) => event.type === 'handoff' && event.handoffId === ctx.params.id,
    render: async (ctx) => {
      const d = await readHandoff({ db: ctx.app.db, actor: ctx.actor, id: ctx.params.id ?? '' });
      const shown = showData(ctx.app, ctx.actor, d);
      const data = templateData(ctx, shown);
      let html = ctx.app.eta.render('partials/handoffs/summary', data);
      for (const l of shown.accounted) html += ctx.app.eta.render('partials/handoffs/line', { ...data, l });
      return html;
    },
  });
}
