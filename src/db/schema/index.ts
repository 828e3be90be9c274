export * from './reference.ts';
export * from './facilities.ts';
export * from './people.ts';
export * from './stays.ts';
export * from './referrals.ts';
export * from './handoffs.ts';
export * from './accounts.ts';
export * from './system.ts';
