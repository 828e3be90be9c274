import { randomUUID } from 'node:crypto';
import type { BrowserSuite } from './browser.ts';
import { persons, stays } from '../../src/db/schema/index.ts';
import { hubFor } from '../../src/live/hub.ts';
import { nowIso } from '../../src/lib/time.ts';

/**
 * A check-in as the intake API makes it. Until POST /api/v1/stays lands this
 * writes the stay and publishes the event the way the verb will.
 */
export async function checkInViaApi(suite: BrowserSuite, _token: string, facilityId: string, unitId: string): Promise<void> {
  const id = randomUUID();
  const now = nowIso();
  suite.db.insert(persons).values({ id, residentCode: `SGH-${id.slice(0, 6).toUpperCase()}`, sex: 'L', description: 'laki-laki ±40 th', createdAt: now, updatedAt: now }).run();
  suite.db.insert(stays).values({ id: randomUUID(), personId: id, facilityId, unitId, checkedInAt: now }).run();
  hubFor(suite.db).publish({ type: 'occupancy', facilityId, unitIds: [unitId] });
}
