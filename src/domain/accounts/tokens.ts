import { z } from 'zod';
import { eq, desc } from 'drizzle-orm';
import { write, type Db } from '../../db/client.ts';
import { apiTokens, ROLES, users } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { audit } from '../audit.ts';
import { invalidField, notFound } from '../errors.ts';
import { parseInput, text, optionalText } from '../validate.ts';
import { newId, newSecret } from '../../lib/ids.ts';
import { sha256 } from '../../lib/passwords.ts';
import { nowIso } from '../../lib/time.ts';
import { resolveBinding } from './binding.ts';
import { hubFor } from '../events.ts';

export const CreateTokenInput = z.object({
  name: text(80),
  role: z.enum(ROLES, { error: 'field.required' }),
  facility: optionalText(80),
  wilayah: optionalText(10),
  /** For a pendamping token: the pendamping account (username or id) whose cases it works on; its binding is the account's. */
  account: optionalText(80),
});

const TOKEN_PREFIX = 'sgh_';

/** A new API token; the plain token is returned once and only its hash is kept. */
export async function createToken(args: { db: Db; actor: Actor; input: unknown }) {
  const input = parseInput(CreateTokenInput, args.input, args.actor.lang);
  const token = TOKEN_PREFIX + newSecret(32);
  return await write(args.db, async (tx) => {
    const account = input.account ? await pendampingAccount(tx, input.role, input.account) : null;
    const binding = account
      ? { facilityId: account.facilityId, wilayahCode: account.wilayahCode }
      : await resolveBinding(tx, input.role, input.facility, input.wilayah);
    const id = newId();
    await tx.insert(apiTokens)
      .values({
        id,
        name: input.name,
        tokenHash: sha256(token),
        prefix: token.slice(0, 10),
        role: input.role,
        facilityId: binding.facilityId,
        wilayahCode: binding.wilayahCode,
        userId: account?.id ?? null,
        createdAt: nowIso(),
        createdBy: args.actor.id,
      })
      .run();
    await audit(tx, args.actor, { action: 'token.create', entity: 'api_token', entityId: id, detail: { name: input.name, role: input.role, ...(account ? { account: account.username } : {}) } });
    return { id, name: input.name, role: input.role, token };
  });
}

/** The active pendamping account a pendamping token is made for (only a pendamping token names one). */
async function pendampingAccount(tx: Db, role: string, ref: string) {
  if (role !== 'pendamping') throw invalidField('account', 'admin.token_account_pendamping');
  const user =
    await tx.select().from(users).where(eq(users.id, ref)).get() ??
    await tx.select().from(users).where(eq(users.username, ref)).get();
  if (!user || user.role !== 'pendamping' || user.disabledAt) throw invalidField('account', 'admin.token_account_unknown');
  return user;
}

export type ApiTokenRow = typeof apiTokens.$inferSelect;

const LAST_USED_EVERY_MS = 60_000;

/** A token read is kept this long at most, should an announced revocation never arrive. */
export const TOKEN_CACHE_MS = 10_000;

interface TokenCache {
  /** Rises with every announced change of access: a read begun before it is not kept. */
  generation: number;
  rows: Map<string, { row: ApiTokenRow; at: number }>;
}
const tokenCaches = new WeakMap<object, TokenCache>();

/**
 * Tokens as last read, per process (issue 14: reading the token was a quarter
 * of every API request at national scale). Any change of access is announced
 * (`access`, on every instance through the hub) and empties it, so a revoked
 * token is refused at once everywhere; a row is re-read after TOKEN_CACHE_MS
 * in any case.
 */
function tokenCache(db: Db): TokenCache {
  let cache = tokenCaches.get(db.$engine);
  if (!cache) {
    const c: TokenCache = { generation: 0, rows: new Map() };
    hubFor(db).subscribe((e) => {
      if (e.type !== 'access' && e.type !== 'resync') return;
      c.generation += 1;
      c.rows.clear();
    });
    tokenCaches.set(db.$engine, (cache = c));
  }
  return cache;
}

async function readToken(db: Db, hash: string): Promise<ApiTokenRow | undefined> {
  const cache = tokenCache(db);
  const known = cache.rows.get(hash);
  if (known && Date.now() - known.at < TOKEN_CACHE_MS) return known.row;
  const generation = cache.generation;
  const row = await db.select().from(apiTokens).where(eq(apiTokens.tokenHash, hash)).get();
  if (row && !row.revokedAt && cache.generation === generation) {
    if (cache.rows.size >= 10_000) cache.rows.clear();
    cache.rows.set(hash, { row, at: Date.now() });
  }
  return row;
}

export async function resolveToken(db: Db, token: string): Promise<ApiTokenRow | null> {
  const row = await readToken(db, sha256(token));
  if (!row || row.revokedAt) return null;
  // A token made for an account lives no longer than the account: a disabled pendamping's token answers nothing.
  if (row.userId && (await db.select({ off: users.disabledAt }).from(users).where(eq(users.id, row.userId)).get())?.off !== null) return null;
  if (!row.lastUsedAt || Date.now() - Date.parse(row.lastUsedAt) > LAST_USED_EVERY_MS) {
    const at = nowIso();
    await write(db, async (tx) => await tx.update(apiTokens).set({ lastUsedAt: at }).where(eq(apiTokens.id, row.id)).run());
    row.lastUsedAt = at;
  }
  return row;
}

/** May a socket opened with this token still be sent anything? (Not revoked; read from the database.) */
export async function tokenIsLive(db: Db, tokenId: string): Promise<boolean> {
  const row = await db.select({ revokedAt: apiTokens.revokedAt }).from(apiTokens).where(eq(apiTokens.id, tokenId)).get();
  return !!row && !row.revokedAt;
}

export async function listTokens(db: Db) {
  return await db.select().from(apiTokens).orderBy(desc(apiTokens.createdAt)).all();
}

export async function revokeToken(args: { db: Db; actor: Actor; tokenId: string }) {
  const row = await write(args.db, async (tx) => {
    const row = await tx.select().from(apiTokens).where(eq(apiTokens.id, args.tokenId)).get();
    if (!row) throw notFound();
    if (!row.revokedAt) {
      await tx.update(apiTokens).set({ revokedAt: nowIso() }).where(eq(apiTokens.id, row.id)).run();
      await audit(tx, args.actor, { action: 'token.revoke', entity: 'api_token', entityId: row.id });
    }
    return row;
  });
  // After commit: its open sockets re-check and close (1008).
  hubFor(args.db).publish({ type: 'access' });
  return row;
}
