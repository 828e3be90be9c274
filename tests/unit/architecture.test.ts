import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * One door to the data (issue 17): routes hold no SQL. A route asks the
 * domain a named question (src/domain/<area>/…) and renders the answer; the
 * query, written once in drizzle's SQLite dialect and portable to
 * PostgreSQL, lives beside the other queries of its area, where the rule it
 * encodes is found and reused. Nothing is allow-listed.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ROUTES = join(root, 'src/routes');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(path);
    return e.isFile() && e.name.endsWith('.ts') ? [path] : [];
  });
}

/** What SQL in a route looks like; each pattern names what it catches. */
const FORBIDDEN: { what: string; pattern: RegExp }[] = [
  // drizzle itself (operators, sql, dialect helpers), by static import, re-export or dynamic import.
  { what: "an import from 'drizzle-orm'", pattern: /\bfrom\s*['"]drizzle-orm(?:\/[^'"]*)?['"]/ },
  { what: "a dynamic import of 'drizzle-orm'", pattern: /\bimport\s*\(\s*['"]drizzle-orm(?:\/[^'"]*)?['"]\s*\)/ },
  // Raw SQL: the tagged template and its escape hatches.
  { what: 'a sql`…` template', pattern: /\bsql\s*(?:<[^>]*>)?\s*`/ },
  { what: 'sql.raw / sql.join', pattern: /\bsql\s*\.\s*(?:raw|join|identifier|placeholder|empty)\s*\(/ },
  // A query built or run on a database handle (app.db, request.server.db, ctx.app.db, a tx in write()).
  {
    what: 'a query on a database handle (db./tx. select, insert, update, delete, get, all, run, values, query, $count, execute)',
    pattern: /\b(?:db|tx)\s*\.\s*(?:select|selectDistinct|insert|update|delete|get|all|run|values|query|\$count|execute|batch|with)\b/,
  },
  // The engine under the door (its reader, writer or pool).
  { what: 'the database engine ($engine.reader / .writer / .pool / .transaction)', pattern: /\$engine\s*\.\s*(?:reader|writer|writerConnection|pool|transaction)\b/ },
];

/** Comments may mention SQL (a note on why a read lives where it does). */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`])\/\/[^\n]*/g, '$1');
}

describe('architecture: routes hold no SQL', () => {
  const files = tsFiles(ROUTES);

  it('finds the route files', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('no route file imports drizzle-orm, writes sql`…` or queries a database handle', () => {
    const offences: string[] = [];
    for (const file of files) {
      const lines = withoutComments(readFileSync(file, 'utf8')).split('\n');
      const text = lines.join('\n');
      for (const { what, pattern } of FORBIDDEN) {
        const global = new RegExp(pattern.source, 'g');
        for (const m of text.matchAll(global)) {
          const line = text.slice(0, m.index).split('\n').length;
          offences.push(`${relative(root, file)}:${line}: ${what}: ${lines[line - 1]!.trim()}`);
        }
      }
    }
    expect(offences, `Move these queries into a named read or verb in src/domain/<area>/ and call it from the route:\n${offences.join('\n')}`).toEqual([]);
  });

  it('the patterns catch what they are meant to', () => {
    const caught = (src: string) => FORBIDDEN.some(({ pattern }) => pattern.test(withoutComments(src)));
    expect(caught("import { eq, sql } from 'drizzle-orm';")).toBe(true);
    expect(caught("import { alias } from 'drizzle-orm/sqlite-core';")).toBe(true);
    expect(caught('await app.db.get(sql`select 1`);')).toBe(true);
    expect(caught('await db.all<{ n: number }>(q);')).toBe(true);
    expect(caught('const rows = await app.db\n  .select()\n  .from(alerts)')).toBe(true);
    expect(caught('await request.server.db.insert(users).values(v).run();')).toBe(true);
    expect(caught("app.delete('/x', handler); seen.delete(id); app.db.$engine.closed")).toBe(false);
    expect(caught('// select 1 from sql`x` in a comment\nconst a = 1;')).toBe(false);
  });
});

/**
 * Domain areas import downwards only (issue 23): the folders of src/domain
 * form layers, so that a rule has one home and a newcomer reads an area
 * without the whole knot. The graph is built from the TypeScript imports
 * (static, re-exports and dynamic); files directly in src/domain (errors,
 * actor, access, events…) are one node, the base. Any strongly connected
 * set of two or more folders is a cycle: 0 allowed.
 */
const DOMAIN = join(root, 'src/domain');
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;

function folderOf(file: string): string {
  const parts = relative(DOMAIN, file).split('/');
  return parts.length > 1 ? parts[0]! : '(base)';
}

/** Folder → folders it imports (outside itself), with one example file pair per edge. */
function domainGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of tsFiles(DOMAIN)) {
    const from = folderOf(file);
    const edges = graph.get(from) ?? new Map<string, string>();
    graph.set(from, edges);
    for (const m of withoutComments(readFileSync(file, 'utf8')).matchAll(IMPORT)) {
      const target = resolve(dirname(file), m[1]!);
      if (!target.startsWith(`${DOMAIN}/`)) continue;
      const to = folderOf(target);
      if (to !== from && !edges.has(to)) edges.set(to, `${relative(DOMAIN, file)} → ${relative(DOMAIN, target)}`);
    }
  }
  return graph;
}

/** Strongly connected sets of two or more nodes (Tarjan). */
function cycles(graph: Map<string, Iterable<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const set: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        set.push(w);
      } while (w !== v);
      if (set.length > 1) found.push(set.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('architecture: domain folders import downwards only', () => {
  const graph = domainGraph();

  it('finds the domain folders and their imports', () => {
    expect(graph.size).toBeGreaterThan(10);
    expect(graph.get('residents')?.has('persons')).toBe(true);
  });

  it('no folder-level import cycle inside src/domain', () => {
    const knots = cycles(new Map([...graph].map(([k, v]) => [k, v.keys()])));
    const why = knots.map((set) =>
      `${set.join(' ⇄ ')}:\n${set.flatMap((a) => set.filter((b) => graph.get(a)?.has(b)).map((b) => `  ${a} → ${b} (${graph.get(a)!.get(b)})`)).join('\n')}`);
    expect(knots, `A domain folder imports upwards into a cycle. Move the rule down to the area both need (a rule about a person to src/domain/persons/), or the verb up to the area that uses both:\n${why.join('\n')}`).toEqual([]);
  });

  it('the base of the domain imports no area, and the domain imports no door', () => {
    const offences: string[] = [];
    for (const file of tsFiles(DOMAIN)) {
      for (const m of withoutComments(readFileSync(file, 'utf8')).matchAll(IMPORT)) {
        const target = resolve(dirname(file), m[1]!);
        const rel = relative(join(root, 'src'), target);
        if (/^(routes|plugins|live|views)\//.test(rel) || /^(app|server)\.ts$/.test(rel)) offences.push(`${relative(root, file)} → ${rel}`);
        if (folderOf(file) === '(base)' && target.startsWith(`${DOMAIN}/`) && folderOf(target) !== '(base)') offences.push(`${relative(root, file)} → ${relative(root, target)}`);
      }
    }
    expect(offences).toEqual([]);
  });

  it('the cycle finder finds what it is meant to', () => {
    const g = (edges: Record<string, string[]>) => new Map(Object.entries(edges));
    expect(cycles(g({ a: ['b'], b: ['c'], c: [] }))).toEqual([]);
    expect(cycles(g({ residents: ['handoffs'], handoffs: ['residents'], persons: [] }))).toEqual([['handoffs', 'residents']]);
    expect(cycles(g({ a: ['b'], b: ['c'], c: ['a'], d: ['a'] }))).toEqual([['a', 'b', 'c']]);
    const imports = (src: string) => [...withoutComments(src).matchAll(IMPORT)].map((m) => m[1]);
    expect(imports("import { x } from '../persons/age.ts';\nexport { y } from './y.ts';\nconst z = await import('../stays/place.ts');\nimport '../side.ts';"))
      .toEqual(['../persons/age.ts', './y.ts', '../stays/place.ts', '../side.ts']);
    expect(imports("// import { x } from '../residents/register.ts';\nimport { a } from 'drizzle-orm';")).toEqual([]);
  });
});

/**
 * Routes ask, never decide (issue 23): a rule the domain owns is named in a
 * route only by asking the domain's function. These are the rules that were
 * found decided in routes or written twice; each pattern names one.
 */
const RULES: { what: string; pattern: RegExp }[] = [
  { what: 'a NIK warning code (which warnings may be overridden is persons/nik.ts: w.overridable, isOverridableNikWarning)', pattern: /['"`]nik\.(?:birth_date_mismatch|sex_mismatch|unknown_province|unknown_kabkota|length|digits|date|serial)['"`]/ },
  { what: 'the list of blocking NIK warnings or a NIK check (persons/nik.ts)', pattern: /\b(?:BLOCKING_NIK_WARNINGS|checkNik|nikWarningState)\b/ },
  { what: 'an override-reason rule (persons/nik.ts nikOverrideFromForm)', pattern: /['"`]residents\.override_reason_required['"`]/ },
  { what: 'cluster derivation or "override, else derived" (persons/cluster.ts; read the cluster from the verb\'s answer)', pattern: /\b(?:CLUSTER_RULES|derivedCluster|derivedClusterWithReason|effectiveCluster|clusterFactsOf|clusterFactsOfRow|clusterWithReason)\b/ },
  { what: 'needs derived from an age (persons/age.ts ageFromTyped, or the verb\'s answer)', pattern: /\bageNeeds\s*\(/ },
  { what: 'a placement rule: which unit admits a group (placement/choose-unit.ts through a domain read: checkInOptions, transferOptions)', pattern: /\b(?:admitsGroup|unitAdmits|unitRefusal|groupProfile|chooseUnit|referralUnitFits)\b/ },
  { what: 'wilayah code normalisation (reference/wilayah.ts)', pattern: /\bnormaliseWilayahCode\b/ },
  { what: 'masking a protected facility by hand (facilityLabel / scopeLabel, canSeeFacility in the domain)', pattern: /\.protected\s*(?:&&|\?(?![?.]))/ },
  { what: 'who may work a case (cases/scope.ts canWorkCase, canChangeCase, canAssign, canCompleteFollowUp; a list row carries may_change)', pattern: /\bhasRole\s*\([^)]*\bCASE_[A-Z]+_ROLES\b|\b(?:isOwnCase|caseOwnerOf|worksCaseOf|ownsFollowUpOf)\s*\(|\brole\s*[!=]==?\s*['"`]pendamping['"`]/ },
];

describe('architecture: routes ask the domain, never decide its rules', () => {
  const files = tsFiles(ROUTES);

  it('no route file decides a rule the domain owns', () => {
    const offences: string[] = [];
    for (const file of files) {
      const text = withoutComments(readFileSync(file, 'utf8'));
      const lines = text.split('\n');
      for (const { what, pattern } of RULES) {
        for (const m of text.matchAll(new RegExp(pattern.source, 'g'))) {
          const line = text.slice(0, m.index).split('\n').length;
          offences.push(`${relative(root, file)}:${line}: ${what}: ${lines[line - 1]!.trim()}`);
        }
      }
    }
    expect(offences, `Ask the domain instead (src/domain/persons/ for a person's rules):\n${offences.join('\n')}`).toEqual([]);
  });

  it('the patterns catch what they are meant to', () => {
    const caught = (src: string) => RULES.some(({ pattern }) => pattern.test(withoutComments(src)));
    // What the routes held before the kernel (issue 23).
    expect(caught("overridable: w.code === 'nik.birth_date_mismatch' || w.code === 'nik.sex_mismatch',")).toBe(true);
    expect(caught("if (keep && !reason) fieldErrors.push({ path, message: 'residents.override_reason_required' });")).toBe(true);
    expect(caught('cluster: derivedClusterWithReason({ ...d.person, age: d.age }),')).toBe(true);
    expect(caught('const refusal = group.length > 0 ? unitRefusal(u, profile) : null;')).toBe(true);
    expect(caught("return f.protected && published ? t('reports.protected_facility') : f.name;")).toBe(true);
    expect(caught('return { age, needs: ageNeeds(age) };')).toBe(true);
    // What the case pages held before canWorkCase (issue 26 follow-up).
    expect(caught("const mayWork = hasRole(actor, CASE_CHANGE_ROLES) && (actor.role !== 'pendamping' || isOwnCase(actor, c.pendamping?.id));")).toBe(true);
    expect(caught('const mayChange = hasRole(request.actor!, CASE_CHANGE_ROLES);')).toBe(true);
    expect(caught('mayChange: hasRole(actor, CASE_CHANGE_ROLES),')).toBe(true);
    expect(caught('ownerId: caseOwnerOf(actor),')).toBe(true);
    // Asking is fine, and so is a form's field named protected.
    expect(caught("overridable: w.overridable, protected: body.protected ?? false, p: facility.protected,")).toBe(false);
    expect(caught("const o = nikOverrideFromForm(keep, reason, 'nik_override_reason'); // not 'nik.sex_mismatch'")).toBe(false);
    expect(caught("const mayWork = await canWorkCase(db, actor, personId); app.post('/x', { config: { access: CASE_CHANGE_ROLES } }, h);")).toBe(false);
  });
});

describe('children of tests and benchmarks', () => {
  it('never get the whole of process.env (an operator shell would hand them its DATABASE_URL)', () => {
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (e.name === 'fixtures' ? [] : walk(join(dir, e.name))) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
    const found = [...walk(join(root, 'tests')), ...walk(join(root, 'bench'))]
      .filter((f) => !f.endsWith('architecture.test.ts'))
      .flatMap((f) => readFileSync(f, 'utf8').split('\n').flatMap((line, i) => (/\.\.\.process\.env\b/.test(line) ? [`${relative(root, f)}:${i + 1}`] : [])));
    expect(found).toEqual([]);
  });
});
