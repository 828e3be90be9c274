/**
 * What every benchmark of `npm run bench` shares: the figure it reports, the
 * statistics, and the table. A figure stands beside a ceiling measured in the
 * same run on the same machine, so the ratio means something where the
 * absolute number (a 2-core VM shared with the load generator) does not.
 */

/** One line of bench/results.json (INTERFACES.md: `[{name, value, unit, ceiling, ratio, target, met}]`). */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** The same quantity for the bare baseline named in `ceiling_of`, measured in this run; null when there is none. */
  ceiling: number | null;
  /** value ÷ ceiling; null without a ceiling. */
  ratio: number | null;
  /** The goal, as text: `≥ 0.25 × ceiling` or `≤ 100 ms`. */
  target: string;
  met: boolean;
  /** What the ceiling is. */
  ceiling_of: string;
  /** How it was measured, or why it is not what the name says (e.g. fewer clients than asked). */
  note?: string;
}

/** A goal on the ratio (throughput: at least this share of the ceiling) or on the value (latency, memory, time). */
export type Target = { ratioAtLeast: number } | { atMost: number };

export function figure(f: { name: string; value: number; unit: string; ceiling: number | null; ceilingOf: string; target: Target; note?: string }): Figure {
  const ratio = f.ceiling && f.ceiling > 0 ? round(f.value / f.ceiling, 3) : null;
  const met = 'ratioAtLeast' in f.target ? ratio !== null && ratio >= f.target.ratioAtLeast : Number.isFinite(f.value) && f.value <= f.target.atMost;
  const target = 'ratioAtLeast' in f.target ? `≥ ${f.target.ratioAtLeast} × ceiling` : `≤ ${f.target.atMost} ${f.unit}`;
  return {
    name: f.name,
    value: round(f.value),
    unit: f.unit,
    ceiling: f.ceiling === null ? null : round(f.ceiling),
    ratio,
    target,
    met,
    ceiling_of: f.ceilingOf,
    ...(f.note ? { note: f.note } : {}),
  };
}

/** Three significant figures is all a shared machine can tell. */
export function round(x: number, digits = 3): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const scale = 10 ** Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(x))));
  return Math.round(x * scale) / scale;
}

/** The q-quantile by nearest rank (q = 0.5 median, 0.99 p99). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export const median = (values: readonly number[]) => quantile(values, 0.5);

/** Time an async step in milliseconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function table(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [
    f.name,
    `${f.value} ${f.unit}`,
    f.ceiling === null ? '—' : `${f.ceiling} ${f.unit}`,
    f.ratio === null ? '—' : `${f.ratio}×`,
    f.target,
    f.met ? 'yes' : 'NO',
  ]);
  const head = ['figure', 'value', 'ceiling', 'ratio', 'target', 'met'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The same table in Markdown, with what each ceiling is, for bench/README.md. */
export function markdownTable(figures: readonly Figure[]): string {
  const lines = ['| figure | value | ceiling (same run) | ratio | target | met |', '|---|---:|---:|---:|---|---|'];
  for (const f of figures) {
    const ceiling = f.ceiling === null ? '—' : `${f.ceiling} ${f.unit} <br><sub>${f.ceiling_of}</sub>`;
    const name = f.note ? `${f.name} <br><sub>${f.note}</sub>` : f.name;
    lines.push(`| ${name} | ${f.value} ${f.unit} | ${ceiling} | ${f.ratio === null ? '—' : `${f.ratio}×`} | ${f.target} | ${f.met ? 'yes' : '**no**'} |`);
  }
  return lines.join('\n');
}

/** A line to stderr while the run goes on (the table itself goes to stdout). */
export function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}
