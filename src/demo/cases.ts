import { eq, sql } from 'drizzle-orm';
import { write, type Db } from '../db/client.ts';
import { dischargeJourneys, persons, users, type Cluster } from '../db/schema/index.ts';
import type { Actor } from '../domain/actor.ts';
import { deriveCluster } from '../domain/cases/cluster.ts';
import { addFollowUp, assignPendamping, completeFollowUp, insertFollowUp, proposeToDtks, recordAssessment, recordService, setPlan } from '../domain/cases/work.ts';
import { loadCase } from '../domain/cases/read.ts';
import { wibDate } from '../lib/time.ts';
import { SYSTEM_ACTOR } from '../domain/actor.ts';

/** The demo's command centre assigning (seed.ts's DEMO_ACTOR, without importing seed.ts back). */
const DEMO_ACTOR: Actor = { ...SYSTEM_ACTOR, label: 'demo-seed' };

const DAY = 86_400_000;
const ORIGINS = ['Kab. Brebes, Jawa Tengah', 'Kab. Indramayu, Jawa Barat', 'Kab. Klaten, Jawa Tengah', 'Kab. Garut, Jawa Barat', 'Kab. Lampung Selatan'];
const ORIGIN_CODES = ['33.29', '32.12', '33.10', '32.05', '18.01'];

const PLANS: Record<Cluster, { menu: 'bantuan' | 'terapi' | 'perawatan' | 'dukungan_keluarga'; service: string; goal: string }[]> = {
  lansia: [
    { menu: 'perawatan', service: 'Pemeriksaan kesehatan rutin', goal: 'Tekanan darah terkontrol' },
    { menu: 'terapi', service: 'Senam lansia dan terapi okupasi', goal: 'Tetap mandiri sehari-hari' },
    { menu: 'dukungan_keluarga', service: 'Penelusuran keluarga', goal: 'Kembali tinggal bersama keluarga' },
  ],
  tuna_sosial: [
    { menu: 'bantuan', service: 'Perekaman KTP-el di Dukcapil', goal: 'Punya NIK dan masuk DTKS' },
    { menu: 'terapi', service: 'Pelatihan keterampilan kerja', goal: 'Penghasilan tetap' },
    { menu: 'dukungan_keluarga', service: 'Mediasi dengan keluarga di daerah asal', goal: 'Pulang ke daerah asal' },
  ],
  anak: [{ menu: 'dukungan_keluarga', service: 'Reunifikasi keluarga', goal: 'Kembali ke orang tua' }],
  disabilitas: [{ menu: 'bantuan', service: 'Alat bantu (kursi roda)', goal: 'Bergerak mandiri' }],
  napza: [{ menu: 'terapi', service: 'Konseling adiksi', goal: 'Pulih' }],
};

/**
 * Case work in progress for every demo pendamping: people of their cluster
 * where they work, assigned by the command centre, with an assessment, a
 * plan, services given, follow-ups overdue, due today and to come, one DTKS
 * proposal made and one pemulangan with its follow-up after arrival.
 */
export function seedCaseWork(db: Db, now = new Date()): { cases: number } {
  const today = wibDate(now.toISOString());
  const pendampings = db.select().from(users).where(eq(users.role, 'pendamping')).all();
  let count = 0;
  for (const p of pendampings) {
    if (!p.cluster) continue;
    const actor: Actor = { type: 'user', id: p.id, label: p.username, role: 'pendamping', facilityId: p.facilityId, wilayahCode: p.wilayahCode, ip: null, lang: 'id' };
    const where = p.facilityId ? sql`f.id = ${p.facilityId}` : sql`(f.wilayah_code = ${p.wilayahCode} or f.wilayah_code like ${`${p.wilayahCode}.%`})`;
    const rows = db.all<{ id: string; stay_open: number; checked_out_at: string | null; outcome: string | null; stay_id: string }>(sql`
      select pe.id, s.checked_out_at is null as stay_open, s.checked_out_at, s.outcome, s.id as stay_id from stays s
      join persons pe on pe.id = s.person_id join facilities f on f.id = s.facility_id
      where ${where} and f.protected = 0 and pe.merged_into_id is null
        and (s.checked_out_at is null or (s.outcome in ('returned_home', 'reunited') and s.checked_out_at >= ${new Date(now.getTime() - 20 * DAY).toISOString()}
             and not exists (select 1 from stays s2 where s2.person_id = pe.id and s2.checked_in_at > s.checked_in_at)))
      order by s.checked_out_at is not null, pe.resident_code`);
    const fits = (id: string) => {
      const person = db.select().from(persons).where(eq(persons.id, id)).get()!;
      return deriveCluster(person, today) === p.cluster;
    };
    const open = rows.filter((r) => r.stay_open === 1 && fits(r.id)).slice(0, 6);
    const home = rows.filter((r) => r.stay_open === 0 && fits(r.id)).slice(0, 1);
    const plan = PLANS[p.cluster];
    open.forEach((r, i) => {
      assignPendamping({ db, actor: DEMO_ACTOR, personId: r.id, input: { pendamping_id: p.id } });
      // A few facts the desk learnt later: where the KTP was issued, a PKH family.
      if (i === 1 || i === 4) {
        write(db, (tx) => tx.update(persons).set({ ktpAddress: ORIGINS[i % ORIGINS.length], pkh: i === 4 ? 'yes' : 'unknown' }).where(eq(persons.id, r.id)).run());
      }
      recordAssessment({ db, actor, personId: r.id, input: { needs: i % 2 ? 'Tidak punya KTP; perlu pemeriksaan kesehatan' : 'Perlu dukungan keluarga dan pekerjaan', wishes: i % 2 ? 'Ingin pulang ke kampung' : 'Ingin bekerja di Jakarta' } });
      setPlan({ db, actor, personId: r.id, input: { items: plan.slice(0, 2 + (i % 2)).map((it, k) => ({ ...it, due: wibDate(new Date(now.getTime() + (7 + 7 * k) * DAY).toISOString()) })) } });
      recordService({ db, actor, personId: r.id, input: { menu: plan[0]!.menu, service: plan[0]!.service, given_at: new Date(now.getTime() - (3 + i) * DAY).toISOString(), note: 'Dicatat saat kunjungan' } });
      if (i % 2 === 0) recordService({ db, actor, personId: r.id, input: { menu: 'bantuan', service: 'Paket sembako dan pakaian', given_at: new Date(now.getTime() - DAY).toISOString() } });
      const offsets = [-4, 0, 5, -1, 0, 12];
      addFollowUp({ db, actor, personId: r.id, input: { due: wibDate(new Date(now.getTime() + offsets[i % offsets.length]! * DAY).toISOString()), kind: i % 3 === 0 ? 'visit' : i % 3 === 1 ? 'document' : 'aid_check', note: i % 3 === 1 ? 'Antar ke Dukcapil untuk perekaman' : undefined } });
      if (i === 2) {
        const c = addFollowUp({ db, actor, personId: r.id, input: { due: wibDate(new Date(now.getTime() - 6 * DAY).toISOString()), kind: 'phone' } });
        completeFollowUp({ db, actor, personId: r.id, followUpId: c.follow_ups.find((f) => f.kind === 'phone')!.id, input: { outcome: 'needs_support', note: 'Keluarga belum bisa dihubungi lagi' } });
      }
      if (loadCase(db, actor, r.id).aid.steps.some((s) => s.code === 'dtks') && count % 2 === 0) proposeToDtks({ db, actor, personId: r.id, input: {} });
      count++;
    });
    home.forEach((r, i) => {
      assignPendamping({ db, actor: DEMO_ACTOR, personId: r.id, input: { pendamping_id: p.id } });
      const date = wibDate(r.checked_out_at!);
      write(db, (tx) => {
        tx.insert(dischargeJourneys)
          .values({ stayId: r.stay_id, destinationWilayahCode: ORIGIN_CODES[i % ORIGIN_CODES.length]!, familyContact: 'Kakak kandung: 0813-5555-0101', escort: 'Pekerja sosial Dinsos DKI', date })
          .run();
        insertFollowUp(tx, actor, r.id, { kind: 'after_arrival', due: wibDate(new Date(Date.parse(`${date}T00:00:00Z`) + 7 * DAY).toISOString()), stayId: r.stay_id, note: 'Masih di rumah? Bantuan sudah sampai?' });
      });
      count++;
    });
  }
  return { cases: count };
}
