import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { auditEvents } from '../../src/db/schema/index.ts';
import type { Db } from '../../src/db/client.ts';
import { wibDate } from '../../src/lib/time.ts';
import { makeTestApp } from '../helpers/app.ts';
import { makeFacility, makeToken, makeUnit, makeUser } from '../helpers/factories.ts';
import { bearer, placedThroughApi as placed, signedIn, type Browser } from '../helpers/session.ts';

type Call = ReturnType<typeof bearer>;
const dayOffset = (n: number) => wibDate(new Date(Date.now() + n * 86_400_000).toISOString());

/**
 * ATENSI as a managed process (issue 26, item 3), on both engines: the plan's
 * statuses moved by services given and by the pendamping, evaluation and
 * closing, a closed case read-only until reopened by those who may, transfers
 * between pendamping (the transfer's id opens nothing by itself), referrals
 * to outside services, the family case of a KK, and (item 4) the follow-up
 * after a return home owned by the destination's pendamping or a typed contact.
 * A refused move is a 422 problem+json in the caller's language and changes nothing.
 */
describe('ATENSI as a process', () => {
  let app: FastifyInstance;
  let db: Db;
  let intake: Call;
  let manager: Call;
  let command: Call;
  let lansia: Browser;
  let lansia2: Browser;
  let farLansia: Browser;
  let tuna: Browser;
  const ids: Record<string, string> = {};

  /** Every row the case verbs write, to show a refused move changed nothing. */
  const snapshot = async () => {
    const out: unknown[] = [];
    for (const t of ['cases', 'case_plan_items', 'case_services', 'case_follow_ups', 'case_transfers', 'case_outside_referrals', 'family_cases']) {
      out.push(await db.all(sql.raw(`select * from ${t} order by id`)));
    }
    return JSON.stringify(out);
  };
  const refusedUnchanged = async (call: () => Promise<{ statusCode: number; headers: Record<string, unknown>; json: () => { detail?: string; errors?: { path: string; message: string }[] } }>, detail: RegExp) => {
    const before = await snapshot();
    const res = await call();
    expect(res.statusCode).toBe(422);
    expect(String(res.headers['content-type'])).toMatch(/application\/problem\+json/);
    const body = res.json();
    expect(`${body.detail} ${(body.errors ?? []).map((e) => e.message).join(' ')}`).toMatch(detail);
    expect(await snapshot()).toBe(before);
    return body;
  };

  beforeAll(async () => {
    ({ app, db } = await makeTestApp());
    const f = await makeFacility(db, { kind: 'TPS', wilayahCode: '31.71' });
    await makeUnit(db, f.id, { capacity: 30 });
    ids.f = f.id;
    intake = bearer(app, await makeToken(db, 'intake', { facility: f.id }));
    manager = bearer(app, await makeToken(db, 'manager', { facility: f.id }));
    command = bearer(app, await makeToken(db, 'command'));
    const pl = await makeUser(db, 'pendamping', { facilityId: f.id, cluster: 'lansia' });
    const pl2 = await makeUser(db, 'pendamping', { wilayahCode: '31.71', cluster: 'lansia' });
    const far = await makeUser(db, 'pendamping', { wilayahCode: '31.74', cluster: 'lansia' });
    const pt = await makeUser(db, 'pendamping', { wilayahCode: '31.71', cluster: 'tuna_sosial' });
    Object.assign(ids, { lansia: pl.id, lansia2: pl2.id, far: far.id, tuna: pt.id });
    lansia = await signedIn(app, pl.username, pl.password);
    lansia2 = await signedIn(app, pl2.username, pl2.password);
    farLansia = await signedIn(app, far.username, far.password);
    tuna = await signedIn(app, pt.username, pt.password);
  });
  afterAll(async () => app.close());

  async function elder(name: string, extra: Record<string, unknown> = {}) {
    const p = await placed(intake, { name, sex: 'L', estimated_age: 70, ...extra });
    expect((await manager('POST', `/api/v1/residents/${p.id}/case/assign`, { pendamping_id: ids.lansia })).statusCode).toBe(200);
    return p;
  }

  it('runs the cycle: assess, plan from the catalogue, services that move plan items, evaluate, close; refusing every move out of order', async () => {
    const p = await elder('Suparman');
    const url = `/api/v1/residents/${p.id}/case`;
    expect((await lansia.api('POST', `${url}/assessment`, { needs: 'Tekanan darah tinggi', wishes: 'Pulang ke Klaten' })).statusCode).toBe(200);

    // The catalogue: a code of the chosen menu; "other" says what in the note.
    const notInMenu = await refusedUnchanged(() => lansia.api('POST', `${url}/plan`, { items: [{ menu: 'terapi', service: 'pangan', goal: 'x' }] }), /bukan bagian dari menu/);
    expect(notInMenu.errors).toEqual([expect.objectContaining({ path: 'items.0.service' })]);
    await refusedUnchanged(() => lansia.api('POST', `${url}/plan`, { items: [{ menu: 'terapi', service: 'terapi_lainnya', goal: 'x' }] }), /tuliskan layanannya di catatan/);
    await refusedUnchanged(() => lansia.api('POST', `${url}/plan`, { items: [{ menu: 'terapi', service: 'Senam bebas', goal: 'x' }] }), /katalog ATENSI/);
    // Nothing to evaluate yet.
    await refusedUnchanged(() => lansia.api('POST', `${url}/evaluation`, { summary: 'Baik' }), /susun rencana lebih dulu/);

    const plan = await lansia.api('POST', `${url}/plan`, {
      items: [
        { menu: 'perawatan', service: 'perawatan_kesehatan', goal: 'Tekanan darah terkontrol', due: dayOffset(14) },
        { menu: 'terapi', service: 'terapi_fisik', goal: 'Berjalan tanpa tongkat', note: 'Senam lansia' },
        { menu: 'dukungan_keluarga', service: 'penelusuran_keluarga', goal: 'Keluarga ditemukan' },
      ],
    });
    expect(plan.statusCode).toBe(200);
    const [care, therapy, family] = plan.json().plan as { id: string; status: string }[];
    expect(plan.json().plan.map((i: { status: string }) => i.status)).toEqual(['planned', 'planned', 'planned']);
    // Adding keeps the ids of what is there.
    const more = await lansia.api('POST', `${url}/plan`, { items: [{ menu: 'bantuan', service: 'sandang', goal: 'Pakaian layak' }] });
    expect(more.json().plan.map((i: { id: string }) => i.id).slice(0, 3)).toEqual([care!.id, therapy!.id, family!.id]);
    const clothes = more.json().plan[3] as { id: string };

    // A service given for a planned item starts it; one of another menu, or for no item, moves nothing.
    const given = await lansia.api('POST', `${url}/services`, { service: 'perawatan_kesehatan', plan_item_id: care!.id, note: 'Tensi 150/90' });
    expect(given.statusCode).toBe(201);
    expect(given.json().plan.find((i: { id: string }) => i.id === care!.id)).toMatchObject({ status: 'in_progress', services: 1 });
    expect(given.json().services[0]).toMatchObject({ menu: 'perawatan', service: 'perawatan_kesehatan', plan_item_id: care!.id });
    await refusedUnchanged(() => lansia.api('POST', `${url}/services`, { service: 'terapi_mental', plan_item_id: care!.id }), /menu lain/);
    await refusedUnchanged(() => lansia.api('POST', `${url}/services`, { service: 'pangan', plan_item_id: 'not-an-item' }), /tidak ditemukan/);
    const again = await lansia.api('POST', `${url}/services`, { service: 'perawatan_kesehatan', plan_item_id: care!.id });
    expect(again.json().plan.find((i: { id: string }) => i.id === care!.id)).toMatchObject({ status: 'in_progress', services: 2 });

    // The pendamping marks done or dropped, with a reason; a move the process does not allow is refused in words.
    await refusedUnchanged(() => lansia.api('POST', `${url}/plan/${therapy!.id}`, { status: 'dropped' }), /Tuliskan alasannya/);
    await refusedUnchanged(() => lansia.api('POST', `${url}/plan/${care!.id}`, { status: 'planned' }), /Berjalan tidak dapat diubah menjadi Direncanakan/);
    const en = await refusedUnchanged(() => lansia.api('POST', `${url}/plan/${care!.id}?lang=en`, { status: 'planned' }), /In progress cannot become Planned/);
    expect(en.detail).toMatch(/^A plan item/);
    // Back to Bahasa Indonesia (?lang= is remembered in a cookie).
    expect((await lansia.api('GET', `${url}?lang=id`)).statusCode).toBe(200);
    expect((await lansia.api('POST', `${url}/plan/${therapy!.id}`, { status: 'dropped', note: 'Nyeri lutut, dirujuk fisioterapi RS' })).statusCode).toBe(200);
    await refusedUnchanged(() => lansia.api('POST', `${url}/plan/${therapy!.id}`, { status: 'done', note: 'x' }), /Dibatalkan tidak dapat diubah menjadi Selesai/);
    await refusedUnchanged(() => lansia.api('POST', `${url}/services`, { service: 'terapi_fisik', plan_item_id: therapy!.id }), /sudah dropped/);

    // Closing: after an evaluation, and as `selesai` only when nothing is left open.
    await refusedUnchanged(() => lansia.api('POST', `${url}/close`, { outcome: 'selesai' }), /catat evaluasi lebih dulu/);
    expect((await lansia.api('POST', `${url}/evaluation`, { summary: 'Tekanan darah turun; keluarga belum ditemukan' })).statusCode).toBe(200);
    await refusedUnchanged(() => lansia.api('POST', `${url}/close`, { outcome: 'selesai' }), /Masih ada 3 butir rencana/);
    await refusedUnchanged(() => lansia.api('POST', `${url}/close`, { outcome: 'lainnya' }), /tuliskan keterangannya/);
    for (const [item, status] of [[care!.id, 'done'], [family!.id, 'done'], [clothes.id, 'done']] as const) {
      expect((await lansia.api('POST', `${url}/plan/${item}`, { status, note: 'Tercapai' })).statusCode).toBe(200);
    }
    const closed = await lansia.api('POST', `${url}/close`, { outcome: 'selesai', note: 'Kembali ke keluarga' });
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({ state: 'closed', closing: { outcome: 'selesai', note: 'Kembali ke keluarga' }, evaluation: { summary: expect.stringMatching(/Tekanan darah/) } });

    // Closed: read-only for every change, for everyone, until reopened.
    for (const [path, body] of [
      ['services', { service: 'pangan' }],
      ['plan', { items: [{ menu: 'bantuan', service: 'pangan', goal: 'x' }] }],
      ['assessment', { needs: 'x' }],
      ['evaluation', { summary: 'x' }],
      ['outside-referrals', { service: 'rumah_sakit', to_name: 'RSUD Tarakan', reason: 'x' }],
      ['close', { outcome: 'selesai' }],
    ] as const) {
      await refusedUnchanged(() => lansia.api('POST', `${url}/${path}`, body), /sudah ditutup/);
    }
    await refusedUnchanged(() => manager('POST', `${url}/assign`, { pendamping_id: ids.lansia2 }), /sudah ditutup/);
    // Only the aftercare goes on (bimbingan lanjut comes after terminasi): a follow-up is added and completed.
    const fu = await lansia.api('POST', `${url}/follow-ups`, { due: dayOffset(3), kind: 'visit', note: 'Bimbingan lanjut' });
    expect(fu.statusCode).toBe(201);
    expect((await lansia.api('POST', `${url}/follow-ups/${fu.json().follow_ups[0].id}/done`, { outcome: 'still_home' })).statusCode).toBe(200);
    expect((await lansia.api('GET', url)).statusCode).toBe(200);
    // Reopening is for those who assign (the facility's manager, the command centre), with a reason.
    expect((await lansia.api('POST', `${url}/reopen`, { reason: 'x' })).statusCode).toBe(403);
    await refusedUnchanged(() => manager('POST', `${url}/reopen`, {}), /wajib|diisi|required/i);
    const reopened = await manager('POST', `${url}/reopen`, { reason: 'Keluarga menolak menerima kembali' });
    expect(reopened.statusCode).toBe(200);
    expect(reopened.json()).toMatchObject({ state: 'open', closing: null });
    await refusedUnchanged(() => command('POST', `${url}/reopen`, { reason: 'lagi' }), /tidak sedang ditutup/);
    expect((await lansia.api('POST', `${url}/services`, { service: 'konseling_keluarga' })).statusCode).toBe(201);
  });

  it('drops the items still open when a case closes with another outcome, with the closing as their reason; a transfer still asked for ends with it', async () => {
    const p = await elder('Karto');
    const url = `/api/v1/residents/${p.id}/case`;
    await lansia.api('POST', `${url}/plan`, { items: [{ menu: 'perawatan', service: 'perawatan_harian', goal: 'Mandiri' }] });
    await lansia.api('POST', `${url}/evaluation`, { summary: 'Tidak ditemukan lagi sejak Senin' });
    const asked = await lansia.api('POST', `${url}/transfers`, { to_pendamping_id: ids.lansia2, reason: 'Cuti' });
    const tid = asked.json().transfers[0].id as string;
    const res = await lansia.api('POST', `${url}/close`, { outcome: 'tidak_terjangkau' });
    expect(res.statusCode).toBe(200);
    expect(res.json().plan[0]).toMatchObject({ status: 'dropped', status_reason: 'Kasus ditutup: Tidak terjangkau lagi' });
    // Closed: the receiver is no longer offered it, and it cannot be accepted after a reopening.
    expect(res.json().transfers[0]).toMatchObject({ id: tid, status: 'cancelled' });
    expect((await lansia2.api('GET', '/api/v1/cases/transfers')).json().transfers.map((t: { id: string }) => t.id)).not.toContain(tid);
  });

  it('transfers a case only when the receiving pendamping accepts; the transfer id is no door for anyone else', async () => {
    const p = await elder('Slamet');
    const other = await elder('Paiman');
    const url = `/api/v1/residents/${p.id}/case`;
    // The receiver must fit the case as an assignment would: the person's cluster, working where they are.
    const wrong = await refusedUnchanged(() => lansia.api('POST', `${url}/transfers`, { to_pendamping_id: ids.tuna, reason: 'Cuti' }), /klaster/i);
    expect(wrong.errors![0]!.path).toBe('to_pendamping_id');
    await refusedUnchanged(() => lansia.api('POST', `${url}/transfers`, { to_pendamping_id: ids.far, reason: 'Cuti' }), /.+/);
    await refusedUnchanged(() => lansia.api('POST', `${url}/transfers`, { to_pendamping_id: ids.lansia, reason: 'Cuti' }), /pendamping lain/);
    expect((await tuna.api('POST', `${url}/transfers`, { to_pendamping_id: ids.lansia2, reason: 'Cuti' })).statusCode).toBe(404);
    const asked = await lansia.api('POST', `${url}/transfers`, { to_pendamping_id: ids.lansia2, reason: 'Cuti melahirkan' });
    expect(asked.statusCode).toBe(201);
    const tid = asked.json().transfers[0].id as string;
    expect(asked.json().transfers[0]).toMatchObject({ status: 'requested', to: { id: ids.lansia2 } });
    await refusedUnchanged(() => lansia.api('POST', `${url}/transfers`, { to_pendamping_id: ids.lansia2, reason: 'lagi' }), /menunggu jawaban/);

    // The receiver sees it waiting; not the case yet.
    expect((await lansia2.api('GET', '/api/v1/cases/transfers')).json().transfers).toEqual([expect.objectContaining({ id: tid, person_id: p.id, name: 'Slamet', reason: 'Cuti melahirkan' })]);
    expect((await lansia2.api('GET', url)).statusCode).toBe(404);
    // Anyone else holding the id: not found (the asker, another pendamping), a desk refused by role; and never through another person's path.
    const before = await snapshot();
    expect((await lansia.api('POST', `${url}/transfers/${tid}/accept`, {})).statusCode).toBe(404);
    expect((await farLansia.api('POST', `${url}/transfers/${tid}/accept`, {})).statusCode).toBe(404);
    expect((await tuna.api('POST', `${url}/transfers/${tid}/refuse`, { note: 'x' })).statusCode).toBe(404);
    expect((await manager('POST', `${url}/transfers/${tid}/accept`, {})).statusCode).toBe(403);
    expect((await lansia2.api('POST', `/api/v1/residents/${other.id}/case/transfers/${tid}/accept`, {})).statusCode).toBe(404);
    expect((await farLansia.post(`/cases/${p.id}/transfers/${tid}/accept`, {})).statusCode).toBe(404);
    expect(await snapshot()).toBe(before);

    // Refused with a reason; asked again; accepted: the case is the receiver's, and no longer the asker's.
    await refusedUnchanged(() => lansia2.api('POST', `${url}/transfers/${tid}/refuse`, {}), /.+/);
    expect((await lansia2.api('POST', `${url}/transfers/${tid}/refuse`, { note: 'Beban kasus penuh' })).json()).toEqual({ transfer_id: tid, status: 'refused' });
    await refusedUnchanged(() => lansia2.api('POST', `${url}/transfers/${tid}/accept`, {}), /sudah dijawab/);
    const again = await lansia.api('POST', `${url}/transfers`, { to_pendamping_id: ids.lansia2, reason: 'Cuti melahirkan, 3 bulan' });
    const tid2 = again.json().transfers[0].id as string;
    const accepted = await lansia2.api('POST', `${url}/transfers/${tid2}/accept`, {});
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().pendamping).toMatchObject({ id: ids.lansia2 });
    expect(accepted.json().transfers.map((t: { status: string }) => t.status)).toEqual(['accepted', 'refused']);
    expect((await lansia.api('GET', url)).statusCode).toBe(404);
    expect((await lansia2.api('GET', '/api/v1/cases')).json().cases.map((c: { person_id: string }) => c.person_id)).toContain(p.id);
    // The asker may withdraw a request not yet answered.
    const third = await lansia2.api('POST', `${url}/transfers`, { to_pendamping_id: ids.lansia, reason: 'Kembali' });
    const tid3 = third.json().transfers[0].id as string;
    expect((await lansia2.api('POST', `${url}/transfers/${tid3}/cancel`, {})).json().transfers[0].status).toBe('cancelled');
    expect((await lansia.api('POST', `${url}/transfers/${tid3}/accept`, {})).statusCode).toBe(422);

    // On the pages: the receiver's caseload offers it; a refusal without a reason says so; accepting opens the case.
    const fourth = await lansia2.api('POST', `${url}/transfers`, { to_pendamping_id: ids.lansia, reason: 'Kembali ke pendamping semula' });
    const tid4 = fourth.json().transfers[0].id as string;
    const offered = await lansia.get('/cases');
    expect(offered.body).toMatch(/id="incoming"[\s\S]*Slamet[\s\S]*Kembali ke pendamping semula/);
    expect(offered.body).toContain(`action="/cases/${p.id}/transfers/${tid4}/accept"`);
    const noReason = await lansia.post(`/cases/${p.id}/transfers/${tid4}/refuse`, {});
    expect(noReason.statusCode).toBe(303);
    expect((await lansia.get('/cases')).body).toMatch(/flash-error[\s\S]*(wajib|harus diisi|Wajib)/);
    const took = await lansia.post(`/cases/${p.id}/transfers/${tid4}/accept`, {});
    expect(took.statusCode).toBe(303);
    expect(took.headers.location).toBe(`/cases/${p.id}`);
    expect((await lansia.get(`/cases/${p.id}`)).body).toContain('Kasus diterima: sekarang dampingan Anda.');
  });

  it('carries outside referrals and transfers with a merged-away case; a transfer still asked for it is cancelled', async () => {
    const survivor = await elder('Sukarjo');
    const other = await elder('Karjo');
    await lansia.api('POST', `/api/v1/residents/${other.id}/case/outside-referrals`, { service: 'rumah_sakit', to_name: 'RSUD Tarakan', reason: 'Kontrol' });
    expect((await lansia.api('POST', `/api/v1/residents/${other.id}/case/transfers`, { to_pendamping_id: ids.lansia2, reason: 'Cuti' })).statusCode).toBe(201);
    expect((await lansia.api('POST', `/api/v1/residents/${survivor.id}/case/transfers`, { to_pendamping_id: ids.lansia2, reason: 'Cuti' })).statusCode).toBe(201);
    // One of two open stays must end before a merge.
    expect((await intake('POST', `/api/v1/stays/${other.stayId}/discharge`, { outcome: 'left' })).statusCode).toBe(200);
    expect((await manager('POST', `/api/v1/residents/${survivor.id}/merge`, { other: other.id, reason: 'Orang yang sama' })).statusCode).toBe(200);
    const c = (await manager('GET', `/api/v1/residents/${survivor.id}/case`)).json();
    expect(c.outside_referrals.map((r: { to_name: string }) => r.to_name)).toEqual(['RSUD Tarakan']);
    expect(c.transfers.map((t: { status: string }) => t.status).sort()).toEqual(['cancelled', 'requested']);
    expect(await db.all(sql`select id from cases where person_id = ${other.id}`)).toEqual([]);
  });

  it('refers a case to an outside service and records its answer once', async () => {
    const p = await elder('Marsono');
    const url = `/api/v1/residents/${p.id}/case`;
    await refusedUnchanged(() => lansia.api('POST', `${url}/outside-referrals`, { service: 'dukun', to_name: 'x', reason: 'x' }), /layanan tujuan/);
    await refusedUnchanged(() => lansia.api('POST', `${url}/outside-referrals`, { service: 'dinsos_asal', to_name: 'Dinsos Klaten', wilayah_code: '99.99', reason: 'x' }), /.+/);
    expect((await tuna.api('POST', `${url}/outside-referrals`, { service: 'rumah_sakit', to_name: 'RSUD', reason: 'x' })).statusCode).toBe(404);
    const sent = await lansia.api('POST', `${url}/outside-referrals`, { service: 'dinsos_asal', to_name: 'Dinas Sosial Kab. Klaten', wilayah_code: '33.10', reason: 'Persiapan pemulangan' });
    expect(sent.statusCode).toBe(201);
    const rid = sent.json().outside_referrals[0].id as string;
    expect(sent.json().outside_referrals[0]).toMatchObject({ service: 'dinsos_asal', status: 'sent', answer: null });
    await refusedUnchanged(() => lansia.api('POST', `${url}/outside-referrals/${rid}/answer`, { status: 'accepted' }), /.+/);
    const answered = await lansia.api('POST', `${url}/outside-referrals/${rid}/answer`, { status: 'accepted', answer: 'Siap menerima, kontak Bu Rina 0812' });
    expect(answered.json().outside_referrals[0]).toMatchObject({ status: 'accepted', answer: 'Siap menerima, kontak Bu Rina 0812' });
    await refusedUnchanged(() => lansia.api('POST', `${url}/outside-referrals/${rid}/answer`, { status: 'refused', answer: 'x' }), /sudah dicatat/);
    const ppa = await lansia.api('POST', `${url}/outside-referrals`, { service: 'unit_ppa', to_name: 'Unit PPA Polres Jakarta Pusat', reason: 'Dugaan kekerasan' });
    expect(ppa.json().outside_referrals.map((r: { service: string }) => r.service)).toEqual(['unit_ppa', 'dinsos_asal']);
  });

  it('groups the cases of one KK in a family case; a member with another pendamping is counted, never named', async () => {
    const kk = '3171010101020007';
    const father = await elder('Bapak Wiryo', { kk });
    const mother = await placed(intake, { name: 'Ibu Sumini', sex: 'P', estimated_age: 66, kk });
    expect((await manager('POST', `/api/v1/residents/${mother.id}/case/assign`, { pendamping_id: ids.lansia2 })).statusCode).toBe(200);
    const alone = await elder('Tanpa KK');
    await refusedUnchanged(() => lansia.api('POST', `/api/v1/residents/${alone.id}/case/family`, {}), /nomor KK/);
    const opened = await lansia.api('POST', `/api/v1/residents/${father.id}/case/family`, { note: 'Anak di Klaten' });
    expect(opened.statusCode).toBe(200);
    expect(opened.json().family).toMatchObject({ kk_masked: expect.stringMatching(/^3171\*+0007$/), note: 'Anak di Klaten', members: [expect.objectContaining({ person_id: father.id, self: true })], hidden_members: 1 });
    expect(JSON.stringify(opened.json().family)).not.toContain('Sumini');
    // The manager sees both; the mother's pendamping sees the family from her case.
    const seen = (await manager('GET', `/api/v1/residents/${father.id}/case`)).json().family;
    expect(seen.members.map((m: { name: string }) => m.name).sort()).toEqual(['Bapak Wiryo', 'Ibu Sumini']);
    expect((await lansia2.api('GET', `/api/v1/residents/${mother.id}/case`)).json().family.id).toBe(seen.id);
    // A member whose case is made later joins it.
    const son = await placed(intake, { name: 'Joko', sex: 'L', estimated_age: 30, kk });
    expect((await manager('GET', `/api/v1/residents/${son.id}/case`)).json().family).toBeNull();
    await manager('POST', `/api/v1/residents/${son.id}/case/assessment`, { needs: 'Kerja' });
    expect((await manager('GET', `/api/v1/residents/${son.id}/case`)).json().family.id).toBe(seen.id);
  });

  it('keeps the family note of one member\'s pendamping from another member\'s: replaced only by who works every member\'s case, the old note kept in the audit', async () => {
    const kk = '3171010101020011';
    const familyNote = async () => (await db.all<{ note: string | null }>(sql`select note from family_cases where kk = ${kk}`))[0]?.note;
    const father = await elder('Bapak Darmo', { kk });
    const mother = await placed(intake, { name: 'Ibu Darmi', sex: 'P', estimated_age: 67, kk });
    expect((await manager('POST', `/api/v1/residents/${mother.id}/case/assign`, { pendamping_id: ids.lansia2 })).statusCode).toBe(200);
    // Opened without a note: the first note is any member's worker's to write, here the mother's pendamping.
    expect((await lansia.api('POST', `/api/v1/residents/${father.id}/case/family`, {})).statusCode).toBe(200);
    expect(await familyNote()).toBeNull();
    expect((await lansia2.api('POST', `/api/v1/residents/${mother.id}/case/family`, { note: 'Rumah di Klaten dijual' })).statusCode).toBe(200);
    expect(await familyNote()).toBe('Rumah di Klaten dijual');

    // The father's pendamping works his case, not the mother's: refused in words (either language), nothing changes.
    await refusedUnchanged(() => lansia.api('POST', `/api/v1/residents/${father.id}/case/family`, { note: 'Anak di Solo' }), /Hanya yang menangani kasus setiap anggota keluarga/);
    const english = await lansia.api('POST', `/api/v1/residents/${father.id}/case/family?lang=en`, { note: 'Anak di Solo' });
    expect(english.statusCode).toBe(422);
    expect(english.json().detail).toMatch(/works the case of every family member/);
    expect(await familyNote()).toBe('Rumah di Klaten dijual');
    // Linking without a note, or sending the note as it stands, is still theirs.
    expect((await lansia.api('POST', `/api/v1/residents/${father.id}/case/family`, {})).statusCode).toBe(200);
    expect((await lansia.api('POST', `/api/v1/residents/${father.id}/case/family`, { note: 'Rumah di Klaten dijual' })).statusCode).toBe(200);
    expect(await familyNote()).toBe('Rumah di Klaten dijual');

    // The manager works both members' cases, the command centre sees them all: each may replace it; the audit keeps what was there.
    expect((await manager('POST', `/api/v1/residents/${father.id}/case/family`, { note: 'Anak di Solo' })).statusCode).toBe(200);
    expect(await familyNote()).toBe('Anak di Solo');
    expect((await command('POST', `/api/v1/residents/${mother.id}/case/family`, { note: 'Anak di Solo, rumah dijual' })).statusCode).toBe(200);
    expect(await familyNote()).toBe('Anak di Solo, rumah dijual');
    const events = await db.select().from(auditEvents).where(and(eq(auditEvents.action, 'case.family'), inArray(auditEvents.entityId, [father.id, mother.id]))).orderBy(auditEvents.id).all();
    expect(events.map((e) => e.detail?.previous_note)).toEqual([undefined, null, undefined, undefined, 'Rumah di Klaten dijual', 'Anak di Solo']);
  });

  it('hands the follow-up after a return home to a pendamping of the destination, else to a contact typed on the letter', async () => {
    const denpasar = await makeUser(db, 'pendamping', { wilayahCode: '51.71', cluster: 'lansia' });
    const bali = await signedIn(app, denpasar.username, denpasar.password);
    const p = await elder('Made Sutama', { origin_wilayah_code: '51.71' });
    const url = `/api/v1/residents/${p.id}/case`;
    expect((await intake('POST', `/api/v1/stays/${p.stayId}/discharge`, { outcome: 'returned_home', destination: 'Denpasar', destination_wilayah_code: '51.71', family_contact: 'Istri: 0813', escort: 'Peksos', date: dayOffset(-2) })).statusCode).toBe(200);
    const c = (await lansia.api('GET', url)).json();
    const after = c.follow_ups.find((f: { kind: string }) => f.kind === 'after_arrival');
    expect(after.owner).toMatchObject({ id: denpasar.id });
    expect(c.aid.steps.every((s: { dinsos_wilayah_code: string }) => s.dinsos_wilayah_code === '51.71')).toBe(true);
    // Bali's pendamping sees the case and completes the follow-up; the rest of the case stays with its own pendamping.
    expect((await bali.api('GET', '/api/v1/cases')).json().cases.map((x: { person_id: string }) => x.person_id)).toContain(p.id);
    expect((await bali.api('GET', url)).statusCode).toBe(200);
    expect((await bali.api('POST', `${url}/services`, { service: 'pangan' })).statusCode).toBe(403);
    expect((await bali.api('POST', `${url}/follow-ups/${after.id}/done`, { outcome: 'still_home', note: 'Tinggal bersama istri' })).statusCode).toBe(200);
    const letter = await bali.get(`/stays/${p.stayId}/handover`);
    expect(letter.body).toContain(denpasar.username);

    // Brebes has no pendamping in Singgah: the letter takes a typed contact, kept on the follow-up.
    const q = await elder('Warsito', { origin_wilayah_code: '33.29' });
    await intake('POST', `/api/v1/stays/${q.stayId}/discharge`, { outcome: 'returned_home', destination: 'Brebes', destination_wilayah_code: '33.29', family_contact: 'Kakak: 0812', escort: 'Peksos', date: dayOffset(-1) });
    const page = await lansia.get(`/stays/${q.stayId}/handover`);
    expect(page.body).toContain(`action="/stays/${q.stayId}/handover/contact"`);
    await refusedUnchanged(() => lansia.api('POST', `/api/v1/stays/${q.stayId}/handover/contact`, { contact: '' }), /.+/);
    expect((await tuna.api('POST', `/api/v1/stays/${q.stayId}/handover/contact`, { contact: 'x' })).statusCode).toBe(404);
    expect((await lansia.api('POST', `/api/v1/stays/${q.stayId}/handover/contact`, { contact: 'Pak Kades Sitanggal, 0819-2222' })).statusCode).toBe(200);
    const fu = (await lansia.api('GET', `/api/v1/residents/${q.id}/case`)).json().follow_ups.find((f: { kind: string }) => f.kind === 'after_arrival');
    expect(fu).toMatchObject({ owner: null, owner_contact: 'Pak Kades Sitanggal, 0819-2222' });
    const printed = await lansia.get(`/stays/${q.stayId}/handover`);
    expect(printed.body).toMatch(/id="handover-follow-up">[^<]*Pak Kades Sitanggal/);
    // A typo is corrected on the letter; a follow-up a pendamping owns takes no typed contact.
    expect((await lansia.api('POST', `/api/v1/stays/${q.stayId}/handover/contact`, { contact: 'Pak Kades Sitanggal, 0819-2223' })).statusCode).toBe(200);
    expect((await lansia.get(`/stays/${q.stayId}/handover`)).body).toContain('value="Pak Kades Sitanggal, 0819-2223"');
    expect((await lansia.api('POST', `/api/v1/stays/${p.stayId}/handover/contact`, { contact: 'x' })).statusCode).toBe(409);
  });
});
