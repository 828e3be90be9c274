import type { Db } from '../../db/client.ts';
import type { Actor } from '../../domain/actor.ts';
import { boardData, age } from '../../domain/board/board.ts';
import { listHandoffs } from '../../domain/handoffs/read.ts';
import { openDeskAlerts } from '../../domain/alerts.ts';
import { defineLiveRegion, templateData } from '../../live/regions.ts';
import type { Lang } from '../../i18n/index.ts';

/** Roles whose home shows the Satpol PP handoffs coming to their facility. */
export const DESK = ['manager', 'intake'] as const;
/** Roles whose home shows what needs action across the province. */
export const WIDE = ['command', 'admin'] as const;

/** Open handoffs coming to the desk's facility (the same list /handoffs/incoming serves). */
export async function incomingFor(db: Db, actor: Actor) {
  return await listHandoffs({ db, actor, status: 'OPEN', limit: 20 });
}

/** Alerts the desk's facility must act on (a child who left, a lapsed referral…), shown until someone acts. */
export async function deskAlertsFor(db: Db, actor: Actor) {
  return await openDeskAlerts(db, actor.facilityId);
}

/** What needs the command centre's action: the wall's alerts, referrals in flight and open handoffs. */
export async function actionsFor(db: Db, actor: Actor, handoffAlertMinutes: number, lang: Lang) {
  const now = new Date();
  const b = await boardData(db, actor, now, { handoffAlertMinutes });
  return { alerts: b.alerts, referrals: b.referrals, handoffs: b.handoffs, ago: (iso: string) => age(iso, now, lang) };
}

/**
 * The home page (`/`) kept live: a new handoff shows on the desk's home within
 * a second (it polled every 30 s), and the command centre's counts follow the day.
 */
export const homeRegion = defineLiveRegion({
  name: 'home',
  roles: [...DESK, ...WIDE],
  relevant: (event, ctx) => {
    if ((WIDE as readonly string[]).includes(ctx.actor.role)) return true;
    return (event.type === 'handoff' || event.type === 'alert') && event.facilityId === ctx.actor.facilityId;
  },
  render: async (ctx) =>
    (WIDE as readonly string[]).includes(ctx.actor.role)
      ? ctx.app.eta.render('partials/home/actions', templateData(ctx, { actions: await actionsFor(ctx.app.db, ctx.actor, ctx.app.config.HANDOFF_ALERT_MINUTES, ctx.lang) }))
      : ctx.app.eta.render('partials/handoffs/incoming', templateData(ctx, { incoming: await incomingFor(ctx.app.db, ctx.actor), deskAlerts: await deskAlertsFor(ctx.app.db, ctx.actor), liveIncoming: true })),
});
