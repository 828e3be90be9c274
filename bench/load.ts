import autocannon, { type Request as CannonRequest } from 'autocannon';
import { Agent, request } from 'node:http';
import { median, progress, quantile, round } from './lib.ts';

/** The same settings for every HTTP figure and for its ceiling. */
export interface LoadSettings {
  connections: number;
  warmupS: number;
  rounds: number;
  roundS: number;
}

export interface Throughput {
  /** Median over the rounds of the answers with the expected status, per second. */
  value: number;
  rounds: number[];
  /** Answers with another status, when there were any. */
  note?: string;
}

/**
 * Requests per second answered with `expect`, by autocannon: a warm-up that
 * is thrown away, then `rounds` rounds; the median round is the figure.
 * `requests` varies each request (a check-in per person); otherwise every
 * request is the same.
 */
export async function throughput(args: {
  label: string;
  url: string;
  settings: LoadSettings;
  expect: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  requests?: () => CannonRequest[];
}): Promise<Throughput> {
  const run = async (duration: number) =>
    await autocannon({
      url: args.url,
      connections: args.settings.connections,
      pipelining: 1,
      duration,
      timeout: 30,
      method: args.method ?? 'GET',
      headers: args.headers ?? {},
      ...(args.body !== undefined ? { body: args.body } : {}),
      ...(args.requests ? { requests: args.requests() } : {}),
    });
  if (args.settings.warmupS > 0) await run(args.settings.warmupS);
  const rounds: number[] = [];
  const others = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < args.settings.rounds; i++) {
    const r = await run(args.settings.roundS);
    const ok = r.statusCodeStats[String(args.expect)]?.count ?? 0;
    rounds.push(ok / r.duration);
    for (const [code, { count }] of Object.entries(r.statusCodeStats)) {
      total += count;
      if (code !== String(args.expect)) others.set(code, (others.get(code) ?? 0) + count);
    }
    if (r.errors + r.timeouts > 0) others.set('errors', (others.get('errors') ?? 0) + r.errors + r.timeouts);
  }
  const value = median(rounds);
  progress(`${args.label}: ${rounds.map((x) => round(x)).join(', ')} /s → ${round(value)}`);
  const note = others.size > 0 ? `besides ${args.expect}: ${[...others].map(([c, n]) => `${n} × ${c}`).join(', ')} of ${total}` : undefined;
  return { value, rounds, ...(note ? { note } : {}) };
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One request on a kept-alive connection; the body is read in full. */
export async function send(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return await new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

export interface Latency {
  median: number;
  p95: number;
  n: number;
}

/**
 * Latency of requests sent one after another (nothing else in flight), in
 * milliseconds from sending to the last byte of the answer. The warm-up
 * requests count against maxMs too.
 */
export async function latency(urls: readonly string[], opts: { headers?: Record<string, string>; expect: number; warmup: number; n: number; maxMs?: number }): Promise<Latency> {
  const times: number[] = [];
  // A slow path stops at maxMs (once it has a few samples): the run has ten minutes in all.
  const end = performance.now() + (opts.maxMs ?? 30_000);
  for (let i = 0; i < opts.warmup + opts.n; i++) {
    if (performance.now() > end && times.length >= 20) break;
    const url = urls[i % urls.length]!;
    const t0 = performance.now();
    const res = await send(url, { headers: opts.headers ?? {} });
    const ms = performance.now() - t0;
    if (res.status !== opts.expect) throw new Error(`GET ${url}: ${res.status} (expected ${opts.expect}): ${res.body.slice(0, 300)}`);
    if (i >= opts.warmup) times.push(ms);
  }
  return { median: median(times), p95: quantile(times, 0.95), n: times.length };
}
