import { toLocalIso } from '../../lib/time.ts';
import type { HandoffDetail, HandoffSummary } from './read.ts';

/** A handoff as the API serves it (snake_case, times with the offset of the receiving facility's zone). Person links only for roles that see people. */
export function toHandoffRecord(d: HandoffDetail) {
  const h = d.handoff;
  return {
    id: h.id,
    number: h.number,
    status: h.status,
    operation: {
      number: h.operationNumber,
      at: toLocalIso(h.operationAt, d.zone),
      place: h.place,
      wilayah_code: h.wilayahCode,
      team: h.team,
      leader_name: h.leaderName,
      leader_nip: h.leaderNip,
    },
    facility_id: d.facility.visible ? d.facility.id : null,
    facility: d.facility.visible ? { id: d.facility.id, code: d.facility.code, name: d.facility.name } : null,
    created_at: toLocalIso(h.createdAt, d.zone),
    closed_at: toLocalIso(h.closedAt, d.zone),
    receiving_officer: d.receiver ? { name: d.receiver.name } : null,
    counts: d.counts,
    persons: d.lines.map((l) => ({
      id: l.id,
      seq: l.seq,
      name: l.name,
      description: l.description,
      sex: l.sex,
      approx_age: l.approxAge,
      group: l.group,
      relationship: l.relationship,
      needs: l.needs,
      belongings: l.belongings,
      notes: l.notes,
      status: l.status,
      not_received_reason: l.notReceivedReason,
      accounted_at: toLocalIso(l.accountedAt, d.zone),
      ...(d.seesPeople ? { person_id: l.person?.id ?? null, resident_code: l.person?.residentCode ?? null } : {}),
    })),
  };
}

export function toHandoffSummaryRecord(s: HandoffSummary) {
  return {
    id: s.id,
    number: s.number,
    status: s.status,
    operation: { number: s.operationNumber, at: toLocalIso(s.operationAt, s.zone), place: s.place, wilayah_code: s.wilayahCode },
    facility: { id: s.facilityName === '—' ? null : s.facilityId, name: s.facilityName },
    created_at: toLocalIso(s.createdAt, s.zone),
    closed_at: toLocalIso(s.closedAt, s.zone),
    counts: s.counts,
  };
}
