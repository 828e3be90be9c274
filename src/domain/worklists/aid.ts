import { sql } from 'drizzle-orm';
import { write, type Db } from '../../db/client.ts';
import type { Actor } from '../actor.ts';
import { canSeeFacility, isWide, requireRole } from '../access.ts';
import { audit } from '../audit.ts';
import { translate } from '../../i18n/index.ts';
import { nowIso, toLocalIso, wibDate, zoneOf } from '../../lib/time.ts';
import { ageOn } from '../persons/age.ts';
import { maskIdNumber } from '../persons/nik.ts';
import type { PersonListed } from '../persons/record.ts';
import { aidFactsOf, aidPlaces, aidSteps, describeAidSteps, livesIn, nikRegion, type AidFacts, type AidStepFact, type AidStepView } from '../cases/aid.ts';
import { caseScopeFilter, worksCaseOf, WORKLIST_ROLES } from '../cases/scope.ts';
import type { Cell, ExportTable } from '../reports/table.ts';

interface Row {
  id: string;
  resident_code: string;
  name: string | null;
  description: string | null;
  sex: 'L' | 'P';
  birth_date: string | null;
  estimated_age: number | null;
  estimated_at: string | null;
  nik: string | null;
  kk: string | null;
  dtks: 'yes' | 'no' | 'unknown';
  pkh: 'yes' | 'no' | 'unknown';
  bpnt: 'yes' | 'no' | 'unknown';
  ktp_address: string | null;
  domicile_address: string | null;
  origin_wilayah_code: string | null;
  facility_id: string | null;
  facility_name: string | null;
  facility_wilayah: string | null;
  facility_protected: number | null;
  pendamping_id: string | null;
  case_closed_at: string | null;
  assigned_at: string | null;
  stay_in: string | null;
  proposed_at: string | null;
  consent: number | boolean | string;
}

/**
 * The people in the actor's scope whom the road to aid concerns: placed people
 * (an open stay) for facility staff, the command centre and admin; a
 * pendamping's own cases, placed or gone home (aid follows them home).
 */
async function aidRows(db: Db, actor: Actor): Promise<Row[]> {
  const scope = caseScopeFilter(actor, sql`p.id`);
  const placedOrOwn = actor.role === 'pendamping' ? sql`1 = 1` : sql`s.id is not null`;
  const atOwnFacility = !isWide(actor) && actor.role !== 'pendamping' && actor.facilityId ? sql`s.facility_id = ${actor.facilityId}` : sql`1 = 1`;
  return await db.all<Row>(sql`
    select p.id, p.resident_code, p.name, p.description, p.sex, p.birth_date, p.estimated_age, p.estimated_at,
           p.nik, p.kk, p.dtks, p.pkh, p.bpnt, p.ktp_address, p.domicile_address, p.origin_wilayah_code, p.consent,
           f.id as facility_id, f.name as facility_name, f.wilayah_code as facility_wilayah, f.protected as facility_protected,
           c.pendamping_id, c.closed_at as case_closed_at, c.assigned_at, s.checked_in_at as stay_in,
           (select max(d.proposed_at) from dtks_proposals d where d.person_id = p.id) as proposed_at
    from persons p
    left join stays s on s.person_id = p.id and s.checked_out_at is null
    left join facilities f on f.id = s.facility_id
    left join cases c on c.person_id = p.id
    where p.merged_into_id is null and p.anonymised_at is null
      and ${placedOrOwn} and ${atOwnFacility} and ${scope}
    order by p.resident_code`);
}

export interface AidEntry extends PersonListed {
  dtks: string;
  pkh: string;
  bpnt: string;
  facility_id: string | null;
  facility_name: string | null;
  dtks_proposed_at: string | null;
  steps: AidStepView[];
  /** Whether this actor may change this person's case (the road's forms, e.g. "proposed to DTKS"): scope.ts worksCaseOf, and the case open. */
  may_change: boolean;
}

interface RowWithSteps {
  row: Row;
  age: number | null;
  facts: AidFacts;
  steps: AidStepFact[];
}

/** Each row with the facts of the road to aid and its steps (src/domain/cases/aid.ts decides them, nothing here). */
async function withSteps(db: Db, rows: Row[]): Promise<RowWithSteps[]> {
  const today = wibDate(nowIso());
  const places = await aidPlaces(db, rows.map((r) => r.id));
  return rows.map((r) => {
    const age = ageOn({ birthDate: r.birth_date, estimatedAge: r.estimated_age, estimatedAt: r.estimated_at }, today);
    const facts = aidFactsOf(
      { nik: r.nik, kk: r.kk, dtks: r.dtks, pkh: r.pkh, bpnt: r.bpnt, ktpAddress: r.ktp_address, domicileAddress: r.domicile_address, originWilayahCode: r.origin_wilayah_code },
      age,
      places.get(r.id),
    );
    return { row: r, age, facts, steps: aidSteps(facts, r.proposed_at) };
  });
}

/** `GET /worklists/aid`: each person with what stands between them and PKH/BPNT, and the next step. */
export async function aidWorklist(args: { db: Db; actor: Actor; step?: string | undefined }): Promise<AidEntry[]> {
  const { db, actor } = args;
  requireRole(actor, WORKLIST_ROLES);
  const out: AidEntry[] = [];
  for (const { row: r, age, facts, steps } of await withSteps(db, await aidRows(db, actor))) {
    if (!steps.length) continue;
    if (args.step && !steps.some((s) => s.code === args.step)) continue;
    const showFacility = r.facility_id !== null && canSeeFacility(actor, { id: r.facility_id, protected: r.facility_protected === 1 });
    out.push({
      person_id: r.id,
      resident_code: r.resident_code,
      name: r.name ?? r.description,
      sex: r.sex,
      age,
      nik_masked: maskIdNumber(r.nik),
      dtks: r.dtks,
      pkh: r.pkh,
      bpnt: r.bpnt,
      facility_id: showFacility ? r.facility_id : null,
      facility_name: showFacility ? r.facility_name : null,
      // In the zone of the facility the person stays at (WIB when not known).
      dtks_proposed_at: toLocalIso(r.proposed_at, showFacility ? zoneOf(r.facility_wilayah) : 'WIB'),
      steps: describeAidSteps(steps, facts, actor.lang),
      // The row is within the actor's case scope (aidRows); the rest is assertCanChangeCase's rule, asked per row.
      may_change: worksCaseOf(actor, r.pendamping_id) && !r.case_closed_at,
    });
  }
  return out;
}

export function aidCsvTable(entries: AidEntry[], lang: Actor['lang']): ExportTable {
  const t = (k: string) => translate(lang, k);
  return {
    sheet: 'aid',
    title: t('worklists.aid_title'),
    published: false,
    columns: [
      { key: 'resident_code', header: t('worklists.col.code'), type: 'text' },
      { key: 'name', header: t('worklists.col.name'), type: 'text' },
      { key: 'age', header: t('worklists.col.age'), type: 'int' },
      { key: 'nik_masked', header: 'NIK', type: 'text' },
      { key: 'dtks', header: 'DTKS', type: 'text' },
      { key: 'pkh', header: 'PKH', type: 'text' },
      { key: 'facility_name', header: t('worklists.col.facility'), type: 'text' },
      { key: 'steps', header: t('worklists.col.steps'), type: 'text' },
    ],
    rows: entries.map((e) => ({
      resident_code: e.resident_code,
      name: e.name,
      age: e.age,
      nik_masked: e.nik_masked,
      dtks: e.dtks,
      pkh: e.pkh,
      facility_name: e.facility_name,
      steps: e.steps.map((s) => s.next_step).join('; '),
    })),
  };
}

/** The steps the DTKS proposals list is for: a new proposal, a family member's data update, or one proposed and waiting. */
const DTKS_EXPORT_STEPS = new Set(['dtks', 'dtks_update', 'dtks_proposed']);

const consented = (v: Row['consent']) => v === true || Number(v) === 1;

/**
 * The DTKS proposals for the Dinsos: people with a NIK whose road to aid is a
 * DTKS proposal or data update (src/domain/cases/aid.ts), who consented to
 * their data going to the Dinsos (their own consent, or for a child the
 * guardian's recorded on their behalf: DOMAIN.md), with only the columns a
 * DTKS entry needs: no facility, no case, no category. Where they live is
 * their home after a return, or the kab/kota of an unprotected placement;
 * never a protected facility's (a trafficking victim's shelter stays
 * unnamed, even by kab/kota). Full NIK and KK, as text: the export is an
 * audited read ('worklist.dtks_export'), like revealing a NIK.
 */
export async function dtksExport(args: { db: Db; actor: Actor }): Promise<ExportTable> {
  const { db, actor } = args;
  requireRole(actor, WORKLIST_ROLES);
  const t = (k: string) => translate(actor.lang, k);
  const rows = (await withSteps(db, await aidRows(db, actor))).filter(
    (x) => x.row.nik && consented(x.row.consent) && x.steps.some((s) => DTKS_EXPORT_STEPS.has(s.code)),
  );
  await write(db, async (tx) => await audit(tx, actor, { action: 'worklist.dtks_export', entity: 'worklist', entityId: 'dtks', detail: { persons: rows.length } }));
  return {
    sheet: 'DTKS',
    title: t('worklists.dtks_title'),
    published: false,
    columns: [
      { key: 'nik', header: 'NIK', type: 'id_number', width: 20 },
      { key: 'kk', header: 'No. KK', type: 'id_number', width: 20 },
      { key: 'name', header: t('worklists.col.name'), type: 'text' },
      { key: 'sex', header: t('worklists.col.sex'), type: 'text', width: 6 },
      { key: 'birth_date', header: t('worklists.col.birth_date'), type: 'date' },
      { key: 'domicile_address', header: t('worklists.col.domicile'), type: 'text', width: 40 },
      { key: 'domicile_wilayah', header: t('worklists.col.domicile_wilayah'), type: 'text' },
      { key: 'ktp_address', header: t('worklists.col.ktp_address'), type: 'text', width: 40 },
      { key: 'ktp_wilayah', header: t('worklists.col.ktp_wilayah'), type: 'text' },
      { key: 'pkh', header: 'PKH', type: 'text', width: 8 },
      { key: 'bpnt', header: 'BPNT', type: 'text', width: 8 },
      { key: 'request', header: t('worklists.col.dtks_request'), type: 'text', width: 14 },
      { key: 'dinsos_wilayah', header: t('worklists.col.dinsos_wilayah'), type: 'text' },
      { key: 'resident_code', header: t('worklists.col.code'), type: 'text' },
      { key: 'proposed_at', header: t('worklists.col.proposed_at'), type: 'datetime' },
    ],
    rows: rows.map(({ row: r, facts, steps }): Record<string, Cell> => {
      const step = steps.find((s) => DTKS_EXPORT_STEPS.has(s.code))!;
      const placedProtected = r.facility_id !== null && Number(r.facility_protected) === 1;
      return {
        nik: r.nik,
        kk: r.kk,
        name: r.name ?? r.description,
        sex: r.sex,
        birth_date: r.birth_date,
        // A typed domicile at a protected place may name the shelter itself: it stays home.
        domicile_address: placedProtected ? null : r.domicile_address,
        // Where they live now: home after a return, else an unprotected placement; gone without a journey, the origin.
        domicile_wilayah: livesIn(facts) ?? (r.facility_id === null ? r.origin_wilayah_code : null),
        ktp_address: r.ktp_address,
        // The NIK's first four digits are the kab/kota that issued the KTP.
        ktp_wilayah: nikRegion(r.nik),
        pkh: r.pkh,
        bpnt: r.bpnt,
        request: t(`worklists.dtks_request.${facts.kkInDtks ? 'update' : 'new'}`),
        dinsos_wilayah: step.dinsos_wilayah_code,
        // The way back to the record when the Dinsos calls: a code, not a name of a place.
        resident_code: r.resident_code,
        proposed_at: r.proposed_at,
      };
    }),
  };
}
