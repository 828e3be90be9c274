import fp from 'fastify-plugin';
import { databaseAnswers, databaseWritable } from '../domain/system/health.ts';
import { hubFor } from '../domain/events.ts';

/** How often the write probe runs (a load balancer asks /readyz far more often; a GET never writes). */
export const WRITE_PROBE_EVERY_MS = 10_000;

export interface Readiness {
  database: boolean;
  writable: boolean;
  listener: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    readiness: {
      /** What /readyz answers: the database answers now, the last write probe succeeded, the hub hears other instances. */
      check(): Promise<Readiness>;
      /** Runs the write probe now (also on its timer); resolves with its outcome. */
      probeWrite(): Promise<boolean>;
    };
  }
}

/**
 * Readiness for a load balancer: an instance that cannot write (SQLite: a full disk, a read-only file;
 * PostgreSQL read-only or gone) or that no longer hears other instances' changes (its PostgreSQL listener is
 * lost, so its walls would miss changes) says so at /readyz (503) and is taken out of rotation; it comes back
 * by itself once the probe writes again and the listener is back.
 */
export default fp(
  async (app) => {
    const hub = hubFor(app.db);
    let writable = true;
    let lastReason: string | null = null;
    let timer: NodeJS.Timeout | null = null;

    const probeWrite = async (): Promise<boolean> => {
      if (app.db.$engine.closed) return false;
      const r = await databaseWritable(app.db);
      writable = r.ok;
      const reason = r.ok ? null : r.reason;
      // Told once per change of state, not at every probe.
      if (reason !== lastReason) {
        if (reason) app.log.error({ reason }, 'database cannot be written: not ready');
        else if (lastReason) app.log.warn('database can be written again: ready');
        lastReason = reason;
      }
      return writable;
    };

    app.decorate('readiness', {
      probeWrite,
      async check(): Promise<Readiness> {
        return { database: await databaseAnswers(app.db), writable, listener: hub.listening?.() ?? true };
      },
    });

    app.addHook('onReady', async () => {
      await probeWrite();
      timer = setInterval(() => void probeWrite(), WRITE_PROBE_EVERY_MS);
      timer.unref();
    });
    app.addHook('onClose', async () => {
      if (timer) clearInterval(timer);
    });
  },
  { name: 'readiness', dependencies: ['db'] },
);
