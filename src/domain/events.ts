import pg from 'pg';
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.ts';
import type { PostgresEngine } from '../db/postgres.ts';
import { currentTx, type Engine, type Executor } from '../db/engine.ts';
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
  | { type: 'access' }
  /**
   * This instance may have missed changes (PostgreSQL: its LISTEN connection was lost and is back):
   * whatever it keeps from events is re-read — a fresh snapshot to every socket, every region
   * re-rendered, every credential re-checked (INTERFACES.md "Live").
   */
  | { type: 'resync' };

type Listener = (event: HubEvent) => void | Promise<void>;

/**
 * The small interface the rest of the code sees: a verb publishes what it
 * changed, the live sockets (src/live/socket.ts, src/live/html.ts) and the
 * board subscribe.
 */
export interface EventHub {
  publish(event: HubEvent): void;
  subscribe(listener: Listener): () => void;
  /** Resolves when the hub hears changes (PostgreSQL: its LISTEN is in place). */
  ready(): Promise<void>;
  /** False while the hub cannot hear other instances' changes (PostgreSQL: the listener connection is lost); /readyz says so. */
  listening?(): boolean;
}

/**
 * Carries events to the other instances of a database (PostgreSQL:
 * NOTIFY/LISTEN). It only carries: when an event is heard is the hub's
 * decision, the same on every engine.
 */
interface Relay {
  /** Queues the event in the write's own transaction: delivered to the others at its commit, or never. */
  sendIn(writer: Executor, event: HubEvent): Promise<void>;
  /** An event published outside any write (nothing to roll back): sent on its own. */
  sendNow(event: HubEvent): void;
  ready(): Promise<void>;
  listening(): boolean;
}

/**
 * One hub per database, one rule for both engines: a publish inside a write
 * (db/client.ts `write`) is kept by that write's transaction and heard after
 * its COMMIT, once, and never when it rolls back — so a listener that reads
 * in its callback sees the new figures. A publish outside a write is heard at
 * once. On PostgreSQL the relay's NOTIFY rides in the same transaction, on its
 * connection, so the other instances hear it at commit or not at all.
 */
export class Hub implements EventHub {
  private readonly listeners = new Set<Listener>();
  constructor(
    private readonly engine: Engine,
    private readonly relay: Relay | null = null,
  ) {}

  publish(event: HubEvent): void {
    hubEvents.inc({ type: event.type, source: 'local' });
    const tx = currentTx(this.engine);
    if (!tx) {
      this.deliver(event);
      this.relay?.sendNow(event);
      return;
    }
    const relay = this.relay;
    if (relay) tx.beforeCommit.push(() => relay.sendIn(tx.writer, event));
    tx.afterCommit.push(() => this.deliver(event));
  }

  /** To this instance's listeners, now. The relay hands what other instances committed here too. */
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

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  ready(): Promise<void> {
    return this.relay?.ready() ?? Promise.resolve();
  }

  listening(): boolean {
    return this.relay?.listening() ?? true;
  }
}

export const PG_CHANNEL = 'singgah_events';
export const LISTENER_APPLICATION_NAME = 'singgah-listener';

/**
 * PostgreSQL's limit on a NOTIFY payload is 8000 bytes; a message stays well
 * under it. Only an occupancy event can grow (a repair of many units of one
 * facility): it crosses as several, each naming some of the units.
 */
export const NOTIFY_MAX_BYTES = 7000;

/** The wire form: `o` the sending instance, `n` its counter (identical payloads in one transaction are folded into one by PostgreSQL), `e` the event. */
export function notifyPayloads(origin: string, next: () => number, event: HubEvent): string[] {
  const one = (e: HubEvent) => JSON.stringify({ o: origin, n: next(), e });
  const whole = one(event);
  if (Buffer.byteLength(whole) <= NOTIFY_MAX_BYTES || event.type !== 'occupancy') return [whole];
  const out: string[] = [];
  let units: string[] = [];
  // A unit id is a short ASCII id: the head (ids of the facility, origin, counter) is what stays the same.
  const budget = NOTIFY_MAX_BYTES - Buffer.byteLength(one({ ...event, unitIds: [] }));
  let size = 0;
  for (const u of event.unitIds) {
    const add = Buffer.byteLength(JSON.stringify(u)) + 1;
    if (units.length && size + add > budget) {
      out.push(one({ ...event, unitIds: units }));
      units = [];
      size = 0;
    }
    units.push(u);
    size += add;
  }
  if (units.length) out.push(one({ ...event, unitIds: units }));
  return out;
}

/**
 * PostgreSQL: every instance LISTENs on one channel and NOTIFYs from inside
 * the write's transaction (ids and figures, never a person). An instance also
 * hears its own NOTIFY: those carry its `origin` and are dropped, because its
 * own listeners already heard the event from the hub after the commit.
 */
class PgRelay implements Relay {
  private listener: pg.Client | null = null;
  private readonly readyPromise: Promise<void>;
  private stopped = false;
  /** The listener was lost: once listening again, this instance may have missed NOTIFYs. */
  private lost = false;
  private counter = 0;
  private readonly origin = randomUUID();

  constructor(
    private readonly engine: PostgresEngine,
    private readonly heard: (event: HubEvent) => void,
  ) {
    this.readyPromise = this.listen();
    engine.onClose(() => this.stop());
  }

  private readonly next = () => ++this.counter;

  private async listen(): Promise<void> {
    while (!this.stopped) {
      // Named, so an operator sees it in pg_stat_activity (and a test can cut it).
      const client = new pg.Client({ connectionString: this.engine.url, application_name: LISTENER_APPLICATION_NAME });
      try {
        await client.connect();
        client.on('notification', (msg) => {
          if (msg.channel !== PG_CHANNEL || !msg.payload) return;
          let parsed: { o?: unknown; e?: HubEvent };
          try {
            parsed = JSON.parse(msg.payload) as typeof parsed;
          } catch {
            return; // A malformed payload is not ours.
          }
          if (parsed.o !== this.origin && parsed.e) {
            hubEvents.inc({ type: parsed.e.type, source: 'remote' });
            this.heard(parsed.e);
          }
        });
        client.on('error', () => undefined);
        client.on('end', () => {
          // Lost the server: listen again (the walls re-read everything on their next snapshot).
          if (!this.stopped && this.listener === client) {
            this.listener = null;
            this.lost = true;
            setTimeout(() => void this.listen(), 1000).unref();
          }
        });
        await client.query(`LISTEN ${PG_CHANNEL}`);
        this.listener = client;
        if (this.stopped) await client.end();
        else if (this.lost) {
          this.lost = false;
          this.heard({ type: 'resync' });
        }
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

  ready(): Promise<void> {
    return this.readyPromise;
  }

  async sendIn(writer: Executor, event: HubEvent): Promise<void> {
    // An error here (the server's notification queue full) rolls the write back: announced at commit, or not at all.
    for (const payload of notifyPayloads(this.origin, this.next, event)) await writer.execute('select pg_notify(?, ?)', [PG_CHANNEL, payload], 'run', false);
  }

  sendNow(event: HubEvent): void {
    if (this.engine.closed) return;
    // Outside a write nothing can roll back: the NOTIFY is its own statement, and a lost one costs the
    // other instances a message, not a change (their walls re-read on the next snapshot).
    for (const payload of notifyPayloads(this.origin, this.next, event)) this.engine.pool.query('select pg_notify($1, $2)', [PG_CHANNEL, payload]).catch(() => undefined);
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
const hubs = new WeakMap<object, Hub>();

export function hubFor(db: Db): EventHub {
  const engine = db.$engine;
  let hub = hubs.get(engine);
  if (!hub) {
    if (engine.kind === 'postgres') {
      let made: Hub | null = null;
      const relay = new PgRelay(engine as PostgresEngine, (e) => made?.deliver(e));
      hub = made = new Hub(engine, relay);
    } else hub = new Hub(engine);
    hubs.set(engine, hub);
  }
  return hub;
}
