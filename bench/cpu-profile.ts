import { round } from './lib.ts';

/** A V8 CPU profile (node --cpu-prof), summarised: the top frames by self and total time (bench/profile.ts, bench/residents.ts). */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/**
 * Self and total time per function (a frame counted once per sample however
 * deep it recurses). `skipMs`: samples taken in the profile's first `skipMs`
 * are left out (the server's start, and the jobs that run at it).
 */
export function summarise(profile: CpuProfile, top: number, skipMs = 0): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (id: number) => {
    const f = byId.get(id)!.callFrame;
    const file = f.url.replace(/^file:\/\//, '').replace(/^.*\/(node_modules\/|src\/|dist\/)/, '$1');
    return `${f.functionName || '(anonymous)'} ${file ? `${file}:${f.lineNumber + 1}` : ''}`.trim();
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  const hitsOf = new Map<number, number>();
  if (skipMs > 0 && profile.samples && profile.timeDeltas) {
    let t = profile.startTime;
    for (const [i, id] of profile.samples.entries()) {
      t += profile.timeDeltas[i] ?? 0;
      if (t - profile.startTime >= skipMs * 1000) hitsOf.set(id, (hitsOf.get(id) ?? 0) + 1);
    }
  } else {
    for (const n of profile.nodes) hitsOf.set(n.id, n.hitCount ?? 0);
  }
  for (const n of profile.nodes) {
    const hits = hitsOf.get(n.id) ?? 0;
    if (!hits) continue;
    all += hits;
    self.set(name(n.id), (self.get(name(n.id)) ?? 0) + hits);
    const seen = new Set<string>();
    for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) {
      const k = name(id);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + hits);
    }
  }
  const idle = (k: string) => k.startsWith('(idle)') || k.startsWith('(root)') || k.startsWith('(program)');
  const list = (m: Map<string, number>) =>
    [...m].filter(([k]) => !idle(k)).sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => `  ${String(round((100 * v) / all, 3)).padStart(6)} %  ${k}`).join('\n');
  const busy = all - [...self].filter(([k]) => idle(k)).reduce((s, [, v]) => s + v, 0);
  return `profile: ${round((profile.endTime - profile.startTime) / 1e6 - skipMs / 1000)} s${skipMs ? ` (the first ${round(skipMs / 1000)} s left out)` : ''}, busy ${round((100 * busy) / all)} % of samples\n\nself time:\n${list(self)}\n\ntotal time:\n${list(total)}\n`;
}
