/** Satpol PP handoffs (serah terima): the verbs the pages, the API and the demo seed call. */
export { submitHandoff } from './submit.ts';
export { markNotReceived, receiveExisting, type LineRef } from './account.ts';
export { readHandoff, listHandoffs, type HandoffDetail, type HandoffSummary } from './read.ts';
export { runHandoffChecks, HANDOFF_CHECK_EVERY_MS } from './overdue.ts';
export { handoffOriginOf } from './origin.ts';
export { toHandoffRecord, toHandoffSummaryRecord } from './view.ts';
export { intakePrefill, intakePrefillFromLine } from './intake-prefill.ts';
