/**
 * A 24-hour occupancy sparkline as inline SVG markup (rendered on the server;
 * SVG attributes are not styles, so the CSP is kept). Values are occupied/usable.
 */
export function sparkline(points: { at: string; occupied: number; usable: number }[], now: Date, label = '24 jam', width = 240, height = 48): string {
  const from = now.getTime() - 24 * 3600_000;
  const pts = points.filter((p) => Date.parse(p.at) >= from && p.usable > 0);
  if (pts.length < 2) return `<svg class="spark" viewBox="0 0 ${width} ${height}" role="img" aria-label="—"><line x1="0" y1="${height - 1}" x2="${width}" y2="${height - 1}" class="spark-base"/></svg>`;
  const x = (at: string) => (((Date.parse(at) - from) / (24 * 3600_000)) * width).toFixed(1);
  const y = (p: { occupied: number; usable: number }) => (height - 2 - Math.min(1.1, p.occupied / p.usable) * (height - 4) / 1.1).toFixed(1);
  const line = pts.map((p) => `${x(p.at)},${y(p)}`).join(' ');
  const last = pts[pts.length - 1]!;
  const pct = Math.round((last.occupied / last.usable) * 100);
  return `<svg class="spark" viewBox="0 0 ${width} ${height}" role="img" aria-label="${label.replace(/[&"<>]/g, '')}: ${pct}%"><polyline points="${line}" class="spark-line"/><circle cx="${x(last.at)}" cy="${y(last)}" r="3" class="spark-dot"/></svg>`;
}
