import { describe, it, expect } from 'vitest';
import { canSeePerson, type PersonScope } from '../../src/domain/access.ts';
import type { Actor } from '../../src/domain/actor.ts';

const actor = (role: Actor['role'], facilityId: string | null = null): Actor => ({ type: 'user', id: 'u', label: 'u', role, facilityId, wilayahCode: null, ip: null, lang: 'id' });
const at = (place: string | null, isProtected: boolean, linked: string[]): PersonScope => ({ linked, place: place ? { id: place, protected: isProtected } : null });

/** The one rule of "may this actor see this person" (DOMAIN.md "Confidentiality across facilities"). */
describe('canSeePerson', () => {
  it('lets facility staff see people linked to their facility, and nobody else', () => {
    expect(canSeePerson(actor('intake', 'A'), at('A', false, ['A']))).toBe(true);
    expect(canSeePerson(actor('manager', 'A'), at('B', false, ['A', 'B']))).toBe(true);
    expect(canSeePerson(actor('intake', 'C'), at('B', false, ['A', 'B']))).toBe(false);
    expect(canSeePerson(actor('intake', null), at('B', false, ['B']))).toBe(false);
  });

  it('hides a person placed at a protected facility from everyone outside it, whatever they knew', () => {
    const s = at('P', true, ['A', 'P']);
    expect(canSeePerson(actor('intake', 'A'), s)).toBe(false);
    expect(canSeePerson(actor('manager', 'P'), s)).toBe(true);
    expect(canSeePerson(actor('command'), s)).toBe(true);
    expect(canSeePerson(actor('admin'), s)).toBe(true);
    // Once she is placed elsewhere again, the TPS that knew her sees her (the protected stay stays masked).
    expect(canSeePerson(actor('intake', 'A'), at('A', false, ['A', 'P']))).toBe(true);
  });

  it('never shows people to Satpol PP or the wall', () => {
    expect(canSeePerson(actor('satpol'), at('A', false, ['A']))).toBe(false);
    expect(canSeePerson(actor('display'), at('A', false, ['A']))).toBe(false);
  });
});
