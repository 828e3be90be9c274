import { write, type Db } from '../db/client.ts';
import { eq } from 'drizzle-orm';
import { facilities, units, unitChanges, users } from '../db/schema/index.ts';
import { audit } from '../domain/audit.ts';
import { resolveBinding } from '../domain/accounts/binding.ts';
import { createUser } from '../domain/accounts/users.ts';
import { SYSTEM_ACTOR, type Actor } from '../domain/actor.ts';
import { markDemoDatabase } from '../domain/demo-flag.ts';
import { newId } from '../lib/ids.ts';
import { nowIso } from '../lib/time.ts';
import { DEMO_ACCOUNTS, DEMO_FACILITIES, DEMO_PASSWORD, PWTC_FACILITIES } from './facilities.ts';
import { seedPopulation, sampleHistory, DEFAULT_PLAN, PWTC_PLAN, type PopulationResult } from './population.ts';
import { seedNational, type NationalResult } from './national.ts';
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

/**
 * The demo accounts through the verb. `oneHash`: the first through the verb,
 * the others with its password hash (the same public password; scrypt takes
 * about a second an account on a small machine, too long for the national build).
 */
export async function seedAccounts(db: Db, opts: { oneHash?: boolean } = {}): Promise<void> {
  if (!opts.oneHash) {
    for (const a of DEMO_ACCOUNTS) {
      await createUser({ db, actor: DEMO_ACTOR, input: a, password: DEMO_PASSWORD, isDemo: true, mustChangePassword: false });
    }
    return;
  }
  const [first, ...rest] = DEMO_ACCOUNTS;
  const created = await createUser({ db, actor: DEMO_ACTOR, input: first, password: DEMO_PASSWORD, isDemo: true, mustChangePassword: false });
  const hash = (await db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, created.id)).get())!.hash;
  await write(db, async (tx) => {
    for (const a of rest) {
      const { facilityId, wilayahCode } = await resolveBinding(tx, a.role, 'facility' in a ? a.facility : undefined, 'wilayah' in a ? a.wilayah : undefined);
      const cluster = 'cluster' in a ? a.cluster : null;
      const id = newId();
      const at = nowIso();
      await tx.insert(users)
        .values({ id, username: a.username, displayName: a.display_name, staffNumber: 'staff_number' in a ? a.staff_number : '', passwordHash: hash, role: a.role, facilityId, wilayahCode, cluster, mustChangePassword: false, isDemo: true, createdAt: at })
        .run();
      await audit(tx, DEMO_ACTOR, { action: 'user.create', entity: 'user', entityId: id, at, detail: { username: a.username, role: a.role, facilityId, wilayahCode, ...(cluster ? { cluster } : {}) } });
    }
  });
}

/**
 * The demo database: DKI Jakarta facilities, one account per role, and a
 * history of residents, referrals and Satpol PP handoffs. `pwtc` builds the
 * 2020 picture of DOMAIN.md: about forty facilities and 5,836 people handled.
 * `national` builds about 2,000 facilities in all 38 provinces, 20,000 units,
 * 100,000 persons and a year of stays, in bulk (national.ts); `factor` shrinks
 * it (tests build 1 %).
 */
export type DemoScale = 'default' | 'pwtc' | 'national';
export const DEMO_SCALES: readonly DemoScale[] = ['default', 'pwtc', 'national'];

export async function seedDemo(db: Db, opts: { scale: 'national'; now?: Date; factor?: number }): Promise<NationalResult>;
export async function seedDemo(db: Db, opts?: { scale?: DemoScale; now?: Date; factor?: number }): Promise<PopulationResult>;
export async function seedDemo(db: Db, opts: { scale?: DemoScale; now?: Date; factor?: number } = {}): Promise<PopulationResult> {
  if (opts.scale === 'national') {
    // Bulk-written (src/demo/national.ts); the accounts and case work as on the other scales.
    const now = opts.now ?? new Date();
    const national = await seedNational(db, { factor: opts.factor ?? 1, now });
    await seedAccounts(db, { oneHash: true });
    await sampleHistory(db, now);
    await seedCaseWork(db, now);
    return national;
  }
  const pwtc = opts.scale === 'pwtc';
  const plan = pwtc ? PWTC_PLAN : DEFAULT_PLAN;
  const now = opts.now ?? new Date();
  await seedFacilities(db, pwtc ? PWTC_FACILITIES : DEMO_FACILITIES, new Date(now.getTime() - (plan.days + 1) * 24 * 3600_000));
  await seedAccounts(db);
  const population = await seedPopulation(db, plan, now);
  await seedCaseWork(db, now);
  return population;
}
