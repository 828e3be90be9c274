import type { Db } from './db/client.ts';
import type { Config } from './config.ts';
import type { Actor } from './domain/actor.ts';
import type { Lang, Translator } from './i18n/index.ts';
import type { Role } from './db/schema/index.ts';
import type { LoginLimiter } from './domain/accounts/login.ts';

/** What a route declares about who may call it; checked for every route by src/plugins/auth.ts. */
export type Access = 'public' | 'authenticated' | readonly Role[];

/**
 * What an /api/v1 route tells the OpenAPI document (src/plugins/openapi.ts) besides its
 * `schema` (the zod body, querystring and response schemas, src/plugins/zod.ts), from which
 * the document's request and answer schemas are generated.
 */
export interface OpenApiRoute {
  summary: string;
  description?: string;
  tags: readonly string[];
  /** Other media types the route answers with besides JSON (`?format=csv`): `text/csv`, XLSX. */
  produces?: readonly string[];
  /** The route answers with a file of this media type only (a report export), never JSON. */
  file?: string;
  /** The answer carries an ETag, and `If-None-Match` may answer 304 (no body). */
  etag?: boolean;
  /** When the id made from the method and path is another route's (an older link kept for bookmarks). */
  operationId?: string;
  deprecated?: boolean;
}

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
    /** /api/v1 routes: the route in the OpenAPI document (src/plugins/openapi.ts). */
    openapi?: OpenApiRoute;
  }
}
