import WebSocket from 'ws';
import { progress, quantile, sleep } from './lib.ts';

/**
 * Real `ws` clients in the bench process, as a room full of wall displays
 * would be: each opens the live socket, takes its snapshot, then waits. The
 * fan-out figure is the time from sending the change (a check-in request) to
 * each client's message about it, over every client and every event.
 */
export class LiveClients {
  private readonly sockets: WebSocket[] = [];
  private armedAt = 0;
  private heard = new Set<WebSocket>();
  private arrivals: number[] = [];
  private onAll: (() => void) | null = null;
  /** Bytes of the last event message a client received. */
  lastMessageBytes = 0;

  constructor(private readonly url: (i: number) => string) {}

  get size(): number {
    return this.sockets.length;
  }

  /**
   * Opens clients until there are `total`, `concurrency` connecting at a time,
   * each counted once its first message (the snapshot) arrives. Stops early at
   * the deadline (a machine that cannot take more): the count says what ran.
   */
  async open(total: number, opts: { concurrency: number; deadline: number }): Promise<void> {
    let next = this.sockets.length;
    const failures: string[] = [];
    const worker = async () => {
      while (next < total && performance.now() < opts.deadline && failures.length < 20) {
        const i = next++;
        try {
          this.sockets.push(await this.connect(i));
        } catch (err) {
          failures.push((err as Error).message);
        }
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
    if (failures.length >= 20) throw new Error(`live clients failed to connect: ${[...new Set(failures)].join('; ')}`);
  }

  private async connect(i: number): Promise<WebSocket> {
    return await new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url(i), { perMessageDeflate: false });
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error('no snapshot within 60 s'));
      }, 60_000);
      ws.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      ws.once('close', (code) => {
        clearTimeout(timer);
        reject(new Error(`closed with ${code} before its snapshot`));
      });
      ws.once('message', () => {
        clearTimeout(timer);
        ws.removeAllListeners('close');
        ws.removeAllListeners('error');
        ws.on('error', () => undefined);
        ws.on('message', (data: Buffer) => this.received(ws, data));
        resolve(ws);
      });
    });
  }

  private received(ws: WebSocket, data: Buffer): void {
    if (!this.onAll || this.heard.has(ws)) return;
    // Only the event's message counts (its type is the first key); the body is not parsed, as a wall would not need to before showing it.
    if (!data.subarray(0, 40).toString('latin1').includes('"type":"occupancy"')) return;
    this.arrivals.push(performance.now() - this.armedAt);
    this.heard.add(ws);
    this.lastMessageBytes = data.length;
    if (this.heard.size === this.sockets.length) this.onAll();
  }

  /**
   * `events` changes, one at a time (`trigger` makes one), after `warmup`
   * not counted; returns the latency of every client's message in ms and how
   * many clients never heard an event within the timeout.
   */
  async fanOut(trigger: (i: number) => Promise<void>, opts: { warmup: number; events: number; timeoutMs: number }): Promise<{ p99: number; median: number; samples: number; missed: number }> {
    const counted: number[] = [];
    let missed = 0;
    for (let i = 0; i < opts.warmup + opts.events; i++) {
      this.heard = new Set();
      this.arrivals = [];
      const all = new Promise<boolean>((resolve) => {
        this.onAll = () => resolve(true);
        setTimeout(() => resolve(false), opts.timeoutMs).unref();
      });
      this.armedAt = performance.now();
      await trigger(i);
      const complete = await all;
      this.onAll = null;
      if (i >= opts.warmup) {
        counted.push(...this.arrivals);
        if (!complete) {
          // A message that never came counts as the whole timeout: a lower bound, never left out.
          const lost = this.sockets.length - this.heard.size;
          missed += lost;
          counted.push(...Array.from({ length: lost }, () => opts.timeoutMs));
        }
      }
      await sleep(100);
    }
    if (missed > 0) progress(`live: ${missed} client messages did not arrive within ${opts.timeoutMs} ms`);
    return { p99: quantile(counted, 0.99), median: quantile(counted, 0.5), samples: counted.length, missed };
  }

  async close(): Promise<void> {
    await Promise.all(
      this.sockets.map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === WebSocket.CLOSED) return resolve();
            ws.once('close', () => resolve());
            ws.terminate();
          }),
      ),
    );
    this.sockets.length = 0;
  }
}
