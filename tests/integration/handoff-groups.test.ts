import { describe, it, expect } from 'vitest';
import { useTestApp } from '../helpers/use-app.ts';
import { makeFacility, makeUnit, makeToken, makeUser } from '../helpers/factories.ts';
import { bearer, signedIn } from '../helpers/session.ts';

const t = useTestApp();

const operation = () => ({
  number: 'SPT/024/XII/2026',
  at: new Date(Date.now() - 3600_000).toISOString(),
  place: 'Kolong Flyover Senen',
  wilayah_code: '31.71',
  leader_name: 'Hendra',
});

/** A raid's six people: a family of three (A), a mother with two children (B). */
const sixInTwoGroups = () => [
  { name: 'Budi', sex: 'L', approx_age: 40, group: 'A', relationship: 'kepala_keluarga' },
  { name: 'Siti', sex: 'P', approx_age: 35, group: 'A', relationship: 'istri' },
  { name: 'Ani', sex: 'P', approx_age: 4, group: 'A', relationship: 'anak', needs: ['young_child'] },
  { name: 'Rina', sex: 'P', approx_age: 30, group: 'B', relationship: 'kepala_keluarga' },
  { name: 'Dodi', sex: 'L', approx_age: 9, group: 'B', relationship: 'anak' },
  { name: 'Tono', sex: 'L', approx_age: 12, group: 'B', relationship: 'anak' },
];

type Line = { id: string; group: string | null; relationship: string | null; needs: string[]; status: string; person_id?: string | null };

async function setting() {
  const tps = await makeFacility(t.db, { kind: 'TPS', wilayahCode: '31.71' });
  // The zones a split family fell into: men's and women's first in the facility's order, then the family zone.
  await makeUnit(t.db, tps.id, { name: 'Zona Pria', admits: 'male', capacity: 20 });
  await makeUnit(t.db, tps.id, { name: 'Zona Wanita', admits: 'female', capacity: 20 });
  const family = await makeUnit(t.db, tps.id, { name: 'Zona Keluarga', admits: 'family', capacity: 20 });
  const satpol = bearer(t.app, await makeToken(t.db, 'satpol', { wilayah: '31.71' }));
  const desk = bearer(t.app, await makeToken(t.db, 'intake', { facility: tps.id }));
  return { tps, family, satpol, desk };
}

describe('groups on a handoff (who came together)', () => {
  it('keeps each person’s group, relationship and the new visible needs', async () => {
    const { tps, satpol } = await setting();
    const persons = sixInTwoGroups();
    persons.push({ name: 'Joko', sex: 'L', approx_age: 15, needs: ['unaccompanied_child', 'trafficking_suspected'] } as never);
    persons.push({ name: 'Heru', sex: 'L', approx_age: 50, needs: ['drug_use', 'wheelchair'] } as never);
    const res = await satpol('POST', '/api/v1/handoffs', { operation: operation(), facility_id: tps.id, persons });
    expect(res.statusCode).toBe(201);
    const lines = (res.json() as { persons: Line[] }).persons;
    expect(lines.map((l) => l.group)).toEqual(['A', 'A', 'A', 'B', 'B', 'B', null, null]);
    expect(lines.map((l) => l.relationship)).toEqual(['kepala_keluarga', 'istri', 'anak', 'kepala_keluarga', 'anak', 'anak', null, null]);
    expect(lines[6]!.needs).toEqual(['unaccompanied_child', 'trafficking_suspected']);
    expect(lines[7]!.needs).toEqual(['drug_use', 'wheelchair']);
  });

  it('refuses a relationship without a group and an unknown relationship, naming the fields', async () => {
    const { tps, satpol } = await setting();
    const res = await satpol('POST', '/api/v1/handoffs', {
      operation: operation(),
      facility_id: tps.id,
      persons: [
        { name: 'Budi', sex: 'L', relationship: 'suami' },
        { name: 'Siti', sex: 'P', group: 'A', relationship: 'sepupu' },
        { name: 'Ani', sex: 'P', group: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' },
      ],
    });
    expect(res.statusCode).toBe(422);
    const paths = (res.json() as { errors: { path: string }[] }).errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['persons.0.group', 'persons.1.relationship', 'persons.2.group']));
  });

  it('receives a group through POST /residents as one household, each member on their own line, then places it in one unit', async () => {
    const { tps, family, satpol, desk } = await setting();
    const h = (await satpol('POST', '/api/v1/handoffs', { operation: operation(), facility_id: tps.id, persons: sixInTwoGroups() })).json() as { id: string; persons: Line[] };
    const a = h.persons.filter((l) => l.group === 'A');
    const reg = await desk('POST', '/api/v1/residents', {
      persons: [
        { name: 'Budi', sex: 'L', estimated_age: 40, handoff_person_id: a[0]!.id },
        { name: 'Siti', sex: 'P', estimated_age: 35, handoff_person_id: a[1]!.id },
        { name: 'Ani', sex: 'P', estimated_age: 4, handoff_person_id: a[2]!.id },
      ],
      confirm_new: true,
    });
    expect(reg.statusCode).toBe(201);
    const registered = reg.json() as { household_id: string | null; persons: { id: string; source?: string }[] };
    expect(registered.household_id).not.toBeNull();
    const after = (await desk('GET', `/api/v1/handoffs/${h.id}`)).json() as { status: string; persons: Line[] };
    expect(after.status).toBe('OPEN');
    expect(after.persons.filter((l) => l.group === 'A').map((l) => [l.status, l.person_id])).toEqual(registered.persons.map((p) => ['RECEIVED', p.id]));
    expect(after.persons.filter((l) => l.group === 'B').every((l) => l.status === 'PENDING')).toBe(true);

    const placed = await desk('POST', '/api/v1/stays', { person_ids: registered.persons.map((p) => p.id) });
    expect(placed.statusCode).toBe(201);
    const stays = (placed.json() as { stays: { unit_id: string }[] }).stays;
    expect(stays).toHaveLength(3);
    expect(new Set(stays.map((s) => s.unit_id))).toEqual(new Set([family.id]));
  });

  it('refuses members from two groups, a line named twice, and a line for the intake and its members at once', async () => {
    const { tps, satpol, desk } = await setting();
    const h = (await satpol('POST', '/api/v1/handoffs', { operation: operation(), facility_id: tps.id, persons: sixInTwoGroups() })).json() as { id: string; persons: Line[] };
    const [a0, a1] = h.persons;
    const b0 = h.persons[3]!;
    const mixed = await desk('POST', '/api/v1/residents', {
      persons: [
        { name: 'Budi', sex: 'L', estimated_age: 40, handoff_person_id: a0!.id },
        { name: 'Rina', sex: 'P', estimated_age: 30, handoff_person_id: b0.id },
      ],
      confirm_new: true,
    });
    expect(mixed.statusCode).toBe(422);
    expect((mixed.json() as { errors: { path: string; message: string }[] }).errors.map((e) => e.path)).toEqual(['persons.0.handoff_person_id', 'persons.1.handoff_person_id']);
    const twice = await desk('POST', '/api/v1/residents', {
      persons: [
        { name: 'Budi', sex: 'L', handoff_person_id: a0!.id },
        { name: 'Budi lagi', sex: 'L', handoff_person_id: a0!.id },
      ],
      confirm_new: true,
    });
    expect(twice.statusCode).toBe(422);
    expect((twice.json() as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['persons.1.handoff_person_id']);
    const both = await desk('POST', '/api/v1/residents', { persons: [{ name: 'Siti', sex: 'P', handoff_person_id: a1!.id }], handoff_person_id: a0!.id, confirm_new: true });
    expect(both.statusCode).toBe(422);
    expect((both.json() as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain('handoff_person_id');
    // Nothing was received by the refused intakes.
    const after = (await desk('GET', `/api/v1/handoffs/${h.id}`)).json() as { persons: Line[] };
    expect(after.persons.every((l) => l.status === 'PENDING')).toBe(true);
  });

  it('"Terima keluarga" at the desk: one step when nothing needs deciding, a duplicate decided per member when one does', async () => {
    const { tps, satpol, desk } = await setting();
    // Budi was here before: the desk must say whether the Budi on the handoff is him.
    const before = await desk('POST', '/api/v1/residents', { persons: [{ name: 'Budi Hartono', sex: 'L', estimated_age: 40 }], confirm_new: true });
    const budi = (before.json() as { persons: { id: string }[] }).persons[0]!.id;
    const persons = sixInTwoGroups();
    persons[0] = { ...persons[0]!, name: 'Budi Hartono' };
    // The others are new to Singgah (the tests before registered a Siti and an Ani).
    persons[1] = { ...persons[1]!, name: 'Wulandari Kusuma' };
    persons[2] = { ...persons[2]!, name: 'Kirana Pramesti' };
    persons[3] = { ...persons[3]!, name: 'Ratih Anggraini' };
    persons[4] = { ...persons[4]!, name: 'Fajar Nugroho' };
    persons[5] = { ...persons[5]!, name: 'Yoga Prasetyo' };
    const h = (await satpol('POST', '/api/v1/handoffs', { operation: operation(), facility_id: tps.id, persons })).json() as { id: string; persons: Line[] };
    const u = await makeUser(t.db, 'intake', { facilityId: tps.id });
    const b = await signedIn(t.app, u.username, u.password);
    const page = await b.get(`/handoffs/${h.id}`);
    expect(page.body).toContain(`/handoffs/${h.id}/groups/A/receive`);

    // Group B: nothing to decide, received in the one tap of its button, and led to check-in with the household and back here.
    const oneTap = await b.post(`/handoffs/${h.id}/groups/B/receive`, { idempotency_key: 'group-b-1' });
    expect(oneTap.statusCode).toBe(303);
    expect(oneTap.headers.location).toMatch(new RegExp(`^/intake/check-in\\?(p=[^&]+&){3}back=${encodeURIComponent(`/handoffs/${h.id}`)}$`));

    // Group A: Budi may be the man registered before; nothing is saved until the desk decides, for him alone.
    const ask = await b.post(`/handoffs/${h.id}/groups/A/receive`, { idempotency_key: 'group-a-1' });
    expect(ask.statusCode).toBe(200);
    expect(ask.body).toContain('id="needs-decision"');
    expect(ask.body).toContain(`name="persons.0.decision" value="${budi}"`);
    expect(ask.body).not.toContain('name="persons.1.decision"');
    const a = h.persons.filter((l) => l.group === 'A');
    const form: Record<string, string> = { idempotency_key: 'group-a-2' };
    a.forEach((l, i) => {
      const p = persons[i]!;
      Object.assign(form, { [`persons.${i}.handoff_person_id`]: l.id, [`persons.${i}.name`]: p.name, [`persons.${i}.sex`]: p.sex, [`persons.${i}.estimated_age`]: String(p.approx_age) });
    });
    form['persons.0.decision'] = budi;
    const decided = await b.post(`/handoffs/${h.id}/groups/A/receive`, form);
    expect(decided.statusCode).toBe(303);
    const after = (await desk('GET', `/api/v1/handoffs/${h.id}`)).json() as { status: string; persons: Line[] };
    expect(after.status).toBe('CLOSED');
    const lineA = after.persons.filter((l) => l.group === 'A');
    expect(lineA[0]!.person_id).toBe(budi);
    const records = await Promise.all(lineA.map(async (l) => (await desk('GET', `/api/v1/residents/${l.person_id}`)).json() as { household_id: string | null }));
    expect(new Set(records.map((r) => r.household_id)).size).toBe(1);
    expect(records[0]!.household_id).not.toBeNull();
  });
});
