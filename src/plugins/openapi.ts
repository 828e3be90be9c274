import fp from 'fastify-plugin';
import { z, type ZodType } from 'zod';
import type { Access, OpenApiRoute } from '../types.js';
import { readFileSync } from 'node:fs';
import { ERROR_CODES } from '../domain/errors.ts';
import { bodyAtDoor } from './zod.ts';

/** Where the API lives; paths in the document are relative to it (`servers`). */
export const API_PREFIX = '/api/v1';

type JsonSchema = Record<string, unknown>;

/** The document's version is the application's. */
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** A route's zod schemas (src/plugins/zod.ts): what it validates with is what the document says. */
interface RouteSchemas {
  body?: ZodType;
  querystring?: ZodType;
  response?: Readonly<Partial<Record<number, ZodType>>>;
}

interface CollectedRoute {
  method: string;
  url: string;
  access: Access | undefined;
  websocket: boolean;
  openapi: OpenApiRoute | undefined;
  schema: RouteSchemas;
}

const PROBLEM_STATUSES = [400, 401, 403, 404, 409, 422, 429] as const;
const PROBLEM_TEXT: Record<(typeof PROBLEM_STATUSES)[number], string> = {
  400: 'Malformed request (bad JSON, a JSON array or scalar as the body, a NUL character)',
  401: 'No credentials, or a bad or revoked token',
  403: 'Not allowed for this role or scope (or a one-time password still to be changed)',
  404: 'Not found, or not visible to you',
  409: 'Conflict: no free place, record changed (stale version), an open stay or referral already, request in progress',
  422: 'Invalid fields: `errors` names each one',
  429: 'Too many requests (API_RATE_LIMIT); see Retry-After',
};

/** The problem+json body every error of the API has (RFC 9457; src/plugins/errors.ts). */
const PROBLEM_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details. Some problems add fields (a 409 `needs-decision` adds `duplicates` and `nik_warnings`).',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', description: 'A stable URI relative to the API, e.g. `/problems/validation`', examples: ['/problems/validation'] },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', enum: [...Object.keys(ERROR_CODES), 'INTERNAL'] },
    errors: {
      type: 'array',
      description: 'One entry per bad field (422), in the caller\'s language',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: { path: { type: 'string', description: 'Dotted path of the field, e.g. `persons.0.nik`' }, message: { type: 'string' } },
      },
    },
  },
};

/** zod → JSON Schema 2020-12 (the dialect of OpenAPI 3.1), without the `$schema` line. */
function toJsonSchema(schema: ZodType, io: 'input' | 'output', defs: Record<string, JsonSchema>, name: string): JsonSchema {
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    // A request's field is required when it cannot be absent. (A form-friendly field, a list or a
    // checkbox made by a preprocess, reads as required to the generator although absent is fine.)
    override: io === 'input' ? ({ zodSchema, jsonSchema }) => {
      const def = zodSchema._zod.def as { type: string; shape?: Record<string, ZodType> };
      if (def.type !== 'object' || !def.shape || !Array.isArray(jsonSchema.required)) return;
      const shape = def.shape;
      const required = jsonSchema.required.filter((k) => shape[k] === undefined || !shape[k].safeParse(undefined).success);
      if (required.length) jsonSchema.required = required;
      else delete jsonSchema.required;
    } : undefined,
  }) as JsonSchema;
  delete json.$schema;
  // Definitions of one schema (cycles) move to the document's components, their references with them.
  const local = json.$defs as Record<string, JsonSchema> | undefined;
  if (!local) return json;
  delete json.$defs;
  const rename = (k: string) => `${name}_${k}`.replace(/[^A-Za-z0-9._-]/g, '_');
  for (const [k, v] of Object.entries(local)) defs[rename(k)] = v;
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/') ? `#/components/schemas/${rename(v.slice(8))}` : rewrite(v);
    }
    return out;
  };
  for (const k of Object.keys(local)) defs[rename(k)] = rewrite(defs[rename(k)]) as JsonSchema;
  return rewrite(json) as JsonSchema;
}

/** `/residents/:id/case/follow-ups/:fid/done` → `/residents/{id}/case/follow-ups/{fid}/done` and its path parameters. */
export function openApiPath(url: string): { path: string; params: string[] } {
  const params: string[] = [];
  const rel = url.startsWith(API_PREFIX) ? url.slice(API_PREFIX.length) || '/' : url;
  const path = rel.replace(/:([A-Za-z0-9_]+)(\([^)]*\))?/g, (_m, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path, params };
}

/** A CSV file is text; a workbook is bytes. */
const fileSchema = (mediaType: string): JsonSchema =>
  mediaType.startsWith('text/') ? { type: 'string' } : { type: 'string', format: 'binary', contentMediaType: mediaType };

const operationId = (method: string, path: string) =>
  method.toLowerCase() +
  path
    .split(/[/{}.-]+/)
    .filter(Boolean)
    .map((s) => s[0]!.toUpperCase() + s.slice(1))
    .join('');

function rolesText(access: Access | undefined): string {
  if (access === undefined || access === 'public') return 'Open to anyone.';
  if (access === 'authenticated') return 'Any signed-in caller (token or session).';
  return `Roles: ${access.join(', ')} (record scope is checked too).`;
}

/**
 * Top-level fields an empty request lacks: what the schema really requires. (A field made
 * from a form-friendly preprocess, a list or a checkbox, reads as required to the JSON
 * Schema generator although absent is fine.)
 */
function requiredOf(schema: ZodType, listed: unknown): string[] | undefined {
  if (!Array.isArray(listed)) return undefined;
  const result = schema.safeParse({});
  const missing = new Set(result.success ? [] : result.error.issues.map((i) => String(i.path[0])));
  return (listed as string[]).filter((k) => missing.has(k));
}

function requestSchema(schema: ZodType, defs: Record<string, JsonSchema>, name: string): JsonSchema {
  const json = toJsonSchema(schema, 'input', defs, name);
  const required = requiredOf(schema, json.required);
  if (required === undefined) return json;
  if (required.length) json.required = required;
  else delete json.required;
  return json;
}

/** Query parameters from a zod object schema (its input side). */
function queryParameters(schema: ZodType, defs: Record<string, JsonSchema>, name: string): JsonSchema[] {
  const json = requestSchema(schema, defs, name);
  const props = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([key, s]) => ({
    name: key,
    in: 'query',
    required: required.has(key),
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    ...(s.type === 'array' ? { style: 'form', explode: true } : {}),
    schema: s,
  }));
}

/** GET /openapi.json: an OpenAPI 3.1 document (served already serialised, as /occupancy is). */
const OpenApiDocument = z
  .object({
    openapi: z.string(),
    info: z.object({ title: z.string(), version: z.string(), description: z.string() }),
    servers: z.array(z.object({ url: z.string() })),
    security: z.array(z.record(z.string(), z.array(z.string()))),
    paths: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.unknown()))),
    components: z.record(z.string(), z.record(z.string(), z.unknown())),
  })
  .describe('An OpenAPI 3.1 document');

/** Builds the OpenAPI 3.1 document from the routes the API registered. */
export function buildOpenApiDocument(routes: readonly CollectedRoute[], version: string): JsonSchema {
  const defs: Record<string, JsonSchema> = {};
  const paths: Record<string, Record<string, unknown>> = {};
  const sorted = [...routes].sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method));
  const ids = new Set<string>();
  for (const r of sorted) {
    const { path, params } = openApiPath(r.url);
    const method = r.method.toLowerCase();
    const meta = r.openapi;
    const id = meta?.operationId ?? operationId(method, path);
    // A client generator names a function per operation: two with one name cannot both exist.
    if (ids.has(id)) throw new Error(`two routes make the operationId ${id}: give one config.openapi.operationId (${r.method} ${r.url})`);
    ids.add(id);
    const parameters: JsonSchema[] = params.map((p) => ({ name: p, in: 'path', required: true, schema: { type: 'string' } }));
    if (r.schema.querystring) {
      const query = meta?.example?.query ?? {};
      parameters.push(...queryParameters(r.schema.querystring, defs, `${id}Query`).map((p) => (typeof query[p.name as string] === 'string' ? { ...p, example: query[p.name as string] } : p)));
    }
    if (method === 'post') parameters.push({ $ref: '#/components/parameters/IdempotencyKey' });

    const responses: Record<string, unknown> = {};
    if (r.websocket) {
      responses['101'] = { description: 'Switching protocols: a WebSocket carrying JSON messages (docs/api.md "Live")' };
    } else if (meta?.file) {
      responses['200'] = { description: 'The file (an attachment)', content: { [meta.file]: { schema: fileSchema(meta.file) } } };
    } else {
      const declared: Readonly<Partial<Record<number, ZodType | null>>> = r.schema.response ?? (meta?.serialised ? { 200: meta.serialised } : meta?.noSuccess ? {} : { 200: null });
      for (const [status, schema] of Object.entries(declared)) {
        const extra = (meta?.produces ?? []).map((t) => [t, { schema: fileSchema(t) }] as const);
        responses[status] = {
          description: Number(status) === 201 ? 'Created' : 'OK',
          content: {
            'application/json': {
              schema: schema ? toJsonSchema(schema, 'output', defs, `${id}${status}`) : { type: 'object' },
              ...(meta?.example && schema ? { examples: { [id]: { summary: meta.example.summary, value: meta.example.response } } } : {}),
            },
            ...Object.fromEntries(extra),
          },
        };
      }
    }
    if (meta?.etag) responses['304'] = { description: 'Not modified: the ETag sent in If-None-Match is still current (no body)' };
    const problems = r.access === 'public' ? PROBLEM_STATUSES.filter((s) => s !== 401 && s !== 403) : PROBLEM_STATUSES;
    for (const s of problems) {
      if (s === 409 && method === 'get') continue;
      responses[String(s)] = { $ref: `#/components/responses/Problem${s}` };
    }

    const op: Record<string, unknown> = {
      operationId: id,
      summary: meta?.summary ?? `${r.method} ${path}`,
      description: [meta?.description, rolesText(r.access)].filter(Boolean).join('\n\n'),
      tags: meta?.tags ?? ['other'],
      'x-access': r.access === undefined || typeof r.access === 'string' ? (r.access ?? 'public') : [...r.access],
      ...(parameters.length ? { parameters } : {}),
      ...(r.schema.body
        ? {
            requestBody: {
              required: true,
              // As the door checks it: strict (additionalProperties: false), the transport's own fields allowed.
              content: {
                'application/json': {
                  schema: requestSchema(bodyAtDoor(r.schema.body), defs, `${id}Body`),
                  ...(meta?.example?.request !== undefined ? { examples: { [id]: { summary: meta.example.summary, value: meta.example.request } } } : {}),
                },
              },
            },
          }
        : {}),
      responses,
      ...(meta?.deprecated ? { deprecated: true } : {}),
      ...(r.access === 'public' ? { security: [] } : {}),
    };
    (paths[path] ??= {})[method] = op;
  }

  const problemResponses = Object.fromEntries(
    PROBLEM_STATUSES.map((s) => [
      `Problem${s}`,
      { description: PROBLEM_TEXT[s], content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
    ]),
  );
  return {
    openapi: '3.1.1',
    info: {
      title: 'Singgah JSON API',
      version,
      description:
        'Shelter and residential capacity operations. The narrative, with examples, is docs/api.md. ' +
        'Request schemas are the ones the server validates with (a JSON body field not listed is a 422 naming it); ' +
        'a response schema lists every field sent.',
    },
    servers: [{ url: API_PREFIX }],
    security: [{ bearerAuth: [] }, { sessionCookie: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token (`npm run token:add`). No CSRF header needed.' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'sgh_session', description: 'The browser session; writes also need the `X-CSRF-Token` header.' },
      },
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description: 'Repeating a key (same account, path and body) returns the earlier answer and does nothing more; the same key with another body is a 422.',
          schema: { type: 'string', maxLength: 200 },
        },
      },
      schemas: { Problem: PROBLEM_SCHEMA, ...defs },
      responses: problemResponses,
    },
  };
}

/**
 * GET /api/v1/openapi.json. Register it first inside the /api/v1 scope: it hears
 * every route added after it (onRoute) and builds the document once, on first
 * request, from the routes' zod schemas (the answers are checked against theirs by
 * src/plugins/zod.ts).
 */
export default fp(
  async (app) => {
    const routes: CollectedRoute[] = [];
    let doc: string | null = null;

    app.addHook('onRoute', (route) => {
      for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
        if (method === 'HEAD' || method === 'OPTIONS') continue;
        routes.push({
          method,
          url: route.url ?? route.path,
          access: route.config?.access,
          websocket: (route as { websocket?: boolean }).websocket === true,
          openapi: route.config?.openapi,
          schema: (route.schema ?? {}) as RouteSchemas,
        });
      }
    });

    app.get(
      '/openapi.json',
      {
        config: {
          // Public: an integrator generates a client from it before holding a token; it names no record.
          access: 'public',
          openapi: { summary: 'This document: every /api/v1 route (OpenAPI 3.1)', tags: ['meta'], serialised: OpenApiDocument },
        },
      },
      async (_request, reply) => {
        doc ??= JSON.stringify(buildOpenApiDocument(routes, VERSION));
        return reply.type('application/json; charset=utf-8').send(doc);
      },
    );
  },
  { name: 'openapi' },
);
