import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { write, type Db } from '../../db/client.ts';
import { dischargeJourneys, facilities, persons, stays, users, wilayah } from '../../db/schema/index.ts';
import type { Actor } from '../actor.ts';
import { audit } from '../audit.ts';
import { conflict, notFound } from '../errors.ts';
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
    const owner = await tx
      .select({ username: users.username, displayName: users.displayName })
      .from(users)
      .where(and(eq(users.role, 'pendamping'), eq(users.wilayahCode, journey.destinationWilayahCode), isNull(users.disabledAt)))
      .orderBy(asc(users.username))
      .limit(1)
      .get();
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
      services: c.services.map((s) => ({ menu: t(`cases.menu.${s.menu}`), service: s.service, date: s.given_at ? s.given_at.slice(0, 10) : null })),
      openPlan: c.plan.map((i) => ({ menu: t(`cases.menu.${i.menu}`), service: i.service, goal: i.goal })),
      aid: { dtks: c.aid.dtks, pkh: c.aid.pkh, bpnt: c.aid.bpnt, steps: c.aid.steps },
      followUp: owner ? { name: owner.displayName || owner.username } : null,
      followUpDue: c.follow_ups.find((f) => f.stay_id === stay.id && f.kind === 'after_arrival' && !f.done_at)?.due ?? null,
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
