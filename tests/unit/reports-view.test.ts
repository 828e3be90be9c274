import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { axis, stackedColumns } from '../../src/routes/reports/charts.ts';
import { formatters } from '../../src/routes/reports/view.ts';
import { hasMessage, translator } from '../../src/i18n/index.ts';
import { DISCHARGE_OUTCOMES } from '../../src/db/schema/index.ts';

describe('on-screen figures and charts', () => {
  it('writes Indonesian numbers as 5.836 and 85,3% and marks cells an export would hide', () => {
    const f = formatters('id', translator('id'));
    expect(f.int(5836)).toBe('5.836');
    expect(f.pct(0.853)).toMatch(/^85,3\s?%$/);
    expect(f.dec(2.1875)).toBe('2,2');
    expect(f.date('2026-03-01')).toBe('01/03/2026');
    expect(f.people(3)).toBe('3');
    expect(f.people(0)).toBe('0');
    expect(f.people(2)).toContain('class="would-suppress"');
    expect(formatters('en', translator('en')).int(5836)).toBe('5,836');
  });

  it('draws stacked columns within the plot and rounds the axis', () => {
    // Whole-number ticks for counts of people: 35 → 0, 10, 20, 30, 40; 4 → 0, 1, 2, 3, 4; 2652 → steps of 1000.
    expect([35, 4, 2652, 0].map(axis)).toEqual([
      { top: 40, step: 10 },
      { top: 4, step: 1 },
      { top: 3000, step: 1000 },
      { top: 1, step: 1 },
    ]);
    const ch = stackedColumns({
      days: ['2026-03-01', '2026-03-02'],
      dayLabel: (d) => d,
      series: [
        { cls: 's-tps', label: 'TPS', values: [3, 1] },
        { cls: 's-lks', label: 'LKS', values: [1, 4] },
      ],
      line: { label: 'kapasitas', values: [10, 10] },
      format: String,
      title: () => '',
    });
    const bottom = ch.plot.top + ch.plot.height;
    for (const col of ch.columns) {
      for (const seg of col.segments) {
        expect(seg.y).toBeGreaterThanOrEqual(ch.plot.top - 0.1);
        expect(seg.y + seg.height).toBeLessThanOrEqual(bottom + 0.1);
      }
    }
    // 4 of 10 and 5 of 10: the second column is taller.
    const h = (i: number) => ch.columns[i]!.segments.reduce((a, s) => a + s.height, 0);
    expect(h(1)).toBeGreaterThan(h(0));
    expect(h(0)).toBeCloseTo(ch.plot.height * 0.4, 0);
  });
});

describe('report dictionary', () => {
  it('has every reports.* key the code and the templates use, in both languages', () => {
    const files = [
      ...readdirSync('src/domain/reports').filter((f) => f.endsWith('.ts')).map((f) => join('src/domain/reports', f)),
      ...readdirSync('src/routes/reports').map((f) => join('src/routes/reports', f)),
      ...readdirSync('views/pages/reports').map((f) => join('views/pages/reports', f)),
      ...readdirSync('views/partials/reports').map((f) => join('views/partials/reports', f)),
    ];
    const keys = new Set<string>();
    for (const file of files) for (const m of readFileSync(file, 'utf8').matchAll(/'(reports\.[a-z0-9_.]+[a-z0-9_])'/g)) keys.add(m[1]!);
    for (const a of ['TPS', 'RESIDENTIAL', 'LKS']) keys.add(`reports.approach.${a}`).add(`reports.handled.${a}`);
    for (const o of DISCHARGE_OUTCOMES) keys.add(`reports.outcome.${o}`);
    expect(keys.size).toBeGreaterThan(100);
    const missing = [...keys].filter((k) => !hasMessage(k));
    expect(missing).toEqual([]);
    const en = translator('en');
    expect([...keys].filter((k) => en(k) === k)).toEqual([]);
  });
});
