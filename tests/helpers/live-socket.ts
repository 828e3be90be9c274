import WebSocket from 'ws';
import { randomUUID } from 'node:crypto';
import { write, type Db } from '../../src/db/client.ts';
import { persons, stays } from '../../src/db/schema/index.ts';
import { hubFor } from '../../src/domain/events.ts';
import { nowIso } from '../../src/lib/time.ts';

/**
 * A real ws client for the live tests: every frame kept as sent (byte
 * comparisons) and read as JSON on demand, the close code, and a refused
 * upgrade rejected with its HTTP status and body.
 */
export class LiveSocket {
  readonly frames: string[] = [];
  closeCode: number | null = null;
  private waiters: (() => void)[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      this.frames.push(String(d));
      for (const w of this.waiters.splice(0)) w();
    });
    ws.on('close', (code) => (this.closeCode = code));
  }
  static open(url: string, headers: Record<string, string> = {}): Promise<LiveSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      const s = new LiveSocket(ws);
      ws.once('open', () => resolve(s));
      ws.once('unexpected-response', (_q, res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += String(d)));
        res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, body })));
      });
      ws.once('error', reject);
    });
  }
  json(i: number) {
    return JSON.parse(this.frames[i]!) as Record<string, unknown>;
  }
  /** Frame `index` as JSON, once it has come (at most `ms` later). */
  async next(index: number, ms = 3000): Promise<Record<string, unknown>> {
    const t0 = Date.now();
    while (this.frames.length <= index) {
      if (Date.now() - t0 > ms) throw new Error(`no message #${index} after ${ms} ms`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
    return this.json(index);
  }
  close() {
    this.ws.close();
  }
  async closed() {
    if (this.closeCode !== null) return;
    const done = new Promise((r) => this.ws.once('close', r));
    this.ws.close();
    await done;
  }
}

/** `fn`'s first truthy answer, asked every 20 ms; after `ms`, an error naming `what`. */
export async function until<T>(fn: () => T | undefined | null | false, what = 'condition', ms = 20_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A person checked in to a unit by a direct write, and the change announced as a check-in would. */
export async function addStayAndAnnounce(db: Db, facilityId: string, unitId: string): Promise<void> {
  const personId = randomUUID();
  const now = nowIso();
  await write(db, async (tx) => {
    await tx.insert(persons).values({ id: personId, residentCode: `SGH-${personId.slice(0, 6)}`, name: 'Siti Aminah', sex: 'P', createdAt: now, updatedAt: now }).run();
    await tx.insert(stays).values({ id: randomUUID(), personId, facilityId, unitId, checkedInAt: now }).run();
  });
  hubFor(db).publish({ type: 'occupancy', facilityId, unitIds: [unitId] });
}
