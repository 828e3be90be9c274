import { describe, it, expect } from 'vitest';
import { plural, translate } from '../../src/i18n/index.ts';

describe('plurals (Intl.PluralRules)', () => {
  it('picks the English form by the number, keeps Indonesian as it is', () => {
    expect(plural('en', 1, { one: '# place', other: '# places' })).toBe('1 place');
    expect(plural('en', 2, { one: '# place', other: '# places' })).toBe('2 places');
    expect(plural('en', 0, { one: '# place', other: '# places' })).toBe('0 places');
    expect(plural('id', 1, { other: '# tempat' })).toBe('1 tempat');
  });

  it('reads {n, plural, …} in messages', () => {
    expect(translate('en', 'board.places', { n: 1 })).toBe('1 place');
    expect(translate('en', 'board.places', { n: 3 })).toBe('3 places');
    expect(translate('en', 'login.locked', { minutes: 1 })).toBe('Too many sign-in attempts. Try again in 1 minute.');
    expect(translate('en', 'home.incoming_referrals', { n: 1 })).toBe('1 incoming referral awaits your action');
    expect(translate('en', 'facilities.people_count', { count: 1 })).toBe('1 person');
    expect(translate('en', 'facilities.referrals_in', { count: 1, places: 2 })).toBe('1 incoming referral holds 2 places');
    expect(translate('id', 'board.places', { n: 1 })).toBe('1 tempat');
    // A number shown with a thousands separator keeps it.
    expect(translate('en', 'facilities.count', { count: '1.310' })).toBe('1.310 facilities');
  });

  it('leaves no English message with a bare number before a plural noun', async () => {
    const { allKeys } = await import('../../src/i18n/index.ts');
    const bad = allKeys().en.filter((k) => /\{\w+\} (places|people|minutes|facilities|referrals|residents|weeks|days)\b/.test(translate('en', k)));
    expect(bad).toEqual([]);
  });
});
