import type { FastifyInstance } from 'fastify';
import type { HubEvent } from '../../domain/events.ts';
import type { Actor } from '../../domain/actor.ts';
import { defineLiveRegion, templateData, type RegionContext } from '../../live/regions.ts';
import { hasRole } from '../../domain/access.ts';
import { linesByGroup, listHandoffs, readHandoff, type HandoffDetail } from '../../domain/handoffs/read.ts';
import { VIEW_ROLES, handoffWithinScope } from '../../domain/handoffs/scope.ts';

/** Might this handoff event concern what this actor sees? (The render itself is scoped exactly.) */
function mayConcern(event: Extract<HubEvent, { type: 'handoff' }>, ctx: RegionContext): boolean {
  return handoffWithinScope(ctx.actor, event);
}

/** Links a handoff page may offer, by what this app serves and who is looking. */
function lineLinks(app: FastifyInstance, actor: Actor) {
  return {
    residents: app.hasRoute({ method: 'GET', url: '/residents/:id' }),
    // Placing a received person is the desk's next step (the intake area's check-in page).
    checkIn: hasRole(actor, ['intake', 'manager']) && app.hasRoute({ method: 'GET', url: '/intake/check-in' }),
  };
}

/** Template data of the handoff page (views.ts) and of its live region. */
export function showData(app: FastifyInstance, actor: Actor, d: HandoffDetail) {
  return { d, links: lineLinks(app, actor), accounted: d.lines.filter((l) => l.status !== 'PENDING'), blocks: linesByGroup(d.lines) };
}

/** The list of handoffs (`/handoffs`), live over /live/html. */
export const handoffsRegion = defineLiveRegion({
  name: 'handoffs',
  roles: VIEW_ROLES,
  relevant: (event, ctx) => event.type === 'handoff' && mayConcern(event, ctx),
  render: async (ctx) => ctx.app.eta.render('partials/handoffs/list', templateData(ctx, { items: await listHandoffs({ db: ctx.app.db, actor: ctx.actor }) })),
});

/**
 * One handoff's summary and accounted lines (`/handoffs/:id`). A line only
 * ever changes from pending to accounted, so only accounted lines are
 * re-sent: a line with its forms (and a reason half typed) is never replaced
 * under the officer's hands.
 */
export const handoffRegion = defineLiveRegion({
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
