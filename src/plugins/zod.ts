import fp from 'fastify-plugin';
import { z, type ZodType } from 'zod';
import type { FastifySchema, FastifySchemaCompiler, FastifyTypeProvider } from 'fastify';
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import { DomainError } from '../domain/errors.ts';
import { zodIssuesToFieldErrors } from '../domain/validate.ts';
import { zodLocale, type Lang } from '../i18n/index.ts';

/*
 * Zod at the door: a route's `schema.body`, `schema.querystring` and `schema.response` are zod
 * schemas, and this is the type provider and the two compilers that make Fastify use them. Written
 * here rather than taken from fastify-type-provider-zod: that package requires @fastify/swagger and
 * openapi-types as peers (Singgah builds its own OpenAPI document from the same schemas,
 * src/plugins/openapi.ts), and its errors carry zod's messages in one language, where Singgah's
 * name each bad field in the caller's language (the same messages as the domain's own parse).
 */

/**
 * The handler's `request.query` is the schema's output, and what it returns the response schema's
 * input. `request.body` is typed as the output too, but holds the body as sent (checked): a
 * handler hands it to its verb, which parses it (see validatorCompiler).
 */
export interface ZodTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends ZodType ? z.output<this['schema']> : unknown;
  serializer: this['schema'] extends ZodType ? z.input<this['schema']> : unknown;
}

/** Top-level fields every write may carry besides its own: the transport's, not the verb's. */
const TRANSPORT_FIELDS = {
  idempotency_key: z.string().optional().describe('As the Idempotency-Key header'),
  _csrf: z.string().optional().describe("A browser session's CSRF token (or the X-CSRF-Token header); a token needs none"),
};

const strictCache = new WeakMap<ZodType, ZodType>();
const doorCache = new WeakMap<ZodType, ZodType>();

type Def = Record<string, unknown> & { type: string };
const defOf = (s: ZodType) => s._zod.def as unknown as Def;
const cloneWith = (s: ZodType, patch: Record<string, unknown>) => s.clone({ ...defOf(s), ...patch } as never);

/**
 * The schema with every object in it strict (an unknown key is an issue, never dropped). The
 * domain's schemas strip unknown keys, because the pages post forms that carry hidden fields of
 * their own; a JSON body has no such excuse. `extra` joins the first objects met (the body's top).
 * An intersection stays as it is: each side made strict would refuse the other's keys.
 */
export function strictDeep(schema: ZodType, extra?: Record<string, ZodType>): ZodType {
  if (!extra) {
    const hit = strictCache.get(schema);
    if (hit) return hit;
  }
  const def = defOf(schema);
  const inner = (s: unknown) => strictDeep(s as ZodType, extra);
  const child = (s: unknown) => strictDeep(s as ZodType);
  let out: ZodType;
  switch (def.type) {
    case 'object': {
      const shape = Object.fromEntries(Object.entries(def.shape as Record<string, ZodType>).map(([k, v]) => [k, child(v)]));
      out = cloneWith(schema, { shape: { ...shape, ...extra }, catchall: z.never() });
      break;
    }
    case 'array':
      out = cloneWith(schema, { element: child(def.element) });
      break;
    case 'record':
      out = cloneWith(schema, { valueType: child(def.valueType) });
      break;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      out = cloneWith(schema, { innerType: inner(def.innerType) });
      break;
    case 'pipe':
      out = cloneWith(schema, { in: inner(def.in), out: inner(def.out) });
      break;
    case 'union':
      out = cloneWith(schema, { options: (def.options as ZodType[]).map(inner) });
      break;
    default:
      out = schema;
  }
  // Its description and document metadata (`.describe`, `.meta`) go with the copy.
  const meta = z.globalRegistry.get(schema);
  if (meta && out !== schema && !z.globalRegistry.has(out)) z.globalRegistry.add(out, meta);
  if (!extra) strictCache.set(schema, out);
  return out;
}

/** A JSON body's schema at the door: strict throughout, the transport's fields allowed at the top. */
export function bodyAtDoor(schema: ZodType): ZodType {
  let hit = doorCache.get(schema);
  if (!hit) doorCache.set(schema, (hit = strictDeep(schema, TRANSPORT_FIELDS)));
  return hit;
}

/**
 * A request that does not pass its schema. The messages are made when the error is answered,
 * in the caller's language (a compiled validator does not know the request).
 */
export class DoorInvalid extends Error {
  readonly schema: ZodType;
  readonly data: unknown;
  constructor(schema: ZodType, data: unknown) {
    super('request does not match its schema');
    this.schema = schema;
    this.data = data;
  }

  /** One VALIDATION error naming each bad field; an unknown field by its own path. */
  toDomainError(lang: Lang): DomainError {
    const result = this.schema.safeParse(this.data, { error: zodLocale[lang] });
    const issues = result.success ? [] : result.error.issues;
    const fieldErrors = zodIssuesToFieldErrors(
      issues.flatMap((i): z.core.$ZodIssue[] =>
        i.code === 'unrecognized_keys' ? i.keys.map((k) => ({ ...i, path: [...i.path, k], message: 'field.unknown' })) : [i],
      ),
    );
    return new DomainError('VALIDATION', 'error.validation', undefined, fieldErrors);
  }
}

const isZod = (s: unknown): s is ZodType => typeof s === 'object' && s !== null && '_zod' in s;

/**
 * A query is parsed here, as it is (it also carries `lang`, a socket's `token`): the handler gets
 * the schema's output. A body is checked here, strictly (an unknown field is a 422 naming it), and
 * reaches the handler as sent: the domain verb parses it itself, with the same schema, because the
 * pages and the CLI call it without this door, and because a parsed body has lost what the verb
 * must see (a blank field in a correction clears it, an absent one keeps it).
 */
const validatorCompiler: FastifySchemaCompiler<FastifySchema> = ({ schema, httpPart }) => {
  if (!isZod(schema)) throw new Error(`a ${httpPart ?? 'request'} schema must be a zod schema`);
  const body = httpPart === 'body';
  const checked = body ? bodyAtDoor(schema) : schema;
  return (data: unknown) => {
    // No body at all reads as an empty one: `{}` then says which fields are missing.
    const input = data ?? {};
    const result = checked.safeParse(input);
    if (!result.success) return { error: new DoorInvalid(checked, input) };
    return { value: body ? input : result.data };
  };
};

/**
 * Answers are checked in the preSerialization hook below (where a mismatch can still become a
 * 500 through the error handler); serialising is then plain JSON.
 */
const serializerCompiler: FastifySerializerCompiler<unknown> = () => (data) => JSON.stringify(data);

/**
 * The type provider's compilers for every route, and the answer check: an answer whose status has a
 * response schema must match it exactly (strict: a field the domain sends and the schema lacks is an
 * error of ours, answered 500 and logged with its paths, so a test meets it; never silently dropped).
 */
export default fp(
  async (app) => {
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    app.addHook('preSerialization', async (request, reply, payload: unknown) => {
      const schema = responseSchema(request.routeOptions.schema, reply.statusCode);
      if (!schema || payload === null || typeof payload !== 'object') return payload;
      const parsed = strictDeep(schema).safeParse(payload);
      if (parsed.success) return parsed.data;
      // A bug of ours, not of the caller: the paths only (never the values, which may name a person).
      request.log.error({ issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), code: i.code, ...(i.code === 'unrecognized_keys' ? { keys: i.keys } : {}) })) }, 'answer does not match its response schema');
      throw new Error('answer does not match its response schema');
    });
  },
  { name: 'zod' },
);

/** The zod schema a route declares for an answer with this status, if any. */
export function responseSchema(schema: FastifySchema | undefined, status: number): ZodType | undefined {
  const s = (schema?.response as Record<string, unknown> | undefined)?.[status];
  return isZod(s) ? s : undefined;
}
