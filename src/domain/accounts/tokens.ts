import { z } from 'zod';
import { eq, desc } from 'drizzle-orm';
import { write, type Db } from '../../db/client.ts';
import { apiTokens, ROLES } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { audit } from '../audit.ts';
import { notFound } from '../errors.ts';
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
});

const TOKEN_PREFIX = 'sgh_';

/** A new API token; the plain token is returned once and only its hash is kept. */
export async function createToken(args: { db: Db; actor: Actor; input: unknown }) {
  const input = parseInput(CreateTokenInput, args.input, args.actor.lang);
  const token = TOKEN_PREFIX + newSecret(32);
  return await write(args.db, async (tx) => {
    const binding = await resolveBinding(tx, input.role, input.facility, input.wilayah);
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
        createdAt: nowIso(),
        createdBy: args.actor.id,
      })
      .run();
    await audit(tx, args.actor, { action: 'token.create', entity: 'api_token', entityId: id, detail: { name: input.name, role: input.role } });
    return { id, name: input.name, role: input.role, token };
  });
}

export type ApiTokenRow = typeof apiTokens.$inferSelect;

const LAST_USED_EVERY_MS = 60_000;

export async function resolveToken(db: Db, token: string): Promise<ApiTokenRow | null> {
  const row = await db.select().from(apiTokens).where(eq(apiTokens.tokenHash, sha256(token))).get();
  if (!row || row.revokedAt) return null;
  if (!row.lastUsedAt || Date.now() - Date.parse(row.lastUsedAt) > LAST_USED_EVERY_MS) {
    await write(db, async (tx) => await tx.update(apiTokens).set({ lastUsedAt: nowIso() }).where(eq(apiTokens.id, row.id)).run());
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
