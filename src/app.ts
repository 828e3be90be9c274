import Fastify, { LogController, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import websocket from '@fastify/websocket';
import type { Config } from './config.ts';
import { databaseTarget, openDatabase, type Db } from './db/client.ts';
import { hubFor } from './domain/events.ts';
import jobsPlugin from './plugins/jobs.ts';
import assetsPlugin from './plugins/assets.ts';
import { loadSessionSecret } from './lib/secret.ts';
import { DomainError } from './domain/errors.ts';
import requestIdPlugin, { requestIdOf, requestSerializer } from './plugins/request-id.ts';
import { errorForLog } from './lib/redact.ts';
import metricsPlugin, { type PressureOptions } from './plugins/metrics.ts';
import readinessPlugin from './plugins/readiness.ts';
import { LoginLimiter } from './domain/accounts/login.ts';
import dbPlugin from './plugins/db.ts';
import i18nPlugin from './plugins/i18n.ts';
import authPlugin from './plugins/auth.ts';
import csrfPlugin from './plugins/csrf.ts';
import idempotencyPlugin from './plugins/idempotency.ts';
import viewsPlugin from './plugins/views.ts';
import errorsPlugin from './plugins/errors.ts';
import zodPlugin from './plugins/zod.ts';
import securityPlugin from './plugins/security.ts';
import flashPlugin from './plugins/flash.ts';
import apiRateLimit from './plugins/rate-limit.ts';
import systemRoutes from './routes/system/index.ts';
import authRoutes from './routes/auth/index.ts';
import homeRoutes from './routes/home/index.ts';
import adminRoutes from './routes/admin/index.ts';
import facilityPages from './routes/facilities/pages.ts';
import intakeRoutes from './routes/intake/index.ts';
import residentPages from './routes/residents/index.ts';
import referralPages from './routes/referrals/index.ts';
import apiRoutes from './routes/api/index.ts';
import boardRoutes from './routes/board/index.ts';
import handoffRoutes from './routes/handoffs/index.ts';
import referenceRoutes from './routes/reference/index.ts';
import reportRoutes from './routes/reports/index.ts';
import reportExports from './routes/reports/exports.ts';
import casePages from './routes/cases/pages.ts';
import caseworkReports from './routes/reports/casework.ts';
import worklistPages from './routes/worklists/pages.ts';
import liveHtml from './live/html.ts';
import { LIVE_REGIONS } from './routes/live-regions.ts';


export interface BuildOptions {
  /** An already open database (tests share one with their factories). */
  db?: Db;
  logger?: boolean;
  /** Where the log goes (default stdout); tests read it. */
  logStream?: NodeJS.WritableStream;
  /** Told every route as it is added (the fuzz test enumerates the routes with it). */
  onRoute?: (route: { method: string | string[]; url: string; websocket?: boolean }) => void;
  /** Load shedding thresholds (tests lower them; src/plugins/metrics.ts). */
  pressure?: Partial<PressureOptions>;
  /** HTTP timeouts (tests shorten them). */
  timeouts?: Partial<typeof HTTP_TIMEOUTS>;
}

/**
 * A request must arrive whole in good time: half-sent headers or a body that
 * trickles in hold a socket and memory, so they are cut (Node answers 408).
 * Idle connections close too. Live sockets are not affected: the WebSocket
 * library lifts the idle timeout after the upgrade.
 */
export const HTTP_TIMEOUTS = {
  /** Headers complete within this. */
  headersMs: 10_000,
  /** The whole request (headers and body) within this. */
  requestMs: 30_000,
  /** A connection with no traffic at all is closed after this. */
  idleMs: 60_000,
  /** How often Node looks for requests past their time. */
  checkEveryMs: 2_000,
};

/** TRUST_PROXY as Fastify takes it: a hop count becomes "trust the n nearest hops". */
function trustProxyOption(v: Config['TRUST_PROXY']): boolean | string[] | ((addr: string, hop: number) => boolean) {
  return typeof v === 'number' ? (_addr, hop) => hop < v : v;
}

/**
 * Builds the application: external plugins, then Singgah's own plugins, then
 * routes. Listening is server.ts's job, so tests call `app.inject` on this.
 */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const db = options.db ?? await openDatabase(databaseTarget(config));
  const timeouts = { ...HTTP_TIMEOUTS, ...options.timeouts };
  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : {
            level: config.LOG_LEVEL,
            ...(options.logStream ? { stream: options.logStream } : {}),
            // The request line without people or secrets: the route pattern and a redacted query (src/lib/redact.ts).
            serializers: { req: requestSerializer, err: errorForLog },
          },
    // X-Request-Id from the proxy when sane, else made; on every log line and every answer (src/plugins/request-id.ts).
    genReqId: requestIdOf,
    logController: new LogController({ requestIdLogLabel: 'request_id' }),
    trustProxy: trustProxyOption(config.TRUST_PROXY),
    bodyLimit: 1024 * 1024,
    requestTimeout: timeouts.requestMs,
    connectionTimeout: timeouts.idleMs,
    http: { headersTimeout: timeouts.headersMs, requestTimeout: timeouts.requestMs, connectionsCheckingInterval: timeouts.checkEveryMs },
    // Query strings like ?kind=TPS&kind=LKS become arrays, as forms send them.
    routerOptions: { ignoreTrailingSlash: true },
  });
  if (options.onRoute) {
    const tell = options.onRoute;
    app.addHook('onRoute', (route) => tell({ method: route.method, url: route.url, websocket: (route as { websocket?: boolean }).websocket }));
  }
  app.decorate('config', config);
  // Ready only once this instance hears changes (PostgreSQL: LISTEN in place), so no change is missed.
  app.addHook('onReady', async () => await hubFor(db).ready?.());
  app.decorate('loginLimiter', new LoginLimiter());

  // External plugins.
  await app.register(requestIdPlugin);
  await app.register(metricsPlugin, { pressure: { maxEventLoopDelayMs: config.LOAD_SHED_DELAY_MS, ...options.pressure } });
  // One secret for signed cookies and the one-time messages' key (every instance needs the same one).
  const secret = config.SESSION_SECRET ?? loadSessionSecret(config.DATABASE_PATH);
  await app.register(cookie, { secret });
  await app.register(formbody);
  // Every body Singgah takes is a form or a JSON object: a text/plain body is a 415, and a JSON
  // array or scalar is a 400, before any route reads fields from it.
  app.removeContentTypeParser('text/plain');
  app.addHook('preValidation', async (request) => {
    const body = request.body;
    if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) {
      throw new DomainError('BAD_REQUEST', 'error.bad_request');
    }
    // A NUL character is in no name, id or note; PostgreSQL cannot even hold one. Refused at the door, on both engines.
    if (hasNul(request.params) || hasNul(request.query) || hasNul(body)) throw new DomainError('BAD_REQUEST', 'error.bad_request');
  });
  await app.register(websocket, {
    options: { maxPayload: 4096 },
    // On shutdown every socket is told 1012 (service restart) so clients reconnect.
    preClose(done) {
      for (const client of this.websocketServer.clients) client.close(1012, 'server restart');
      this.websocketServer.close();
      done();
    },
  });
  await app.register(securityPlugin);
  // Compression for every answer, and the static files (long-lived when asked by their hashed URL).
  await app.register(assetsPlugin);

  // Singgah's own plugins: order is the order requests meet them.
  await app.register(dbPlugin, { db });
  await app.register(i18nPlugin);
  await app.register(authPlugin);
  await app.register(csrfPlugin);
  await app.register(idempotencyPlugin);
  await app.register(flashPlugin, { secret });
  await app.register(viewsPlugin);
  await app.register(errorsPlugin);
  // Zod at every door: routes' body, query and answer schemas (the type provider's compilers).
  await app.register(zodPlugin);
  await app.register(jobsPlugin);
  await app.register(readinessPlugin);

  // Routes.
  await app.register(systemRoutes);
  await app.register(authRoutes);
  await app.register(homeRoutes);
  await app.register(adminRoutes);
  await app.register(facilityPages);
  await app.register(boardRoutes);
  await app.register(liveHtml, { regions: LIVE_REGIONS });
  await app.register(handoffRoutes);
  await app.register(referenceRoutes);
  await app.register(intakeRoutes);
  await app.register(residentPages);
  await app.register(referralPages);
  await app.register(reportRoutes);
  await app.register(reportExports);
  await app.register(casePages);
  await app.register(caseworkReports);
  await app.register(worklistPages);
  // The JSON API in a scope of its own, so the request limit (API_RATE_LIMIT) covers /api/v1 and nothing else.
  await app.register(
    async (api) => {
      await api.register(apiRateLimit);
      await api.register(apiRoutes);
    },
    { prefix: '/api/v1' },
  );

  return app;
}

function hasNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (value === null || typeof value !== 'object' || depth > 8) return false;
  for (const v of Array.isArray(value) ? value : Object.values(value)) if (hasNul(v, depth + 1)) return true;
  return false;
}
