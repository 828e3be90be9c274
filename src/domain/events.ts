import pg from 'pg';
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.ts';
import type { PostgresEngine } from '../db/postgres.ts';
import { currentTx } from '../db/engine.ts';
import { hubEvents } from '../lib/metrics.ts';

/**
 * What changed, published once per committed change, after commit (never
 * before, never for a rolled-back change). Events name records, never people:
 * consumers look up the current figures themselves.
 */
export type HubEvent =
  | { type: 'occupancy'; facilityId: string; unitIds: string[] }
  | { type: 'facility'; facilityId: string }
  | { type: 'referral'; referralId: string; status: string; fromFacilityId: string | null; toFacilityId: string; places: number }
  | { type: 'handoff'; handoffId: string; number: string; status: string; facilityId: string; wilayahCode: string; pending: number }
  | { type: 'alert'; alertId: string; kind: string; facilityId: string | null }
  /** Credentials changed (logout, disable, revoke, password reset): open sockets re-check theirs; nothing is sent. */
  | { type: 'access' };

/**
 * The small interface the rest of the code sees: a verb publishes what it
 * changed (best inside its write: heard once committed), the live sockets
 * (src/live/socket.ts, src/live/html.ts) and the board subscribe. SQLite: one
 * process, listeners in memory (CommitHub). PostgreSQL: NOTIFY/LISTEN across
 * instances (PgHub).
 */
export interface EventHub {
  publish(event: HubEvent): void;
  subscribe(listener: (event: HubEvent) => void | Promise<void>): () => void;
  /** Resolves when the hub hears changes (PostgreSQL: its LISTEN is in place). */
  ready?(): Promise<void>;
  /** False while the hub cannot hear other instances' changes (PostgreSQL: the listener connection is lost); /readyz says so. */
  listening?(): boolean;
}

export class LocalHub implements EventHub {
  private readonly listeners = new Set<(event: HubEvent) => void | Promise<void>>();
  publish(event: HubEvent): void {
    hubEvents.inc({ type: event.type, source: 'local' });
    this.deliver(event);
  }
  /** Hands an event to this process's listeners (PgHub counts its own). */
  deliver(event: HubEvent): void {
    for (const l of this.listeners) {
      try {
        const done = l(event);
        if (done instanceof Promise) done.catch(() => undefined);
      } catch {
        // A failing listener must not stop the others nor the change that published.
      }
    }
  }
  subscribe(listener: (event: HubEvent) => void | Promise<void>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  get size(): number {
    return this.listeners.size;
  }
}

/**
 * PostgreSQL: every instance LISTENs on one channel; a change is announced
 * with NOTIFY (ids and figures, never a person), after its commit. This
 * instance's own listeners hear it at once (as with SQLite); every other
 * instance hears it from the server and hands it to its listeners, so a change
 * through one instance reaches the walls and pages of all of them.
 */
export const PG_CHANNEL = 'singgah_events';
export const LISTENER_APPLICATION_NAME = 'singgah-listener';

export class PgHub implements EventHub {
  private readonly local = new LocalHub();
  private listener: pg.Client | null = null;
  private readyPromise: Promise<void>;
  private stopped = false;
  /** This instance, so it does not hear its own announcements twice. */
  private readonly origin = randomUUID();

  constructor(private readonly engine: PostgresEngine) {
    this.readyPromise = this.listen();
    engine.onClose(() => this.stop());
  }

  private async listen(): Promise<void> {
    while (!this.stopped) {
      // Named, so an operator sees it in pg_stat_activity (and a test can cut it).
      const client = new pg.Client({ connectionString: this.engine.url, application_name: LISTENER_APPLICATION_NAME });
      try {
        await client.connect();
        client.on('notification', (msg) => {
          if (msg.channel !== PG_CHANNEL || !msg.payload) return;
          try {
            const { origin, event } = JSON.parse(msg.payload) as { origin: string; event: HubEvent };
            if (origin !== this.origin) {
              hubEvents.inc({ type: event.type, source: 'remote' });
              this.local.deliver(event);
            }
          } catch {
            // A malformed payload is not ours: ignored.
          }
        });
        client.on('error', () => undefined);
        client.on('end', () => {
          // Lost the server: listen again (the walls re-read everything on their next snapshot).
          if (!this.stopped && this.listener === client) {
            this.listener = null;
            setTimeout(() => void this.listen(), 1000).unref();
          }
        });
        await client.query(`LISTEN ${PG_CHANNEL}`);
        this.listener = client;
        if (this.stopped) await client.end();
        return;
      } catch {
        await client.end().catch(() => undefined);
        if (this.stopped) return;
        await new Promise((r) => setTimeout(r, 1000).unref());
      }
    }
  }

  listening(): boolean {
    return this.listener !== null;
  }

  /** Resolves once this instance is listening. */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  publish(event: HubEvent): void {
    // Inside a write the announcement waits for the commit: nobody hears of a change that may yet roll back.
    const tx = currentTx(this.engine);
    if (tx) {
      tx.afterCommit.push(() => this.publish(event));
      return;
    }
    hubEvents.inc({ type: event.type, source: 'local' });
    this.local.deliver(event);
    if (this.engine.closed) return;
    this.engine.pool.query('select pg_notify($1, $2)', [PG_CHANNEL, JSON.stringify({ origin: this.origin, event })]).catch(() => undefined);
  }

  subscribe(listener: (event: HubEvent) => void | Promise<void>): () => void {
    return this.local.subscribe(listener);
  }

  private async stop(): Promise<void> {
    this.stopped = true;
    const l = this.listener;
    this.listener = null;
    if (l) await l.end().catch(() => undefined);
  }
}

// One hub per database: the database is the source of truth the events describe,
// and tests that run several apps in one process never hear each other.
const hubs = new WeakMap<object, EventHub>();

export function hubFor(db: Db): EventHub {
  let hub = hubs.get(db.$engine);
  if (!hub) {
    hub = db.$engine.kind === 'postgres' ? new PgHub(db.$engine as PostgresEngine) : new LocalHub();
    hubs.set(db.$engine, hub);
  }
  return hub;
}

/** Replace the hub of a database (a multi-server deployment, or a test). */
export function setHub(db: Db, hub: EventHub): void {
  hubs.set(db.$engine, hub);
}
