import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { z } from 'zod';
import type { Db } from '../../src/db/client.ts';
import { buildApp } from '../../src/app.ts';
import { openTestDatabase, testConfig } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit } from '../helpers/factories.ts';
import { bearer } from '../helpers/session.ts';
import openapi, { openApiPath } from '../../src/plugins/openapi.ts';
import zodDoor from '../../src/plugins/zod.ts';
import { FOLLOW_UP_KINDS, FOLLOW_UP_OUTCOMES } from '../../src/db/schema/index.ts';

let app: FastifyInstance;
let db: Db;
/** Every route Fastify registered, as the app's own onRoute option tells them. */
const registered: { method: string; url: string }[] = [];

beforeAll(async () => {
  db = await openTestDatabase();
  app = await buildApp(testConfig(), {
    db,
    logger: false,
    onRoute: (r) => {
      for (const m of Array.isArray(r.method) ? r.method : [r.method]) if (m !== 'HEAD') registered.push({ method: m, url: r.url });
    },
  });
  await app.ready();
});
afterAll(async () => app.close());

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { operationId?: string; parameters?: { name: string; in: string; schema?: unknown; $ref?: string }[]; requestBody?: { content: Record<string, { schema: Record<string, unknown> }> }; responses: Record<string, { $ref?: string; content?: Record<string, { schema: Record<string, unknown> }> }> }>>;
  components: { schemas: Record<string, Record<string, unknown>>; responses: Record<string, { content: Record<string, unknown> }>; securitySchemes: Record<string, { type: string; scheme?: string }> };
};

async function fetchDoc(): Promise<Doc> {
  const res = await bearer(app, await makeToken(db, 'display'))('GET', '/api/v1/openapi.json');
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  return res.json() as Doc;
}

describe('GET /api/v1/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document whose schemas are valid JSON Schema 2020-12', async () => {
    const doc = await fetchDoc();
    expect(doc.openapi).toMatch(/^3\.1\./);
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    // Every schema compiles in a strict JSON Schema 2020-12 validator, with the document's references resolved.
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema({ components: doc.components }, 'doc');
    const retarget = (s: unknown): unknown =>
      JSON.parse(JSON.stringify(s).replaceAll('"#/components/', '"doc#/components/'));
    let count = 0;
    for (const ops of Object.values(doc.paths)) {
      for (const op of Object.values(ops)) {
        const schemas = [
          ...Object.values(op.requestBody?.content ?? {}).map((c) => c.schema),
          ...Object.values(op.responses).flatMap((r) => Object.values(r.content ?? {}).map((c) => c.schema)),
          ...(op.parameters ?? []).filter((p) => p.schema).map((p) => p.schema),
        ];
        for (const s of schemas) {
          expect(() => ajv.compile(retarget(s) as object)).not.toThrow();
          count++;
        }
      }
    }
    expect(count).toBeGreaterThan(100);
    expect(JSON.stringify(doc)).not.toContain('#/$defs/');
  });

  it('lists every /api/v1 route Fastify registered, with its method and path parameters', async () => {
    const doc = await fetchDoc();
    const api = registered.filter((r) => r.url.startsWith('/api/v1/'));
    expect(api.length).toBeGreaterThan(50);
    const missing: string[] = [];
    for (const r of api) {
      const { path, params } = openApiPath(r.url);
      const op = doc.paths[path]?.[r.method.toLowerCase()];
      if (!op) {
        missing.push(`${r.method} ${r.url}`);
        continue;
      }
      const documented = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      expect(documented.sort(), `${r.method} ${r.url}`).toEqual([...params].sort());
    }
    expect(missing).toEqual([]);
    // Nothing documented that is not there.
    const count = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
    expect(count).toBe(new Set(api.map((r) => `${r.method} ${r.url}`)).size);
    expect(doc.paths['/openapi.json']?.get).toBeDefined();
    expect(doc.paths['/live']?.get?.responses['101']).toBeDefined();
  });

  it('describes problem+json once, used by 400/401/403/404/409/422/429, and the bearer token', async () => {
    const doc = await fetchDoc();
    const problem = doc.components.schemas.Problem!;
    expect(Object.keys(problem.properties as object)).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail', 'errors']));
    for (const s of [400, 401, 403, 404, 409, 422, 429]) {
      expect(doc.components.responses[`Problem${s}`]?.content['application/problem+json']).toBeDefined();
    }
    const post = doc.paths['/residents']!.post!;
    for (const s of ['400', '401', '403', '404', '409', '422', '429']) expect(post.responses[s]?.$ref).toBe(`#/components/responses/Problem${s}`);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('carries the request schemas the server validates with: enums, required fields, query filters', async () => {
    const doc = await fetchDoc();
    const body = (path: string) => doc.paths[path]!.post!.requestBody!.content['application/json']!.schema as { properties: Record<string, { enum?: string[] }>; required?: string[]; additionalProperties?: unknown };
    const followUp = body('/residents/{id}/case/follow-ups');
    expect(followUp.properties.kind!.enum).toEqual([...FOLLOW_UP_KINDS]);
    expect(followUp.required).toEqual(expect.arrayContaining(['due', 'kind']));
    expect(body('/residents/{id}/case/follow-ups/{fid}/done').properties.outcome!.enum).toEqual([...FOLLOW_UP_OUTCOMES]);
    expect(body('/referrals').required).toEqual(expect.arrayContaining(['person_id', 'to_facility_id', 'reason']));
    // A field the endpoint does not know is refused (a 422 naming it), and the document says so.
    expect(body('/handoffs').additionalProperties).toBe(false);
    // A field that may be absent (a form-friendly list, a checkbox) is not listed as required.
    expect(body('/stays').required ?? []).not.toContain('person_ids');
    const facilityQuery = doc.paths['/facilities']!.get!.parameters!.map((p) => p.name);
    expect(facilityQuery).toEqual(expect.arrayContaining(['kind', 'status']));
    // A person-bearing answer is described field by field.
    const resident = doc.paths['/residents/{id}']!.get!.responses['200']!.content!['application/json']!.schema as { properties: Record<string, { properties?: object }> };
    expect(Object.keys(resident.properties.resident!.properties!)).toEqual(expect.arrayContaining(['id', 'resident_code', 'nik', 'nik_masked']));
  });

  it('needs no token (an integrator generates a client before holding one), and names each operation once', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as Doc;
    expect(doc.paths['/openapi.json']!.get).toMatchObject({ security: [] });
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(ids.length).toBeGreaterThan(50);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('declares every answer with its media type: files as CSV or XLSX, never JSON, and the 304 of an ETag', async () => {
    const doc = await fetchDoc();
    const media = (path: string) => Object.keys(doc.paths[path]!.get!.responses['200']!.content!);
    expect(media('/reports/census.csv')).toEqual(['text/csv; charset=utf-8']);
    expect(media('/reports/census.xlsx')).toEqual(['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']);
    expect(media('/reports/occupancy.hxl.csv')).toEqual(['text/csv; charset=utf-8']);
    expect(media('/worklists/dtks')).toEqual(['application/json', 'text/csv; charset=utf-8', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']);
    expect(doc.paths['/occupancy']!.get!.responses['304']).toBeDefined();
    // The content type a file is served with is the one declared.
    const census = await bearer(app, await makeToken(db, 'command'))('GET', '/api/v1/reports/census.csv');
    expect(census.statusCode).toBe(200);
    expect(census.headers['content-type']).toBe('text/csv; charset=utf-8');
  });
});

describe('response schemas', () => {
  /** The zod door and the document plugin, as the app and the API scope register them, with routes that declare what they answer. */
  async function tiny(): Promise<FastifyInstance> {
    const f = Fastify({ logger: false });
    await f.register(zodDoor);
    await f.register(async (api) => {
      await api.register(openapi);
      const Answer = z.object({ id: z.string(), inner: z.object({ a: z.number() }) });
      api.get('/extra', { config: { access: 'public', openapi: { summary: 'test', tags: ['test'] } }, schema: { response: { 200: Answer } } }, async () => ({
        id: 'x',
        inner: { a: 1, b: 'not in the schema' },
      }));
      api.get('/exact', { config: { access: 'public', openapi: { summary: 'test', tags: ['test'] } }, schema: { response: { 200: Answer } } }, async () => ({ id: 'x', inner: { a: 1 } }));
      api.get('/wrong', { config: { access: 'public', openapi: { summary: 'test', tags: ['test'] } }, schema: { response: { 200: z.object({ id: z.string() }) } } }, async () => ({ id: 42 }));
      api.get('/other-status', { config: { access: 'public', openapi: { summary: 'test', tags: ['test'] } }, schema: { response: { 201: Answer } } }, async () => ({ kept: true }));
    }, { prefix: '/api/v1' });
    await f.ready();
    return f;
  }

  it('are the one description of an answer: a field the schema lacks is an error of ours, never dropped silently', async () => {
    const f = await tiny();
    expect((await f.inject({ method: 'GET', url: '/api/v1/exact' })).json()).toEqual({ id: 'x', inner: { a: 1 } });
    const extra = await f.inject({ method: 'GET', url: '/api/v1/extra' });
    expect(extra.statusCode).toBe(500);
    expect(extra.body).not.toContain('not in the schema');
    // Only the status the schema is declared for is checked.
    expect((await f.inject({ method: 'GET', url: '/api/v1/other-status' })).json()).toEqual({ kept: true });
    await f.close();
  });

  it('an answer that breaks its schema is not sent as it was', async () => {
    const f = await tiny();
    const res = await f.inject({ method: 'GET', url: '/api/v1/wrong' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('42');
    await f.close();
  });

  it('describe a real record field by field, and leave errors alone', async () => {
    const tps = await makeFacility(db, { kind: 'TPS' });
    await makeUnit(db, tps.id, { capacity: 5 });
    const intake = bearer(app, await makeToken(db, 'intake', { facility: tps.id }));
    const created = await intake('POST', '/api/v1/residents', { persons: [{ name: 'Sutrisno', sex: 'L', estimated_age: 40, consent: true }] });
    expect(created.statusCode).toBe(201);
    const id = (created.json() as { persons: { id: string }[] }).persons[0]!.id;
    const read = await intake('GET', `/api/v1/residents/${id}`);
    expect(read.statusCode).toBe(200);
    const doc = await fetchDoc();
    const schema = doc.paths['/residents/{id}']!.get!.responses['200']!.content!['application/json']!.schema as { properties: Record<string, { properties?: Record<string, unknown> }> };
    // Every field the schema lists is sent (the schema's typecheck, `satisfies`, says it lists every field the domain makes).
    const answer = read.json() as { resident: Record<string, unknown> };
    expect(Object.keys(answer).sort()).toEqual(Object.keys(schema.properties).filter((k) => k !== 'requested_id').sort());
    expect(Object.keys(answer.resident).sort()).toEqual(Object.keys(schema.properties.resident!.properties!).sort());
    expect(answer.resident.version).toBe(1);
    const bad = await intake('POST', '/api/v1/referrals', { person_id: id });
    expect(bad.statusCode).toBe(422);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((bad.json() as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(expect.arrayContaining(['to_facility_id', 'reason']));
  });
});

describe('what an integrator generates a client from', () => {
  /** A validator of the document's own schemas, its references resolved. */
  function schemaCheck(doc: Doc) {
    const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    ajv.addSchema({ components: doc.components }, 'doc');
    return (schema: unknown, value: unknown) => {
      const validate = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/')) as object);
      validate(value);
      return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
    };
  }
  const json = (doc: Doc, path: string, method: string, status: string) => doc.paths[path]![method]!.responses[status]!.content!['application/json']!;

  it('every success answer of every operation has its schema (none left as a bare object)', async () => {
    const doc = await fetchDoc();
    const bare: string[] = [];
    const noSuccess: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const success = Object.entries(op.responses).filter(([s]) => /^(2\d\d|101)$/.test(s));
        if (success.length === 0) noSuccess.push(`${method.toUpperCase()} ${path}`);
        for (const [status, r] of success) {
          if (status === '101') continue;
          const schema = r.content?.['application/json']?.schema;
          if (!r.content || (schema && !/"(properties|items|anyOf|oneOf|\$ref)"/.test(JSON.stringify(schema)))) bare.push(`${method.toUpperCase()} ${path} ${status}`);
        }
      }
    }
    expect(bare).toEqual([]);
    // The one catch-all that only ever answers 404.
    expect(noSuccess).toEqual(['GET /worklists/{name}']);
  });

  it('describes /occupancy as it is served to each audience (the cached body is checked here, not at serving)', async () => {
    const tps = await makeFacility(db, { kind: 'TPS' });
    await makeUnit(db, tps.id, { capacity: 7 });
    const doc = await fetchDoc();
    const check = schemaCheck(doc);
    const schema = json(doc, '/occupancy', 'get', '200').schema;
    for (const role of ['command', 'satpol', 'display', 'manager'] as const) {
      const res = await bearer(app, await makeToken(db, role, role === 'manager' ? { facility: tps.id } : role === 'satpol' ? { wilayah: '31.71' } : {}))('GET', `/api/v1/occupancy?wilayah=${tps.wilayahCode.slice(0, 2)}`);
      expect(res.statusCode, role).toBe(200);
      const body = res.json() as { facilities: unknown[] };
      expect(body.facilities.length, role).toBeGreaterThan(0);
      expect(check(schema, body), role).toEqual([]);
      // A field the schema lacks is found: every object of it is closed.
      expect(check(schema, { ...body, extra: 1 }), role).not.toEqual([]);
    }
    expect(check(schema, { as_of: null, total: {}, by_kind: {}, by_wilayah: {}, facilities: [] })).not.toEqual([]);
    // The national default (by province) fits the same schema.
    const national = (await bearer(app, await makeToken(db, 'command'))('GET', '/api/v1/occupancy')).json() as { level: string; facilities: unknown[] };
    expect(national.level).toBe('province');
    expect(national.facilities).toEqual([]);
    expect(check(schema, national)).toEqual([]);
  });

  it('says a person has a name or, when it is not known, a description', async () => {
    const doc = await fetchDoc();
    const check = schemaCheck(doc);
    for (const path of ['/residents', '/handoffs']) {
      const body = doc.paths[path]!.post!.requestBody!.content['application/json']!.schema as { properties: { persons: { items: Record<string, unknown> } } };
      const person = body.properties.persons.items;
      expect(person.anyOf, path).toEqual([{ required: ['name'] }, { required: ['description'] }]);
      expect(Object.keys(person.properties as object), path).toEqual(expect.arrayContaining(['name', 'description']));
      expect(check(person, { sex: 'L' }), path).not.toEqual([]);
      expect(check(person, { description: 'laki-laki, kaos merah', sex: 'L' }), path).toEqual([]);
    }
    // And an answer's person carries both, either of them null.
    const resident = json(doc, '/residents/{id}', 'get', '200').schema as { properties: { resident: { properties: Record<string, { type?: unknown }> } } };
    expect(resident.properties.resident.properties.description!.type).toEqual(['string', 'null']);
  });

  it('shows an example of each main call, each valid against its own schemas', async () => {
    const doc = await fetchDoc();
    const check = schemaCheck(doc);
    const calls = [
      ['/residents', 'post', '201'],
      ['/stays', 'post', '201'],
      ['/handoffs', 'post', '201'],
      ['/occupancy', 'get', '200'],
      ['/routing', 'get', '200'],
    ] as const;
    for (const [path, method, status] of calls) {
      const op = doc.paths[path]![method]!;
      const answer = json(doc, path, method, status) as { schema: unknown; examples?: Record<string, { value: unknown }> };
      const [example] = Object.values(answer.examples ?? {});
      expect(example, `${method} ${path}`).toBeDefined();
      expect(check(answer.schema, example!.value), `${method} ${path} answer`).toEqual([]);
      if (method === 'post') {
        const request = op.requestBody!.content['application/json'] as { schema: unknown; examples?: Record<string, { value: unknown }> };
        const [req] = Object.values(request.examples ?? {});
        expect(check(request.schema, req?.value), `${method} ${path} request`).toEqual([]);
      }
    }
    const personId = doc.paths['/routing']!.get!.parameters!.find((p) => p.name === 'person_id') as { example?: string };
    expect(personId.example).toMatch(/^[0-9a-f-]{36}$/);
  });
});
