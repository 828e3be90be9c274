import { describe, it, expect } from 'vitest';
import { useTestApp } from '../helpers/use-app.ts';
import { FAMILY_OF_FIVE_WITH_WHEELCHAIR, makeFacility, makeUnit, makeToken } from '../helpers/factories.ts';
import { bearer } from '../helpers/session.ts';

const t = useTestApp();

/**
 * Issue 24, "Scarce places go silently": a family of five with one wheelchair
 * user took all five free places of the TPS's accessible zone while the family
 * zone had 24. The desk is now asked instead.
 */
async function tpsWithFamilyOfFive(accessibleCapacity = 5) {
  const tps = await makeFacility(t.db, { kind: 'TPS', wilayahCode: '31.71' });
  const accessible = await makeUnit(t.db, tps.id, { name: 'Zona D Disabilitas', admits: 'any', features: ['accessible'], capacity: accessibleCapacity });
  const family = await makeUnit(t.db, tps.id, { name: 'Zona C Keluarga', admits: 'family', capacity: 24 });
  const desk = bearer(t.app, await makeToken(t.db, 'intake', { facility: tps.id }));
  const reg = await desk('POST', '/api/v1/residents', {
    persons: FAMILY_OF_FIVE_WITH_WHEELCHAIR,
    confirm_new: true,
  });
  expect(reg.statusCode).toBe(201);
  const ids = (reg.json() as { persons: { id: string }[] }).persons.map((p) => p.id);
  return { tps, accessible, family, desk, ids };
}

type Problem = { errors: { path: string; message: string }[] };
type Placed = { unit_id: string; stays: unknown[]; split: boolean; unit_reason: { code: string } };

describe('scarce places: the desk is asked', () => {
  it('asks before a family takes more than half of the only unit meeting its needs, naming the choices', async () => {
    const { desk, ids } = await tpsWithFamilyOfFive();
    const res = await desk('POST', '/api/v1/stays', { person_ids: ids });
    expect(res.statusCode).toBe(422);
    const err = (res.json() as Problem).errors;
    expect(err.map((e) => e.path)).toEqual(['scarce_choice']);
    expect(err[0]!.message).toContain('Zona D Disabilitas');
    expect(err[0]!.message).toContain('Zona C Keluarga');
    // Nothing was taken.
    const again = await desk('POST', '/api/v1/stays', { person_ids: ids, scarce_choice: 'nonsense' });
    expect(again.statusCode).toBe(422);
    expect((again.json() as Problem).errors.map((e) => e.path)).toEqual(['scarce_choice']);
  });

  it('together elsewhere: the family zone, all five, the scarce places left free', async () => {
    const { desk, ids, family } = await tpsWithFamilyOfFive();
    const res = await desk('POST', '/api/v1/stays', { person_ids: ids, scarce_choice: 'together_elsewhere' });
    expect(res.statusCode).toBe(201);
    const placed = res.json() as Placed;
    expect(placed.unit_id).toBe(family.id);
    expect(placed.stays).toHaveLength(5);
    expect(placed.unit_reason.code).toBe('placement.reason.scarce_kept');
  });

  it('together there: the accessible zone, on the desk’s word', async () => {
    const { desk, ids, accessible } = await tpsWithFamilyOfFive();
    const res = await desk('POST', '/api/v1/stays', { person_ids: ids, scarce_choice: 'together_there' });
    expect(res.statusCode).toBe(201);
    expect((res.json() as Placed).unit_id).toBe(accessible.id);
  });

  it('split: needs a reason and members left out; then the rest is placed elsewhere with the reason', async () => {
    const { desk, ids, accessible, family } = await tpsWithFamilyOfFive();
    const noReason = await desk('POST', '/api/v1/stays', { person_ids: ids, scarce_choice: 'split' });
    expect(noReason.statusCode).toBe(422);
    expect((noReason.json() as Problem).errors.map((e) => e.path)).toEqual(['split_reason']);
    const everyone = await desk('POST', '/api/v1/stays', { person_ids: ids, scarce_choice: 'split', split_reason: 'Pak Harun butuh akses kursi roda' });
    expect(everyone.statusCode).toBe(422);
    expect((everyone.json() as Problem).errors.map((e) => e.path)).toEqual(['person_ids']);
    // Each part keeps an adult of the family with the children (a child alone is never placed among adults).
    const three = await desk('POST', '/api/v1/stays', { person_ids: [ids[0]!, ids[2]!, ids[3]!], scarce_choice: 'split', split_reason: 'Pak Harun butuh akses kursi roda, ditemani dua anak sulung' });
    expect(three.statusCode).toBe(201);
    expect((three.json() as Placed).unit_id).toBe(accessible.id);
    const rest = await desk('POST', '/api/v1/stays', { person_ids: [ids[1]!, ids[4]!], unit_id: family.id, split_reason: 'Zona D hanya lima tempat' });
    expect(rest.statusCode).toBe(201);
    expect((rest.json() as Placed).split).toBe(true);
  });

  it('asks nothing when the family takes half the places or fewer', async () => {
    const { desk, ids, accessible } = await tpsWithFamilyOfFive(10);
    const res = await desk('POST', '/api/v1/stays', { person_ids: ids });
    expect(res.statusCode).toBe(201);
    expect((res.json() as Placed).unit_id).toBe(accessible.id);
  });
});
