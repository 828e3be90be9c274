/**
 * Chart geometry for the report's server-drawn SVG: computed here, drawn by
 * views/partials/reports/chart-*.eta with attributes only (our CSP forbids
 * style attributes), colours from classes in static/css/reports.css. Every
 * chart is drawn beside a table of its numbers.
 */
export interface HBar {
  label: string;
  value: number;
  text: string;
  cls: string;
  y: number;
  width: number;
}

export interface HBarChart {
  width: number;
  height: number;
  labelWidth: number;
  barMax: number;
  rowHeight: number;
  bars: HBar[];
}

export function hbarChart(rows: { label: string; value: number; text: string; cls: string }[], opts: { labelWidth?: number; width?: number } = {}): HBarChart {
  const width = opts.width ?? 640;
  const labelWidth = opts.labelWidth ?? 250;
  const barMax = width - labelWidth - 80;
  const rowHeight = 30;
  const max = Math.max(1, ...rows.map((r) => r.value));
  return {
    width,
    height: rows.length * rowHeight + 6,
    labelWidth,
    barMax,
    rowHeight,
    bars: rows.map((r, i) => ({ ...r, y: i * rowHeight + 4, width: Math.round((r.value / max) * barMax * 10) / 10 })),
  };
}

export interface Column {
  x: number;
  width: number;
  title: string;
  segments: { y: number; height: number; cls: string }[];
}

export interface ColumnChart {
  width: number;
  height: number;
  plot: { left: number; top: number; width: number; height: number };
  columns: Column[];
  /** The capacity line, as SVG polyline points. */
  line: string;
  yTicks: { y: number; label: string }[];
  xLabels: { x: number; label: string }[];
  legend: { cls: string; label: string }[];
}

/** Stacked columns per day (one segment per series), with an optional line (capacity) over them. */
export function stackedColumns(args: {
  days: string[];
  dayLabel: (d: string) => string;
  series: { cls: string; label: string; values: number[] }[];
  line?: { label: string; values: number[] };
  format: (n: number) => string;
  title: (i: number) => string;
}): ColumnChart {
  const width = 720;
  const height = 260;
  const plot = { left: 52, top: 10, width: width - 52 - 10, height: height - 10 - 34 };
  const n = args.days.length;
  const totals = args.days.map((_, i) => args.series.reduce((a, s) => a + (s.values[i] ?? 0), 0));
  const { top, step: tick } = axis(Math.max(1, ...totals, ...(args.line?.values ?? [])));
  const scale = (v: number) => (v / top) * plot.height;
  const step = plot.width / Math.max(1, n);
  const barW = Math.max(0.5, step * (n > 60 ? 0.9 : 0.7));
  const columns: Column[] = args.days.map((_, i) => {
    let base = plot.top + plot.height;
    const segments = args.series.map((s) => {
      const h = scale(s.values[i] ?? 0);
      base -= h;
      return { y: round(base), height: round(h), cls: s.cls };
    });
    return { x: round(plot.left + i * step + (step - barW) / 2), width: round(barW), title: args.title(i), segments };
  });
  const line = args.line
    ? args.line.values.map((v, i) => `${round(plot.left + i * step + step / 2)},${round(plot.top + plot.height - scale(v))}`).join(' ')
    : '';
  const yTicks = Array.from({ length: Math.round(top / tick) + 1 }, (_, k) => ({ y: round(plot.top + plot.height - scale(k * tick)), label: args.format(k * tick) }));
  const every = Math.max(1, Math.ceil(n / 7));
  const picked = args.days.map((_, i) => i).filter((i) => i % every === 0);
  // The last day is labelled too, unless it would crowd the label before it.
  if (n > 1 && !picked.includes(n - 1) && n - 1 - picked[picked.length - 1]! >= every / 2) picked.push(n - 1);
  const xLabels = picked.map((i) => ({ x: round(plot.left + i * step + step / 2), label: args.dayLabel(args.days[i]!) }));
  const legend = [...args.series.map((s) => ({ cls: s.cls, label: s.label })), ...(args.line ? [{ cls: 'line', label: args.line.label }] : [])];
  return { width, height, plot, columns, line, yTicks, xLabels, legend };
}

export interface Box {
  label: string;
  y: number;
  p25: number;
  median: number;
  p75: number;
  max: number;
  n: number;
}

export interface BoxChart {
  width: number;
  height: number;
  labelWidth: number;
  plotWidth: number;
  boxes: Box[];
  ticks: { x: number; label: string }[];
}

/** Box plots on one axis: p25–p75 box, median line, whisker from the box to the longest. */
export function boxChart(rows: { label: string; p25: number | null; median: number | null; p75: number | null; max: number | null; n: number }[], format: (n: number) => string): BoxChart {
  const width = 640;
  const labelWidth = 170;
  const plotWidth = width - labelWidth - 20;
  const rowH = 34;
  const shown = rows.filter((r) => r.n > 0 && r.max !== null);
  const { top, step } = axis(Math.max(1, ...shown.map((r) => r.max!)));
  const x = (v: number) => round(labelWidth + (v / top) * plotWidth);
  return {
    width,
    height: shown.length * rowH + 30,
    labelWidth,
    plotWidth,
    boxes: shown.map((r, i) => ({ label: r.label, y: i * rowH + 6, p25: x(r.p25!), median: x(r.median!), p75: x(r.p75!), max: x(r.max!), n: r.n })),
    ticks: Array.from({ length: Math.round(top / step) + 1 }, (_, k) => ({ x: x(k * step), label: format(k * step) })),
  };
}

/**
 * An axis for whole counts: a round step (1, 2, 5 × 10ⁿ, never below 1) giving
 * about four intervals, and the first multiple of it at or above the maximum.
 */
export function axis(max: number): { top: number; step: number } {
  const raw = Math.max(1, max / 4);
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * p).find((v) => v >= raw)!;
  return { top: Math.max(step, Math.ceil(max / step) * step), step };
}

const round = (v: number) => Math.round(v * 10) / 10;
