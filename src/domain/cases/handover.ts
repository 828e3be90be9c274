import { and, eq, isNull, sql } from 'drizzle-orm';
import { write, type Db } from '../../db/client.ts';
import { caseFollowUps, dischargeJourneys, facilities, persons, stays, wilayah } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { audit } from '../audit.ts';
import { conflict, notFound } from '../errors.ts';
import { parseInput } from '../validate.ts';
import { nowIso } from '../../lib/time.ts';
import { FollowUpContactInput } from './input.ts';
import { destinationPendamping } from './journey.ts';
import { assertCanWorkCase, caseOf } from './scope.ts';
import { translate } from '../../i18n/index.ts';
import { ZONE_IANA, zoneOf } from '../../lib/time.ts';
import { maskIdNumber } from '../persons/nik.ts';
import { bastLetterhead } from '../handoffs/bast.ts';
import { assertCanSeeCase } from './scope.ts';
import { loadCase } from './read.ts';

/**
 * The handover letter (surat pengantar) of a return home (issue 26): from the
 * facility that discharged the person to the Dinsos of the destination (by
 * the destination kab/kota), with only what that Dinsos needs to carry on:
 * who, where to and with whom, the ATENSI services given and the plan still
 * open, the road to aid as it now stands there (the steps name that Dinsos),
 * and who follows up after arrival: a pendamping of that kab/kota if Singgah
 * has one, else a line for the contact to be typed on the letter. No
 * assessment notes, no category, no facility when it is protected. NIK and
 * KK in full only when the person (or guardian) consented to data going to
 * the Dinsos; masked otherwise. Printing it is an audited read.
 */
export async function handoverLetter(args: { db: Db; actor: Actor; stayId: string }) {
  const { db, actor } = args;
  const stay = await db.select().from(stays).where(eq(stays.id, args.stayId)).get();
  if (!stay) throw notFound('cases.handover_not_found');
  const journey = await db.select().from(dischargeJourneys).where(eq(dischargeJourneys.stayId, stay.id)).get();
  return await write(db, async (tx) => {
    await assertCanSeeCase(tx, actor, stay.personId);
    if (!journey || !stay.checkedOutAt) throw conflict('cases.handover_no_journey');
    const person = (await tx.select().from(persons).where(eq(persons.id, stay.personId)).get())!;
    const facility = (await tx.select().from(facilities).where(eq(facilities.id, stay.facilityId)).get())!;
    // Read in Bahasa Indonesia whatever the reader's language: the letter is the document the Dinsos files.
    const c = await loadCase(tx, { ...actor, lang: 'id' }, stay.personId);
    const dest = await tx.select().from(wilayah).where(eq(wilayah.code, journey.destinationWilayahCode)).get();
    // Who follows up after arrival: the follow-up's owner (a pendamping of the destination, chosen at discharge),
    // else the contact typed on the letter, else one found now (an account added there since), else a line to type one.
    const after = c.follow_ups.find((f) => f.stay_id === stay.id && f.kind === 'after_arrival');
    const owner = after?.owner ?? (after?.owner_contact ? null : await destinationPendamping(tx, journey.destinationWilayahCode, c.cluster.cluster));
    const consented = person.consent;
    const hidden = facility.protected;
    await audit(tx, actor, { action: 'stay.handover_letter', entity: 'stay', entityId: stay.id, detail: { person_id: person.id, destination: journey.destinationWilayahCode } });
    const zone = zoneOf(facility.wilayahCode);
    const fmt = (iso: string) => new Intl.DateTimeFormat('id-ID', { timeZone: ZONE_IANA[zone], day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(iso));
    const t = (k: string) => translate('id', k);
    return {
      stayId: stay.id,
      personId: person.id,
      // The sender: the facility's Dinsos; a protected place is not named, not even by its office.
      letterhead: hidden ? ['DINAS SOSIAL'] : await bastLetterhead(tx, facility.wilayahCode),
      from: hidden ? null : { name: facility.name, address: facility.address ?? null },
      // A DKI kota/kabupaten administrasi has a Suku Dinas of the province's Dinas Sosial; elsewhere the kab/kota's own Dinas Sosial.
      to: { wilayahCode: journey.destinationWilayahCode, office: `${dest && /^(Kota|Kabupaten) Administrasi\s/i.test(dest.name) ? 'Suku Dinas Sosial' : 'Dinas Sosial'} ${dest?.name ?? journey.destinationWilayahCode}` },
      dischargedOn: fmt(stay.checkedOutAt),
      journey: { date: journey.date, escort: journey.escort, familyContact: journey.familyContact, outcome: stay.outcome },
      person: {
        residentCode: person.residentCode,
        name: person.name ?? person.description,
        sex: person.sex,
        age: c.person.age,
        birthDate: person.birthDate,
        nik: consented ? person.nik : maskIdNumber(person.nik),
        kk: consented ? person.kk : maskIdNumber(person.kk),
        ktpAddress: person.ktpAddress,
      },
      cluster: c.cluster.cluster ? t(`cases.cluster.${c.cluster.cluster}`) : null,
      services: c.services.map((s) => ({ menu: t(`cases.menu.${s.menu}`), service: t(`cases.svc.${s.service}`), date: s.given_at ? s.given_at.slice(0, 10) : null })),
      // What the receiving Dinsos carries on: the items still planned or in progress.
      openPlan: c.plan.filter((i) => i.status === 'planned' || i.status === 'in_progress').map((i) => ({ menu: t(`cases.menu.${i.menu}`), service: t(`cases.svc.${i.service}`), goal: i.goal, status: t(`cases.plan_status.${i.status}`) })),
      aid: { dtks: c.aid.dtks, pkh: c.aid.pkh, bpnt: c.aid.bpnt, steps: c.aid.steps },
      followUp: owner ? { name: owner.name, typed: false } : after?.owner_contact ? { name: after.owner_contact, typed: true } : null,
      followUpDue: after && !after.done_at ? after.due : null,
      /** The letter offers a line to type who follows up (and keeps it on the follow-up) when nobody owns it yet. */
      mayTypeContact: !!after && !after.owner && !after.done_at,
      typedContact: after?.owner_contact ?? null,
      sender: actor.label,
    };
  });
}
export type HandoverLetter = Awaited<ReturnType<typeof handoverLetter>>;

/** The stays a case page offers a handover letter for: discharges home with a journey. */
export async function handoverStays(db: Db, personId: string): Promise<string[]> {
  const rows = await db.all<{ id: string }>(sql`select s.id from stays s join discharge_journeys j on j.stay_id = s.id where s.person_id = ${personId} and s.checked_out_at is not null order by s.checked_out_at desc`);
  return rows.map((r) => r.id);
}

/**
 * Who follows up after arrival when Singgah has no pendamping there: a
 * contact typed on the handover letter (a Dinsos officer, a village head),
 * kept on the follow-up. Not when a pendamping owns it already.
 */
export async function setFollowUpContact(args: { db: Db; actor: Actor; stayId: string; input: unknown }): Promise<{ follow_up_id: string; owner_contact: string }> {
  const input = parseInput(FollowUpContactInput, args.input, args.actor.lang);
  const stay = await args.db.select({ id: stays.id, personId: stays.personId }).from(stays).where(eq(stays.id, args.stayId)).get();
  if (!stay) throw notFound('cases.handover_not_found');
  return await write(args.db, async (tx) => {
    // Part of the aftercare: typed on a closed case's letter too (work.ts addFollowUp).
    await assertCanWorkCase(tx, args.actor, stay.personId);
    const c = await caseOf(tx, stay.personId);
    const f = c ? await tx.select().from(caseFollowUps).where(and(eq(caseFollowUps.caseId, c.id), eq(caseFollowUps.stayId, stay.id), eq(caseFollowUps.kind, 'after_arrival'))).get() : undefined;
    if (!f) throw conflict('cases.handover_no_journey');
    const at = nowIso();
    // Typed again to correct it, while nobody in Singgah owns the follow-up and it is still to do.
    const set = await tx.update(caseFollowUps).set({ ownerContact: input.contact }).where(and(eq(caseFollowUps.id, f.id), isNull(caseFollowUps.ownerId), isNull(caseFollowUps.doneAt))).run();
    if (set.changes !== 1) throw conflict('cases.follow_up_has_owner');
    await audit(tx, args.actor, { action: 'case.follow_up_contact', entity: 'person', entityId: stay.personId, at, detail: { follow_up_id: f.id, stay_id: stay.id } });
    return { follow_up_id: f.id, owner_contact: input.contact };
  });
}
