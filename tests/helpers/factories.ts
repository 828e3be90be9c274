import { randomUUID } from 'node:crypto';
import { write, type Db } from '../../src/db/client.ts';
import { facilities, units, users, type FacilityKind, type Role, type UnitAdmits, type UnitFeature, type Service, type Cluster } from '../../src/db/schema/index.ts';
import { hashPassword } from '../../src/lib/passwords.ts';
import { createToken } from '../../src/domain/accounts/tokens.ts';
import { SYSTEM_ACTOR } from '../../src/domain/actor.ts';
import { nowIso } from '../../src/lib/time.ts';

let seq = 0;
const unique = (prefix: string) => `${prefix}${++seq}${randomUUID().slice(0, 4)}`;

export interface FacilityOverrides {
  kind?: FacilityKind;
  name?: string;
  code?: string;
  wilayahCode?: string;
  status?: 'STANDBY' | 'OPEN' | 'CLOSED';
  services?: Service[];
  clusters?: Cluster[];
  protected?: boolean;
  lat?: number | null;
  lng?: number | null;
}

/** A facility with unique values; OPEN in DKI Jakarta Pusat unless told otherwise. */
export async function makeFacility(db: Db, o: FacilityOverrides = {}) {
  const id = randomUUID();
  const now = nowIso();
  const row = {
    id,
    code: o.code ?? unique('F-'),
    kind: o.kind ?? 'TPS',
    name: o.name ?? unique('Fasilitas Uji '),
    wilayahCode: o.wilayahCode ?? '31.71',
    status: o.status ?? 'OPEN',
    services: o.services ?? [],
    clusters: o.clusters ?? [],
    protected: o.protected ?? false,
    lat: o.lat ?? null,
    lng: o.lng ?? null,
    createdAt: now,
    updatedAt: now,
  } as const;
  await write(db, async (tx) => {
    await tx.insert(facilities).values(row).run();
  });
  return { ...row };
}

/** A facility as `makeFacility` made it (the type a test declares its facilities with). */
export type Facility = Awaited<ReturnType<typeof makeFacility>>;

export interface UnitOverrides {
  name?: string;
  capacity?: number;
  blocked?: number;
  admits?: UnitAdmits;
  features?: UnitFeature[];
  status?: 'AVAILABLE' | 'BLOCKED' | 'CLOSED';
  bedLabelPattern?: string | null;
}

export async function makeUnit(db: Db, facilityId: string, o: UnitOverrides = {}) {
  const row = {
    id: randomUUID(),
    facilityId,
    name: o.name ?? unique('Unit '),
    capacity: o.capacity ?? 10,
    blocked: o.blocked ?? 0,
    admits: o.admits ?? 'any',
    features: o.features ?? [],
    status: o.status ?? 'AVAILABLE',
    bedLabelPattern: o.bedLabelPattern ?? null,
    createdAt: nowIso(),
  } as const;
  await write(db, async (tx) => {
    await tx.insert(units).values(row).run();
  });
  return { ...row };
}

/** A unit as `makeUnit` made it. */
export type Unit = Awaited<ReturnType<typeof makeUnit>>;

/** The units of one facility, in the order given (e.g. the demo's TPS zones, src/demo/facilities.ts `tpsUnits`). */
export async function makeUnits(db: Db, facilityId: string, list: readonly UnitOverrides[]): Promise<Unit[]> {
  const made: Unit[] = [];
  for (const o of list) made.push(await makeUnit(db, facilityId, o));
  return made;
}

/** Issue 24's family of five with one wheelchair user, as a registration (`persons`) lists them. */
export const FAMILY_OF_FIVE_WITH_WHEELCHAIR = [
  { name: 'Pak Harun', sex: 'L', estimated_age: 45, disabilities: ['fisik'], wheelchair: true },
  { name: 'Bu Harun', sex: 'P', estimated_age: 40 },
  { name: 'Anak Satu', sex: 'L', estimated_age: 16 },
  { name: 'Anak Dua', sex: 'P', estimated_age: 12 },
  { name: 'Anak Tiga', sex: 'L', estimated_age: 8 },
];

export const TEST_PASSWORD = 'correct-horse-battery';
let cachedHash: string | undefined;

/** An account (all test accounts share one precomputed scrypt hash: tests stay fast). */
export async function makeUser(
  db: Db,
  role: Role,
  o: { username?: string; facilityId?: string | null; wilayahCode?: string | null; disabled?: boolean; mustChangePassword?: boolean; cluster?: Cluster | null } = {},
) {
  cachedHash ??= await hashPassword(TEST_PASSWORD);
  const row = {
    id: randomUUID(),
    username: o.username ?? unique(`${role}-`).toLowerCase(),
    passwordHash: cachedHash,
    role,
    facilityId: o.facilityId ?? null,
    wilayahCode: o.wilayahCode ?? null,
    cluster: o.cluster ?? null,
    disabledAt: o.disabled ? nowIso() : null,
    mustChangePassword: o.mustChangePassword ?? false,
    createdAt: nowIso(),
  };
  await write(db, async (tx) => {
    await tx.insert(users).values(row).run();
  });
  return { ...row, password: TEST_PASSWORD };
}

export async function makeToken(db: Db, role: Role, o: { facility?: string; wilayah?: string; account?: string } = {}) {
  return (await createToken({ db, actor: SYSTEM_ACTOR, input: { name: unique('token-'), role, facility: o.facility, wilayah: o.wilayah, account: o.account } })).token;
}
