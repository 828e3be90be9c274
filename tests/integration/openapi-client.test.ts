import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import openapiTS from 'openapi-typescript';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { openTestDatabase, testConfig } from '../helpers/app.ts';
import { childEnv } from '../helpers/child-process.ts';

/*
 * What an integrator does: generate TypeScript types from the live document with openapi-typescript
 * and compile a program against them, strictly and with every library file checked (no
 * skipLibCheck). The program uses the main calls; the lines marked @ts-expect-error must be refused,
 * so the types are not `any` in disguise.
 */

const run = promisify(execFile);
const TSC = new URL('../../node_modules/.bin/tsc', import.meta.url).pathname;

const PROGRAM = `import type { paths } from './api';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type IntakeBody = Json<paths['/residents']['post']['requestBody']>;
type Intake = Json<paths['/residents']['post']['responses'][201]>;
type CheckIn = Json<paths['/stays']['post']['responses'][201]>;
type Occupancy = Json<paths['/occupancy']['get']['responses'][200]>;
type Routing = Json<paths['/routing']['get']['responses'][200]>;
type RoutingQuery = paths['/routing']['get']['parameters']['query'];

export const intake: IntakeBody = { persons: [{ description: 'laki-laki, kaos merah, bertopi', sex: 'L', estimated_age: 40 }] };
export const query: RoutingQuery = { person_id: '0196f0c2-5a1e-7000-8000-000000000001' };

export function summary(a: Intake, s: CheckIn, o: Occupancy, r: Routing): string {
  const first = a.persons[0];
  const who: string = first ? (first.name ?? first.description ?? first.resident_code) : '';
  const free: number = o.total.free;
  const where = r.destinations.map((d) => \`\${d.facility.name}: \${d.unit.free}\`).join(', ');
  return \`\${who} in \${s.unit_name}; \${free} free; \${where}; \${r.passed_over.length} passed over\`;
}

// @ts-expect-error sex is one of L and P
export const badSex: IntakeBody = { persons: [{ name: 'X', sex: 'X' }] };
// @ts-expect-error a person's name may be null
export const nameOf = (a: Intake): string => a.persons[0]!.name;
// @ts-expect-error person_id is required
export const noPerson: RoutingQuery = {};
`;

let app: FastifyInstance;
let dir: string;
beforeAll(async () => {
  app = await buildApp(testConfig(), { db: await openTestDatabase(), logger: false });
  await app.ready();
  dir = mkdtempSync(join(tmpdir(), 'singgah-client-'));
});
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a typed client generated from GET /api/v1/openapi.json', () => {
  it('compiles with tsc --strict and no skipLibCheck, and refuses what the API refuses', { timeout: 60_000 }, async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const types = await openapiTS(res.json() as Parameters<typeof openapiTS>[0]);
    expect(types).toContain("'/residents'".replaceAll("'", '"'));
    writeFileSync(join(dir, 'api.d.ts'), types);
    writeFileSync(join(dir, 'client.ts'), PROGRAM);
    const args = ['--strict', '--noEmit', '--target', 'es2022', '--module', 'nodenext', '--types', '', '--noUnusedLocals', join(dir, 'client.ts')];
    const compiled = await run(TSC, args, { cwd: dir, timeout: 50_000, env: childEnv() }).then(
      () => '',
      (e: { stdout?: string; message: string }) => e.stdout || e.message,
    );
    expect(compiled).toBe('');
    // The same program with an expected error removed fails: the check can fail.
    writeFileSync(join(dir, 'client.ts'), PROGRAM.replace('// @ts-expect-error sex is one of L and P\n', ''));
    const broken = await run(TSC, args, { cwd: dir, timeout: 50_000, env: childEnv() }).then(
      () => '',
      (e: { stdout?: string }) => e.stdout ?? '',
    );
    expect(broken).toMatch(/client\.ts\(\d+,\d+\): error TS2322/);
  });
});
