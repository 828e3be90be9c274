import type { Db } from './db/client.ts';
import type { Config } from './config.ts';
import type { Actor } from './domain/actor.ts';
import type { Lang, Translator } from './i18n/index.ts';
import type { Role } from './db/schema/index.ts';
import type { ZodType } from 'zod';
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
  /**
   * The 200 answer's schema when the route sends its JSON already serialised (a string or bytes
   * from a cache): for the document only, since the answer check of src/plugins/zod.ts never
   * sees such a body. A route that returns an object declares `schema.response` instead.
   */
  serialised?: ZodType;
  /** An example request and answer (the main calls: src/routes/api/examples.ts). */
  example?: OpenApiExample;
  /** The route only ever answers a problem (a catch-all kept for its clearer 404): no success to describe. */
  noSuccess?: boolean;
  /** When the id made from the method and path is another route's (an older link kept for bookmarks). */
  operationId?: string;
  deprecated?: boolean;
}

/** An example of a call in the OpenAPI document: its request body or query, and its success answer. */
export interface OpenApiExample {
  summary: string;
  request?: unknown;
  query?: Record<string, string>;
  response: unknown;
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
