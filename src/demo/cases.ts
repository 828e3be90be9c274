import { eq, sql } from 'drizzle-orm';
import { write, type Db } from '../db/client.ts';
import { caseFollowUps, caseOutsideReferrals, casePlanItems, cases, caseServices, dischargeJourneys, dtksProposals, persons, users, type AtensiMenu, type Cluster } from '../db/schema/index.ts';
import type { Actor } from '../domain/actor.ts';
import { clusterFactsOf, derivedCluster } from '../domain/persons/cluster.ts';
import { ensureCase, insertFollowUp } from '../domain/cases/work.ts';
import type { ServiceCode } from '../domain/cases/catalogue.ts';
import { aidFactsOf, aidPlaces, aidSteps } from '../domain/cases/aid.ts';
import { audit } from '../domain/audit.ts';
import { newId } from '../lib/ids.ts';
import { wibDate } from '../lib/time.ts';
import { SYSTEM_ACTOR } from '../domain/actor.ts';

/** The demo's command centre assigning (seed.ts's DEMO_ACTOR, without importing seed.ts back). */
const DEMO_ACTOR: Actor = { ...SYSTEM_ACTOR, label: 'demo-seed' };

const DAY = 86_400_000;
const ORIGINS = ['Kab. Brebes, Jawa Tengah', 'Kab. Indramayu, Jawa Barat', 'Kab. Klaten, Jawa Tengah', 'Kab. Garut, Jawa Barat', 'Kab. Lampung Selatan'];
const ORIGIN_CODES = ['33.29', '32.12', '33.10', '32.05', '18.01'];

/** Each cluster's plan: codes of the ATENSI catalogue (src/domain/cases/catalogue.ts) with the detail as the note. */
const PLANS: Record<Cluster, { menu: AtensiMenu; service: ServiceCode; note: string; goal: string }[]> = {
  lansia: [
    { menu: 'perawatan', service: 'perawatan_kesehatan', note: 'Pemeriksaan kesehatan rutin', goal: 'Tekanan darah terkontrol' },
    { menu: 'terapi', service: 'terapi_fisik', note: 'Senam lansia dan terapi okupasi', goal: 'Tetap mandiri sehari-hari' },
    { menu: 'dukungan_keluarga', service: 'penelusuran_keluarga', note: 'Penelusuran keluarga', goal: 'Kembali tinggal bersama keluarga' },
  ],
  tuna_sosial: [
    { menu: 'bantuan', service: 'dokumen_kependudukan', note: 'Perekaman KTP-el di Dukcapil', goal: 'Punya NIK dan masuk DTKS' },
    { menu: 'terapi', service: 'terapi_vokasional', note: 'Pelatihan keterampilan kerja', goal: 'Penghasilan tetap' },
    { menu: 'dukungan_keluarga', service: 'konseling_keluarga', note: 'Mediasi dengan keluarga di daerah asal', goal: 'Pulang ke daerah asal' },
  ],
  anak: [{ menu: 'dukungan_keluarga', service: 'reunifikasi', note: 'Reunifikasi keluarga', goal: 'Kembali ke orang tua' }],
  disabilitas: [{ menu: 'bantuan', service: 'alat_bantu', note: 'Kursi roda', goal: 'Bergerak mandiri' }],
  napza: [{ menu: 'terapi', service: 'terapi_psikososial', note: 'Konseling adiksi', goal: 'Pulih' }],
};

/**
 * Case work in progress for every demo pendamping: people of their cluster
 * where they work, assigned by the command centre, with an assessment, a
 * plan, services given, follow-ups overdue, due today and to come, one DTKS
 * proposal made and one pemulangan with its follow-up after arrival.
 */
export async function seedCaseWork(db: Db, now = new Date()): Promise<{ cases: number }> {
  const today = wibDate(now.toISOString());
  const pendampings = await db.select().from(users).where(eq(users.role, 'pendamping')).all();
  let count = 0;
  let dtksNeeded = 0;
  for (const p of pendampings) {
    if (!p.cluster) continue;
    const actor: Actor = { type: 'user', id: p.id, label: p.username, role: 'pendamping', facilityId: p.facilityId, wilayahCode: p.wilayahCode, ip: null, lang: 'id' };
    const where = p.facilityId ? sql`f.id = ${p.facilityId}` : sql`(f.wilayah_code = ${p.wilayahCode} or f.wilayah_code like ${`${p.wilayahCode}.%`})`;
    const rows = await db.all<{ id: string; stay_open: number; checked_out_at: string | null; outcome: string | null; stay_id: string }>(sql`
      select pe.id, s.checked_out_at is null as stay_open, s.checked_out_at, s.outcome, s.id as stay_id from stays s
      join persons pe on pe.id = s.person_id join facilities f on f.id = s.facility_id
      where ${where} and f.protected = 0 and pe.merged_into_id is null
        and (s.checked_out_at is null or (s.outcome in ('returned_home', 'reunited') and s.checked_out_at >= ${new Date(now.getTime() - 20 * DAY).toISOString()}
             and not exists (select 1 from stays s2 where s2.person_id = pe.id and s2.checked_in_at > s.checked_in_at)))
      order by s.checked_out_at is not null, pe.resident_code`);
    const fits = async (id: string) => {
      const person = (await db.select().from(persons).where(eq(persons.id, id)).get())!;
      return derivedCluster(clusterFactsOf(person, today)) === p.cluster;
    };
    // Stop looking once there are enough: the PWTC demo has thousands of stays in an area.
    const open: typeof rows = [];
    const home: typeof rows = [];
    for (const r of rows) {
      if (open.length >= 6 && home.length >= 1) break;
      const list = r.stay_open === 1 ? open : home;
      if (list.length < (r.stay_open === 1 ? 6 : 1) && await fits(r.id)) list.push(r);
    }
    const plan = PLANS[p.cluster];
    const days = (n: number) => new Date(now.getTime() + n * DAY).toISOString();
    // One transaction per pendamping with the verbs' own inserts (a verb per row re-reads the whole case: seconds on a busy machine).
    await write(db, async (tx) => {
      for (const [i, r] of (open).entries()) {
        const c = await ensureCase(tx, r.id, days(-7));
        await tx.update(cases)
          .set({
            pendampingId: p.id,
            assignedAt: days(-7),
            assignedBy: null,
            needs: i % 2 ? 'Tidak punya KTP; perlu pemeriksaan kesehatan' : 'Perlu dukungan keluarga dan pekerjaan',
            wishes: i % 2 ? 'Ingin pulang ke kampung' : 'Ingin bekerja di Jakarta',
            assessedAt: days(-6),
          })
          .where(eq(cases.id, c.id))
          .run();
        await audit(tx, DEMO_ACTOR, { action: 'case.assign', entity: 'person', entityId: r.id, detail: { case_id: c.id, to: p.id, cluster: p.cluster } });
        // A few facts the desk learnt later: where the KTP was issued, a PKH family.
        if (i === 1 || i === 4) await tx.update(persons).set({ ktpAddress: ORIGINS[i % ORIGINS.length], pkh: i === 4 ? 'yes' : 'unknown' }).where(eq(persons.id, r.id)).run();
        // The second person's KTP was found too (a NIK of where they come from): with a NIK the road to aid reaches DTKS, so the demo always
        // shows that part of it, whichever people the random population gave this pendamping.
        if (i === 1) {
          const known = (await tx.select().from(persons).where(eq(persons.id, r.id)).get())!;
          if (!known.nik) await tx.update(persons).set({ nik: demoNik(known, known.originWilayahCode ?? ORIGIN_CODES[i % ORIGIN_CODES.length]!, count), dtks: 'no' }).where(eq(persons.id, r.id)).run();
        }
        // The first item has had a service given for it (in progress); the others are still planned.
        const itemIds: string[] = [];
        for (const [k, item] of plan.slice(0, 2 + (i % 2)).entries()) {
          const id = newId();
          itemIds.push(id);
          await tx.insert(casePlanItems).values({ id, caseId: c.id, ...item, status: k === 0 ? 'in_progress' : 'planned', statusAt: days(-6), statusBy: p.id, due: wibDate(days(7 + 7 * k)), position: k, createdAt: days(-6), createdBy: p.id }).run();
        }
        const service = async (menu: AtensiMenu, what: ServiceCode, at: string, note: string | null, planItemId: string | null) =>
          await tx.insert(caseServices).values({ id: newId(), caseId: c.id, menu, service: what, planItemId, givenAt: at, givenBy: p.id, givenByLabel: p.username, note, createdAt: at }).run();
        await service(plan[0]!.menu, plan[0]!.service, days(-(3 + i)), 'Dicatat saat kunjungan', itemIds[0]!);
        if (i % 2 === 0) await service('bantuan', 'pangan', days(-1), 'Paket sembako dan pakaian', null);
        // The first person's Dinsos of origin has been asked to prepare the return home, and has not answered yet.
        if (i === 0) {
          const origin = (await tx.select({ code: persons.originWilayahCode }).from(persons).where(eq(persons.id, r.id)).get())?.code ?? ORIGIN_CODES[0]!;
          await tx.insert(caseOutsideReferrals).values({ id: newId(), caseId: c.id, service: 'dinsos_asal', toName: `Dinas Sosial ${origin}`, wilayahCode: origin, reason: 'Persiapan pemulangan dan penelusuran keluarga', status: 'sent', referredAt: days(-2), referredBy: p.id }).run();
        }
        const offsets = [-4, 0, 5, -1, 0, 12];
        const kinds = ['visit', 'document', 'aid_check'] as const;
        await tx.insert(caseFollowUps)
          .values({ id: newId(), caseId: c.id, kind: kinds[i % 3]!, due: wibDate(days(offsets[i % offsets.length]!)), note: i % 3 === 1 ? 'Antar ke Dukcapil untuk perekaman' : null, createdAt: days(-6), createdBy: p.id })
          .run();
        if (i === 2) {
          await tx.insert(caseFollowUps)
            .values({ id: newId(), caseId: c.id, kind: 'phone', due: wibDate(days(-6)), createdAt: days(-7), createdBy: p.id, doneAt: days(-5), doneBy: p.id, outcome: 'needs_support', outcomeNote: 'Keluarga belum bisa dihubungi lagi' })
            .run();
        }
        const person = (await tx.select().from(persons).where(eq(persons.id, r.id)).get())!;
        // Every other person whose next step is DTKS (a check or a proposal) has been proposed: counted among those
        // who need it, so that the demo always holds a proposal whichever people the random resident codes put first.
        const steps = aidSteps(aidFactsOf(person, null, (await aidPlaces(tx, [r.id])).get(r.id)), null);
        if (steps.some((s) => s.code === 'dtks' || s.code === 'dtks_check') && dtksNeeded++ % 2 === 0) {
          await tx.insert(dtksProposals).values({ id: newId(), personId: r.id, proposedAt: days(-2), proposedBy: p.id }).run();
        }
        count++;
      }  for (const [i, r] of (home).entries()) {
        const c = await ensureCase(tx, r.id, r.checked_out_at!);
        await tx.update(cases).set({ pendampingId: p.id, assignedAt: r.checked_out_at, assignedBy: null }).where(eq(cases.id, c.id)).run();
        const date = wibDate(r.checked_out_at!);
        await tx.insert(dischargeJourneys)
          .values({ stayId: r.stay_id, destinationWilayahCode: ORIGIN_CODES[i % ORIGIN_CODES.length]!, familyContact: 'Kakak kandung: 0813-5555-0101', escort: 'Pekerja sosial Dinsos DKI', date })
          .run();
        await insertFollowUp(tx, actor, r.id, { kind: 'after_arrival', due: wibDate(new Date(Date.parse(`${date}T00:00:00Z`) + 7 * DAY).toISOString()), stayId: r.stay_id, note: 'Masih di rumah? Bantuan sudah sampai?' });
        count++;
      }
    });
  }
  return { cases: count };
}

/**
 * A NIK for a demo person learnt after intake: the KTP's kab/kota, kecamatan 01, the birth
 * date (day + 40 for a woman; 1 January of the estimated year when only an age is known) and a
 * serial from 9000 up, which the demo population (1–2999) never uses, so it is unique.
 */
function demoNik(p: { sex: 'L' | 'P'; birthDate: string | null; estimatedAge: number | null; estimatedAt: string | null }, wilayah: string, n: number): string {
  const birth = p.birthDate ?? `${Number((p.estimatedAt ?? '2026-01-01').slice(0, 4)) - (p.estimatedAge ?? 40)}-01-01`;
  const [y, m, d] = birth.split('-');
  const day = Number(d) + (p.sex === 'P' ? 40 : 0);
  return `${wilayah.replace('.', '')}01${String(day).padStart(2, '0')}${m}${y!.slice(2)}${String(9000 + n).padStart(4, '0')}`;
}
