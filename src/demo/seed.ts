import { write, type Db } from '../db/client.ts';
import { facilities, units, unitChanges } from '../db/schema/index.ts';
import { createUser } from '../domain/accounts/users.ts';
import { SYSTEM_ACTOR, type Actor } from '../domain/actor.ts';
import { markDemoDatabase } from '../domain/demo-flag.ts';
import { newId } from '../lib/ids.ts';
import { nowIso } from '../lib/time.ts';
import { DEMO_ACCOUNTS, DEMO_FACILITIES, DEMO_PASSWORD, PWTC_FACILITIES } from './facilities.ts';
import { seedPopulation, DEFAULT_PLAN, PWTC_PLAN, type PopulationResult } from './population.ts';
import { seedCaseWork } from './cases.ts';

export const DEMO_ACTOR: Actor = { ...SYSTEM_ACTOR, label: 'demo-seed' };

/** Facilities and their units, as an administrator would have entered them. */
export async function seedFacilities(db: Db, list = DEMO_FACILITIES, since?: Date): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  // Facilities and units exist from before the history begins, so reports see their capacity on every day.
  const now = since ? since.toISOString() : nowIso();
  await write(db, async (tx) => {
    await markDemoDatabase(tx);
    for (const f of list) {
      const id = newId();
      ids.set(f.code, id);
      await tx.insert(facilities)
        .values({
          id,
          code: f.code,
          kind: f.kind,
          name: f.name,
          wilayahCode: f.wilayah,
          address: f.address,
          lat: f.lat,
          lng: f.lng,
          contactName: f.contactName,
          contactPhone: f.contactPhone,
          operator: f.operator,
          status: f.status,
          statusChangedAt: now,
          statusChangedBy: 'demo-seed',
          services: f.services,
          clusters: f.clusters,
          protected: f.protected ?? false,
          isDemo: true,
          createdAt: now,
          updatedAt: now,
        })
        .run();
      for (const [i, u] of (f.units).entries()) {
        const unitId = newId();
        await tx.insert(units)
          .values({
            id: unitId,
            facilityId: id,
            name: u.name,
            capacity: u.capacity,
            admits: u.admits,
            features: u.features ?? [],
            bedLabelPattern: u.bedLabelPattern ?? null,
            sortOrder: i,
            createdAt: now,
          })
          .run();
        await tx.insert(unitChanges).values({ unitId, at: now, field: 'created', toValue: String(u.capacity), reason: 'demo' }).run();
      }
    }
  });
  return ids;
}

export async function seedAccounts(db: Db): Promise<void> {
  for (const a of DEMO_ACCOUNTS) {
    await createUser({ db, actor: DEMO_ACTOR, input: a, password: DEMO_PASSWORD, isDemo: true, mustChangePassword: false });
  }
}

/**
 * The demo database: DKI Jakarta facilities, one account per role, and a
 * history of residents, referrals and Satpol PP handoffs. `pwtc` builds the
 * 2020 picture of DOMAIN.md: about forty facilities and 5,836 people handled.
 */
export async function seedDemo(db: Db, opts: { scale?: 'default' | 'pwtc'; now?: Date } = {}): Promise<PopulationResult> {
  const pwtc = opts.scale === 'pwtc';
  const plan = pwtc ? PWTC_PLAN : DEFAULT_PLAN;
  const now = opts.now ?? new Date();
  await seedFacilities(db, pwtc ? PWTC_FACILITIES : DEMO_FACILITIES, new Date(now.getTime() - (plan.days + 1) * 24 * 3600_000));
  await seedAccounts(db);
  const population = await seedPopulation(db, plan, now);
  await seedCaseWork(db, now);
  return population;
}
