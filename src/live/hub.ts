import type { Db } from '../db/client.ts';

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
 * The small interface the rest of the code sees. This one lives in process
 * memory (one server owns the SQLite file); a multi-server deployment can put
 * PostgreSQL LISTEN/NOTIFY or Redis pub/sub behind the same two methods.
 */
export interface EventHub {
  publish(event: HubEvent): void;
  subscribe(listener: (event: HubEvent) => void | Promise<void>): () => void;
}

export class LocalHub implements EventHub {
  private readonly listeners = new Set<(event: HubEvent) => void | Promise<void>>();
  publish(event: HubEvent): void {
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

// One hub per database: the database is the source of truth the events describe,
// and tests that run several apps in one process never hear each other.
const hubs = new WeakMap<object, EventHub>();

export function hubFor(db: Db): EventHub {
  let hub = hubs.get(db.$engine);
  if (!hub) {
    hub = new LocalHub();
    hubs.set(db.$engine, hub);
  }
  return hub;
}

/** Replace the hub of a database (a multi-server deployment, or a test). */
export function setHub(db: Db, hub: EventHub): void {
  hubs.set(db.$engine, hub);
}
