import type { BrowserSuite } from './browser.ts';

/** A check-in as a desk's system makes it: register the person, then POST /api/v1/stays. */
export async function checkInViaApi(suite: BrowserSuite, token: string, facilityId: string, unitId: string): Promise<void> {
  const call = (path: string, body: unknown) =>
    fetch(`${suite.baseUrl}/api/v1${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const reg = await call('/residents', { persons: [{ description: 'laki-laki, ±40 th, kaos merah', sex: 'L', estimated_age: 40, consent: true }], confirm_new: true });
  if (reg.status >= 300) throw new Error(`intake failed: ${reg.status} ${await reg.text()}`);
  const personId = ((await reg.json()) as { persons: { id: string }[] }).persons[0]!.id;
  const stay = await call('/stays', { person_id: personId, facility_id: facilityId, unit_id: unitId });
  if (stay.status !== 201) throw new Error(`check-in failed: ${stay.status} ${await stay.text()}`);
}
