/** A small benchmark harness: warm up, run, report median and p95; no timed assertions anywhere. */
export interface Result {
  name: string;
  unit: string;
  median: number;
  p95: number;
  n: number;
  note?: string;
}

export function measure(name: string, fn: () => void, opts: { n?: number; warmup?: number; unit?: 'µs' | 'ms'; note?: string } = {}): Result {
  const n = opts.n ?? 200;
  const warmup = opts.warmup ?? Math.min(50, n);
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  return summarise(name, times, opts.unit ?? 'µs', opts.note);
}

export async function measureAsync(name: string, fn: () => Promise<void>, opts: { n?: number; warmup?: number; unit?: 'µs' | 'ms'; note?: string } = {}): Promise<Result> {
  const n = opts.n ?? 100;
  const warmup = opts.warmup ?? Math.min(20, n);
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  return summarise(name, times, opts.unit ?? 'µs', opts.note);
}

function summarise(name: string, micros: number[], unit: 'µs' | 'ms', note?: string): Result {
  micros.sort((a, b) => a - b);
  const scale = unit === 'ms' ? 1000 : 1;
  const q = (p: number) => micros[Math.min(micros.length - 1, Math.floor(p * micros.length))]! / scale;
  return { name, unit, median: round(q(0.5)), p95: round(q(0.95)), n: micros.length, ...(note ? { note } : {}) };
}

export const round = (x: number) => (x >= 100 ? Math.round(x) : Math.round(x * 100) / 100);

export function table(results: Result[], ratios: { name: string; value: number; note: string }[], memory: { name: string; value: number; unit: string }[]): string {
  const w = Math.max(...results.map((r) => r.name.length), 20);
  const lines = [`${'benchmark'.padEnd(w)}  ${'median'.padStart(10)}  ${'p95'.padStart(10)}  unit  n`];
  for (const r of results) lines.push(`${r.name.padEnd(w)}  ${String(r.median).padStart(10)}  ${String(r.p95).padStart(10)}  ${r.unit.padEnd(4)}  ${r.n}${r.note ? '  ' + r.note : ''}`);
  lines.push('', 'ratios');
  for (const r of ratios) lines.push(`  ${r.name}: ${r.value}×  (${r.note})`);
  lines.push('', 'memory');
  for (const m of memory) lines.push(`  ${m.name}: ${m.value} ${m.unit}`);
  return lines.join('\n');
}
