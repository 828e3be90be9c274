import fp from 'fastify-plugin';
import underPressure from '@fastify/under-pressure';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isIP } from 'node:net';
import { processRegistry, shedRequests } from '../lib/metrics.ts';
import { occupancyVersion } from '../domain/occupancy/cache.ts';
import { DomainError } from '../domain/errors.ts';

export interface PressureOptions {
  /** Event loop delay (ms) over which requests are shed; 0 = not checked. */
  maxEventLoopDelayMs: number;
  /** Event loop utilisation (0–1) over which requests are shed; 0 = not checked. */
  maxEventLoopUtilization: number;
  /** How often the load is sampled (ms). */
  sampleIntervalMs: number;
}

/**
 * Shed load before the event loop drowns: a mean event-loop delay of a second over a sample means every
 * request already waits behind the others; answering 503 with Retry-After at once lets the proxy try another
 * instance and keeps the ones in flight alive. Health, readiness and metrics are never shed. Utilisation
 * alone is not a default signal: a busy loop that still answers quickly (a start, a burst) must not be shed.
 */
export const PRESSURE_DEFAULTS: PressureOptions = { maxEventLoopDelayMs: 1000, maxEventLoopUtilization: 0, sampleIntervalMs: 1000 };
const NEVER_SHED = new Set(['/healthz', '/readyz', '/metrics']);
const RETRY_AFTER_S = 10;

/** Loopback: the machine itself (a Prometheus on the host, an operator's curl). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(a) === 4) return a.startsWith('127.');
  return a === '::1';
}

/**
 * GET /metrics may be read from the machine itself (a client address on loopback that no proxy forwarded)
 * or with an admin API token; nobody else learns the load or the routes.
 */
function mayReadMetrics(request: FastifyRequest): boolean {
  if (request.actor?.type === 'token' && request.actor.role === 'admin') return true;
  return isLoopback(request.ip) && request.headers['x-forwarded-for'] === undefined;
}

/**
 * Prometheus metrics (prom-client) at GET /metrics: requests by route pattern (rate, status, latency), live
 * sockets by kind, the occupancy version, and what src/lib/metrics.ts counts for the process (live messages
 * delivered and dropped, hub events, write-lock wait, job runs and failures, requests shed, Node's own).
 * Load shedding with @fastify/under-pressure.
 */
export default fp<{ pressure?: Partial<PressureOptions> }>(
  async (app, opts) => {
    const pressure = { ...PRESSURE_DEFAULTS, ...opts.pressure };
    await app.register(underPressure, {
      maxEventLoopDelay: pressure.maxEventLoopDelayMs,
      maxEventLoopUtilization: pressure.maxEventLoopUtilization,
      // Each sample's own utilisation, not the average since start (which a long-running process never moves).
      eventLoopUtilizationMode: 'interval',
      sampleInterval: pressure.sampleIntervalMs,
      retryAfter: RETRY_AFTER_S,
      // A value returned is sent as the answer (the plugin's types say void; its code sends what is returned).
      pressureHandler: ((request: FastifyRequest, reply: FastifyReply, type: string) => {
        if (NEVER_SHED.has(request.url.split('?')[0]!)) return undefined;
        shedRequests.inc({ reason: type });
        reply.code(503).header('Retry-After', String(RETRY_AFTER_S));
        if (request.url.startsWith('/api/')) {
          reply.type('application/problem+json');
          return { type: '/problems/overloaded', title: 'Service Unavailable', status: 503, detail: 'The server is overloaded; try again shortly.', code: 'OVERLOADED', request_id: request.id };
        }
        reply.type('text/plain; charset=utf-8');
        return `Server sedang sibuk; coba lagi sebentar lagi. / The server is busy; try again shortly. (${request.id})\n`;
      }) as unknown as (request: FastifyRequest, reply: FastifyReply, type: string) => void,
    });

    // This app's own metrics (one registry per app: tests run several in one process).
    const registry = new Registry();
    const requests = new Counter({
      name: 'singgah_http_requests_total',
      help: 'HTTP requests by method, route pattern and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    });
    const latency = new Histogram({
      name: 'singgah_http_request_duration_seconds',
      help: 'HTTP request latency by method and route pattern',
      labelNames: ['method', 'route'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    const sockets = { api: 0, html: 0, other: 0 };
    new Gauge({
      name: 'singgah_live_sockets',
      help: 'Open live sockets by kind (api: /api/v1/live, html: /live/html)',
      labelNames: ['kind'] as const,
      registers: [registry],
      collect() {
        for (const [kind, n] of Object.entries(sockets)) this.set({ kind }, n);
      },
    });
    new Gauge({
      name: 'singgah_occupancy_version',
      help: 'The committed occupancy version (rises with every change of occupancy)',
      registers: [registry],
      async collect() {
        this.set(await occupancyVersion(app.db));
      },
    });
    new Gauge({
      name: 'singgah_ready',
      help: 'Readiness checks (1 = passing): database answers, database writable, event listener connected',
      labelNames: ['check'] as const,
      registers: [registry],
      async collect() {
        const r = await app.readiness.check();
        for (const [check, ok] of Object.entries(r)) this.set({ check }, ok ? 1 : 0);
      },
    });

    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? '(no route)';
      requests.inc({ method: request.method, route, status: String(reply.statusCode) });
      latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    });

    app.addHook('onReady', async () => {
      app.websocketServer.on('connection', (socket, req) => {
        const path = (req.url ?? '').split('?')[0];
        const kind: keyof typeof sockets = path === '/api/v1/live' ? 'api' : path === '/live/html' ? 'html' : 'other';
        sockets[kind]++;
        socket.once('close', () => sockets[kind]--);
      });
    });

    app.get('/metrics', { config: { access: 'public' } }, async (request, reply) => {
      if (!mayReadMetrics(request)) throw new DomainError(request.actor ? 'FORBIDDEN' : 'UNAUTHENTICATED', request.actor ? 'error.forbidden' : 'error.unauthenticated');
      const text = (await registry.metrics()) + (await processRegistry.metrics());
      return reply.type(registry.contentType).header('Cache-Control', 'no-store').send(text);
    });
  },
  // Registered first, so an overloaded process sheds a request before any other work is done for it.
  { name: 'metrics' },
);
