import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process's Prometheus metrics (prom-client), served at `GET /metrics` (src/plugins/metrics.ts).
 *
 * One registry per process: what is counted here (the write lock, the event hub, the jobs) belongs to the
 * process, whichever app instance in it caused it (tests run several in one process; production runs one).
 * Labels are route patterns, kinds and outcomes, never an id, a name or anything a person typed.
 */
export const processRegistry = new Registry();
collectDefaultMetrics({ register: processRegistry, prefix: 'singgah_' });

/** Seconds a write waited for the write lock (SQLite: the in-process queue and BEGIN IMMEDIATE; PostgreSQL: the queue and the advisory lock). */
export const writeLockWait = new Histogram({
  name: 'singgah_write_lock_wait_seconds',
  help: 'Time a write transaction waited for the write lock',
  labelNames: ['engine'] as const,
  buckets: [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [processRegistry],
});

/** Changes announced on the event hub, by type and by where they came from (this instance, or another one through PostgreSQL). */
export const hubEvents = new Counter({
  name: 'singgah_events_published_total',
  help: 'Changes announced on the event hub',
  labelNames: ['type', 'source'] as const,
  registers: [processRegistry],
});

/** Live messages handed to a socket (delivered) or not (dropped: the socket was too slow and was closed, or already closing). */
export const liveMessages = new Counter({
  name: 'singgah_live_messages_total',
  help: 'Live messages delivered to sockets or dropped',
  labelNames: ['kind', 'outcome'] as const,
  registers: [processRegistry],
});

/** Background job runs (src/plugins/jobs.ts) by outcome. */
export const jobRuns = new Counter({
  name: 'singgah_job_runs_total',
  help: 'Background job runs by job and outcome',
  labelNames: ['job', 'outcome'] as const,
  registers: [processRegistry],
});

/** Requests refused with 503 because the process was overloaded (@fastify/under-pressure). */
export const shedRequests = new Counter({
  name: 'singgah_requests_shed_total',
  help: 'Requests refused with 503 under load',
  labelNames: ['reason'] as const,
  registers: [processRegistry],
});

/** Seconds since `start` (a high-resolution clock), for the histograms above. */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
