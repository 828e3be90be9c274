import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { currentTx, type Engine } from '../../db/engine.ts';
import { FACILITY_KINDS } from '../../db/schema/index.ts';
import { nowIso } from '../../lib/time.ts';
import type { Actor } from '../actor.ts';
import { invalid } from '../errors.ts';
import { wilayahNames } from '../reference/wilayah.ts';
import { parseInput } from '../validate.ts';
import {
  addCounts,
  FACILITY_COLUMNS,
  facilityOccupancyOf,
  loadFacilityOccupancy,
  subtractCounts,
  summarise,
  UNIT_COLUMNS,
  unitOccupancyOf,
  type Counts,
  type FacilityOccupancy,
  type FacilityRow,
  type OccupancySummary,
  type UnitOccupancy,
  type UnitRow,
} from './compute.ts';
import { filterSummary, viewKey, type OccupancyFilter } from './view.ts';
import { occupancyDocument, occupancyShape, shapeKey, type OccupancyLevel } from './levels.ts';

/**
 * The read path of occupancy at national scale (issue 14). Triggers raise the
 * one-row `occupancy_version` with every change that can change occupancy
 * (db/migrations 0006), so a reader learns in one tiny query, on whichever
 * instance it runs, whether what it computed before is still current:
 *
 * - `occupancyVersion(db)`: the committed version now.
 * - `cachedOccupancy(db)`: `{ version, summary, asOf }`, the summary computed
 *   once per version per process and shared (the live socket, the board).
 * - `occupancyAnswer(db, actor, query)`: GET /api/v1/occupancy's answer for
 *   this caller and these filters, serialised once per version and view
 *   (`viewKey`: never one caller's view for another's), with its ETag.
 *
 * The version is read before the figures, never after: figures computed under
 * version v are at least as new as v, so an answer is never older than its
 * ETag says. Inside a write transaction nothing is cached (the transaction
 * sees its own uncommitted changes, which may yet be rolled back).
 *
 * Work per change (issue 27): the same triggers stamp each unit and facility
 * they change with the version they raised (`change_version`, db/migrations
 * 0014, db/migrations-pg 0012). An instance holding the model at version v
 * that learns of version w > v re-reads only the rows stamped after v and
 * patches the model (`patchSummary`): a check-in re-reads one unit, not the
 * country's 20,000. It reads the whole again only when units or facilities
 * were added or removed or re-ordered (`occupancy_version.structure` moved),
 * or when a row it re-reads is not in the model it holds. This rests on
 * versions following the commit order (the version row is locked from the
 * first trigger to the commit, and SQLite writes one at a time): once version
 * w is committed, every change stamped w or less is.
 */

export interface OccupancySnapshot {
  /** The occupancy version the summary is (at least) as new as. */
  version: number;
  summary: OccupancySummary;
  /** When the figures were read (UTC ISO); still current while the version is unchanged. */
  asOf: string;
}

interface Answer {
  etag: string;
  /** The JSON as bytes, encoded once… */
  body: Buffer;
  /** …and gzipped once, when a caller first accepts it. */
  gzip?: Buffer;
}

/** An answer of GET /occupancy: `body` null when If-None-Match named the ETag (304). */
export interface OccupancyAnswer {
  version: number;
  etag: string;
  body: Buffer | null;
  /** The body gzipped (computed once per answer and kept with it). */
  gzipped: () => Buffer;
}

interface State {
  version: number;
  /** `occupancy_version.structure` when the version was read: the model is patched only while it is unchanged. */
  structure: number;
  snapshot: Promise<OccupancySnapshot>;
  answers: Map<string, Answer>;
  bytes: number;
}

/** Serialised answers kept per process: at most this many bytes of bodies (a national wide view is a few MB)… */
export const ANSWER_CACHE_BYTES = 64 * 1024 * 1024;
/** …and at most this many answers (views × filters) for the current version. */
export const ANSWER_CACHE_ENTRIES = 500;

const states = new WeakMap<Engine, State>();

/** The committed occupancy version (one indexed row). */
export async function occupancyVersion(db: Db): Promise<number> {
  return (await versions(db)).version;
}

async function versions(db: Db): Promise<{ version: number; structure: number }> {
  const row = await db.get<{ version: number | string; structure: number | string }>(sql`select version, structure from occupancy_version where id = 1`);
  return { version: Number(row?.version ?? 0), structure: Number(row?.structure ?? 0) };
}

/** How the model was last brought up to date, per database (tests and bench/ read it). */
export interface ModelStats {
  /** Whole reads of the national occupancy (at start, and when units or facilities were added, removed or re-ordered). */
  fullLoads: number;
  /** Patches by the rows a change stamped. */
  patches: number;
  /** Unit and facility rows re-read by patches. */
  rowsPatched: number;
}
const modelStats = new WeakMap<Engine, ModelStats>();
const statsOf = (engine: Engine) => modelStats.get(engine) ?? modelStats.set(engine, { fullLoads: 0, patches: 0, rowsPatched: 0 }).get(engine)!;
export function occupancyModelStats(db: Db): Readonly<ModelStats> {
  return { ...statsOf(db.$engine) };
}

async function load(db: Db, version: number): Promise<OccupancySnapshot> {
  const asOf = nowIso();
  statsOf(db.$engine).fullLoads += 1;
  return { version, summary: summarise(await loadFacilityOccupancy(db)), asOf };
}

/** Where each facility and unit sits in a summary's lists: positions stay while the structure does, so patches share it. */
interface Positions {
  facility: Map<string, number>;
  unit: Map<string, { f: number; u: number }>;
}
const positionsOf = new WeakMap<OccupancySummary, Positions>();
function positions(summary: OccupancySummary): Positions {
  let p = positionsOf.get(summary);
  if (!p) {
    p = { facility: new Map(), unit: new Map() };
    for (const [f, fac] of summary.facilities.entries()) {
      p.facility.set(fac.id, f);
      for (const [u, unit] of fac.units.entries()) p.unit.set(unit.id, { f, u });
    }
    positionsOf.set(summary, p);
  }
  return p;
}

/**
 * The summary `base` with the given unit and facility rows applied, as a new
 * summary (`base` is shared with answers being served and is never changed);
 * null when a row is not where `base` has it (added or moved since: read the
 * whole). Totals change by the difference of each facility that changed, so
 * the cost is of the rows, not of the country; a facility that opened or
 * closed re-sums the lists in memory (the areas and kinds listed change).
 */
export function patchSummary(base: OccupancySummary, unitRows: readonly UnitRow[], facilityRows: readonly FacilityRow[]): OccupancySummary | null {
  const at = positions(base);
  const units = new Map<number, UnitOccupancy[]>();
  const identities = new Map<number, FacilityRow>();
  for (const row of unitRows) {
    const where = at.unit.get(row.id);
    if (!where || base.facilities[where.f]!.id !== row.facility_id) return null;
    let list = units.get(where.f);
    if (!list) units.set(where.f, (list = base.facilities[where.f]!.units.slice()));
    list[where.u] = unitOccupancyOf(row);
  }
  for (const row of facilityRows) {
    const f = at.facility.get(row.id);
    if (f === undefined) return null;
    identities.set(f, row);
  }
  const facilities = base.facilities.slice();
  const changed: { before: FacilityOccupancy; after: FacilityOccupancy }[] = [];
  for (const f of new Set([...units.keys(), ...identities.keys()])) {
    const before = base.facilities[f]!;
    const after = facilityOccupancyOf(identities.get(f) ?? before, units.get(f) ?? before.units);
    // What orders the lists is structure (the triggers raise `structure` for it): a row that differs there came after it.
    if (after.kind !== before.kind || after.wilayah_code !== before.wilayah_code || after.name !== before.name) return null;
    facilities[f] = after;
    changed.push({ before, after });
  }
  let summary: OccupancySummary;
  if (changed.some((c) => (c.before.status === 'OPEN') !== (c.after.status === 'OPEN'))) summary = summarise(facilities);
  else {
    const total = copyCounts(base.total);
    const byKind = { ...base.by_kind };
    const byWilayah = { ...base.by_wilayah };
    for (const { before, after } of changed) {
      if (after.status !== 'OPEN') continue;
      for (const into of [total, (byKind[after.kind] = copyCounts(byKind[after.kind]!)), (byWilayah[after.wilayah_code] = copyCounts(byWilayah[after.wilayah_code]!))]) {
        addCounts(subtractCounts(into, before), after);
      }
    }
    summary = { total, by_kind: byKind, by_wilayah: byWilayah, facilities };
  }
  positionsOf.set(summary, at);
  return summary;
}

function copyCounts(c: Counts): Counts {
  return { ...c, free_by_feature: { ...c.free_by_feature }, free_by_admits: { ...c.free_by_admits } };
}

/** The model at `version`, from the one held at `base` and the rows stamped since; the whole read again when it cannot be patched. */
async function patch(db: Db, base: State, version: number): Promise<OccupancySnapshot> {
  let prev: OccupancySnapshot;
  try {
    prev = await base.snapshot;
  } catch {
    return await load(db, version);
  }
  const asOf = nowIso();
  const since = prev.version;
  const unitRows = await db.all<UnitRow>(sql`select ${UNIT_COLUMNS} from units u where u.change_version > ${since}`);
  const facilityRows = await db.all<FacilityRow>(sql`select ${FACILITY_COLUMNS} from facilities where change_version > ${since}`);
  const summary = patchSummary(prev.summary, unitRows, facilityRows);
  if (!summary) return await load(db, version);
  const stats = statsOf(db.$engine);
  stats.patches += 1;
  stats.rowsPatched += unitRows.length + facilityRows.length;
  return { version, summary, asOf };
}

async function stateFor(db: Db): Promise<State | null> {
  const { version, structure } = await versions(db);
  if (currentTx(db.$engine)) return null;
  const engine = db.$engine;
  const known = states.get(engine);
  // Another request already read this version, or a newer one (figures newer than asked for are still true).
  if (known && known.version >= version) return known;
  const snapshot = known && known.structure === structure ? patch(db, known, version) : load(db, version);
  const state: State = { version, structure, snapshot, answers: new Map(), bytes: 0 };
  states.set(engine, state);
  state.snapshot.catch(() => {
    if (states.get(engine) === state) states.delete(engine);
  });
  return state;
}

/**
 * The occupancy summary, computed once per version per process: what the live
 * socket and the board send when occupancy moved. Inside a write transaction
 * it is computed afresh from that transaction's view, uncached.
 */
export async function cachedOccupancy(db: Db): Promise<OccupancySnapshot> {
  const state = await stateFor(db);
  if (!state) return await loadUncached(db);
  return await state.snapshot;
}

/** Inside a write: the transaction's own view, read whole and kept nowhere. */
async function loadUncached(db: Db): Promise<OccupancySnapshot> {
  const version = await occupancyVersion(db);
  return { version, summary: summarise(await loadFacilityOccupancy(db)), asOf: nowIso() };
}

const asList = (v: unknown) => (v === '' ? [] : Array.isArray(v) ? v : [v]);
const listOf = <T extends z.ZodType>(item: T) => z.preprocess((v) => (v === undefined ? [] : asList(v)), z.array(item).max(50, 'field.too_long'));

/** The query of GET /api/v1/occupancy. Repeated values widen (`?kind=TPS&kind=BALAI`). */
export const OccupancyQuery = z.object({
  kind: listOf(z.enum(FACILITY_KINDS, { error: 'field.invalid' })),
  /** A province ("31") or a kab/kota ("31.71"). */
  wilayah: listOf(z.string().regex(/^\d{2}(\.\d{2})?$/, 'field.unknown_wilayah')),
});

const knownWilayah = new WeakMap<Engine, Set<string>>();

/** The filters of a query, checked (an unknown kind or wilayah is a 422 naming the field), sorted and without repeats. */
export async function parseOccupancyFilter(db: Db, actor: Actor, query: unknown): Promise<OccupancyFilter> {
  const parsed = parseInput(OccupancyQuery, query ?? {}, actor.lang);
  const filter: OccupancyFilter = { kind: [...new Set(parsed.kind)].sort(), wilayah: [...new Set(parsed.wilayah)].sort() };
  if (filter.wilayah.length) {
    // Wilayah codes are reference data: once seen in the table, a code is known for the life of the
    // process, so a wall's repeated `?wilayah=31` does not ask the database every time.
    const seen = knownWilayah.get(db.$engine) ?? knownWilayah.set(db.$engine, new Set()).get(db.$engine)!;
    const ask = filter.wilayah.filter((w) => !seen.has(w));
    if (ask.length) for (const code of (await wilayahNames(db, ask)).keys()) seen.add(code);
    const unknown = parsed.wilayah.map((w, i) => ({ w, i })).filter(({ w }) => !seen.has(w));
    if (unknown.length) throw invalid(unknown.map(({ i }) => ({ path: `wilayah.${i}`, message: 'field.unknown_wilayah' })));
  }
  return filter;
}

const hash = (s: string) => createHash('sha256').update(s).digest('base64url').slice(0, 22);

/**
 * GET /api/v1/occupancy for this caller: the document (docs/api.md) as JSON
 * text and its weak ETag, `W/"<version>-<view and filters>"`, the same on
 * every instance for the same version, caller's view and filters. When
 * `ifNoneMatch` names that ETag, `body` is null (304): nothing is serialised.
 * `scope: 'own'` is the live socket's narrower document for a facility
 * account (see occupancyFor); `query` is the filter query (none: everything).
 */
export async function occupancyAnswer(
  db: Db,
  actor: Actor,
  opts: { query?: unknown; ifNoneMatch?: string | string[] | undefined; scope?: 'visible' | 'own'; shape?: { level?: OccupancyLevel | undefined; limit?: number | undefined; offset?: number | undefined } } = {},
): Promise<OccupancyAnswer> {
  const { ifNoneMatch, scope = 'visible' } = opts;
  const filter = await parseOccupancyFilter(db, actor, opts.query);
  // The level and page (./levels.ts): checked before any figure is read.
  const shape = occupancyShape(filter, opts.shape ?? {});
  const state = await stateFor(db);
  const snap = state ? await state.snapshot : await loadUncached(db);
  const key = `${viewKey(actor, snap.summary, scope)}|k=${filter.kind.join(',')}|w=${filter.wilayah.join(',')}|${shapeKey(shape)}`;
  const etag = `W/"${snap.version}-${hash(key)}"`;
  const none = () => {
    throw new Error('no body to compress');
  };
  if (matchesEtag(ifNoneMatch, etag)) return { version: snap.version, etag, body: null, gzipped: none };
  const answer = (a: Answer): OccupancyAnswer => ({
    version: snap.version,
    etag,
    body: a.body,
    gzipped: () => {
      if (!a.gzip) {
        a.gzip = gzipSync(a.body, { level: 6 });
        if (state) state.bytes += a.gzip.length;
      }
      return a.gzip;
    },
  });
  const cached = state?.answers.get(key);
  if (cached) {
    // Most recently used last: the first entry is the one to let go.
    state!.answers.delete(key);
    state!.answers.set(key, cached);
    return answer(cached);
  }
  const fresh: Answer = { etag, body: Buffer.from(JSON.stringify(occupancyDocument(actor, filterSummary(actor, snap.summary, filter), snap.asOf, shape, scope))) };
  if (state && states.get(db.$engine) === state && fresh.body.length <= ANSWER_CACHE_BYTES / 4) {
    state.answers.set(key, fresh);
    state.bytes += fresh.body.length;
    for (const [k, a] of state.answers) {
      if (state.bytes <= ANSWER_CACHE_BYTES && state.answers.size <= ANSWER_CACHE_ENTRIES) break;
      state.answers.delete(k);
      state.bytes -= a.body.length + (a.gzip?.length ?? 0);
    }
  }
  return answer(fresh);
}

/** Whether a request's Accept-Encoding takes gzip (q=0 refuses it). */
export function acceptsGzip(acceptEncoding: string | string[] | undefined): boolean {
  const header = Array.isArray(acceptEncoding) ? acceptEncoding.join(',') : (acceptEncoding ?? '');
  return header.split(',').some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (name !== 'gzip' && name !== '*') return false;
    const q = params.map((x) => x.trim()).find((x) => x.startsWith('q='));
    return !q || Number(q.slice(2)) > 0;
  });
}

/** Whether an If-None-Match header names this ETag (weak comparison, as GET allows; `*` matches any). */
export function matchesEtag(ifNoneMatch: string | string[] | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const strip = (t: string) => t.trim().replace(/^W\//, '');
  const want = strip(etag);
  return (Array.isArray(ifNoneMatch) ? ifNoneMatch.join(',') : ifNoneMatch).split(',').some((t) => t.trim() === '*' || strip(t) === want);
}
