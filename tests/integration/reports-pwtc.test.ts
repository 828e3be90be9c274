import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { openTestDatabase } from '../helpers/app.ts';
import { sql } from 'drizzle-orm';
import { type Db } from '../../src/db/client.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { wibDate } from '../../src/lib/time.ts';
import { ALL_FACILITIES, buildReport, handledReport, makeRange, type ReportRange } from '../../src/domain/reports/index.ts';

/**
 * The PWTC picture (DOMAIN.md): `npm run demo -- --scale pwtc` must read
 * TPS 2,652 · balai 403 · LKS 2,781 · total 5,836 in the people-handled
 * table over the whole operation. The seed is built to match "each person
 * counted once under the approach of their latest stay in the range"; this
 * checks the report's own computation gives those figures. Extend it as the
 * seed grows (e.g. per-wilayah or per-sex expectations).
 */
describe('reports on the PWTC-scale demo', () => {
  let db: Db;
  let range: ReportRange;
  const now = new Date('2026-11-22T05:00:00Z');

  beforeAll(async () => {
    db = await openTestDatabase();
    await seedDemo(db, { scale: 'pwtc', now });
    const first = (await db.get<{ at: string }>(sql`select min(checked_in_at) as at from stays`))!;
    range = makeRange(wibDate(first.at), wibDate(now.toISOString()));
  }, 120_000);
  afterAll(async () => {
    await db?.$engine.close();
  });

  it('reads 2,652 in TPS, 403 in balai, 2,781 through LKS: 5,836 people handled', async () => {
    const h = await handledReport({ db, range, scope: ALL_FACILITIES });
    expect(Object.fromEntries(h.rows.map((r) => [r.approach, r.people]))).toEqual({ TPS: 2652, RESIDENTIAL: 403, LKS: 2781 });
    expect(h.total.people).toBe(5836);
    expect(h.total.male + h.total.female).toBe(5836);
  });

  it('keeps the census consistent over the whole operation: flows add up, and the last day matches the live count', async () => {
    const t0 = Date.now();
    const report = await buildReport({ db, range, scope: ALL_FACILITIES });
    const elapsed = Date.now() - t0;
    const rows = [...report.census.facilities, ...report.census.approaches, ...report.census.wilayah, report.census.total];
    for (const r of rows) {
      let present = 0; // nobody was anywhere before the operation's first day
      for (const d of r.days) {
        present += d.in - d.out;
        expect(d.present).toBe(present);
      }
    }
    const open = (await db.get<{ n: number }>(sql`select count(*) as n from stays where checked_out_at is null`))!;
    expect(report.census.total.totals.present).toBe(open.n);
    // Everyone who arrived and left did so once in the total: arrivals − departures = who is still there.
    expect(report.census.total.totals.in - report.census.total.totals.out).toBe(open.n);
    expect(report.los.total.n).toBe(report.outcomes.total.total);
    // A whole operation's report is quick enough to render on request.
    expect(elapsed).toBeLessThan(5000);
  }, 60_000);
});
