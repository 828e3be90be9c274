import type { Db } from './db/client.ts';
import type { Config } from './config.ts';
import type { Actor } from './domain/actor.ts';
import type { Lang, Translator } from './i18n/index.ts';
import type { Role } from './db/schema/index.ts';
import type { LoginLimiter } from './domain/accounts/login.ts';

/** What a route declares about who may call it; checked for every route by src/plugins/auth.ts. */
export type Access = 'public' | 'authenticated' | readonly Role[];

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    config: Config;
    loginLimiter: LoginLimiter;
  }
  interface FastifyRequest {
    actor: Actor | null;
    /** Session id hash and CSRF token when signed in through the browser. */
    session: { idHash: string; csrfToken: string; mustChangePassword: boolean } | null;
    lang: Lang;
    t: Translator;
    isApi: boolean;
    isHtmx: boolean;
  }
  interface FastifyContextConfig {
    access?: Access;
    /** false: a POST that must not be replayed from storage (its answer holds a secret). */
    idempotent?: boolean;
  }
}
