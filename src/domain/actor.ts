import type { Role } from '../db/schema/index.ts';
import type { Lang } from '../i18n/index.ts';

/** Who is acting: a signed-in user, an API token, or the server itself (expiry jobs). */
export interface Actor {
  type: 'user' | 'token' | 'system';
  id: string | null;
  /** Username, token name or "system": what the audit log shows. */
  label: string;
  role: Role | 'system';
  facilityId: string | null;
  wilayahCode: string | null;
  ip: string | null;
  lang: Lang;
  /** A pendamping token's account (api_tokens.user_id): the token works on that account's cases. */
  accountId?: string | null;
}

export const SYSTEM_ACTOR: Actor = {
  type: 'system',
  id: null,
  label: 'system',
  role: 'system',
  facilityId: null,
  wilayahCode: null,
  ip: null,
  lang: 'id',
};

/** Whose account an act is: the key idempotency records, the API request limit and the live-socket cap count by (a user by id, whatever the session; a token by id). */
export function actorKey(actor: Actor): string {
  return `${actor.type}:${actor.id ?? '-'}`;
}
