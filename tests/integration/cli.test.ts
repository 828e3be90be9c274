import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../../src/db/client.ts';
import { makeFacility } from '../helpers/factories.ts';
import { resolveToken } from '../../src/domain/accounts/tokens.ts';
import { runCli as cli } from '../helpers/child-process.ts';
import { describeDatabase } from '../../src/db/describe.ts';

// Each case starts several node processes: a loaded machine can take well over the default 30 s.
describe('operator commands', { timeout: 120_000 }, () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'singgah-cli-'));
    env = { DATABASE_PATH: join(dir, 'singgah.db'), LOG_LEVEL: 'silent' };
    const db = await openDatabase(env.DATABASE_PATH!);
    await makeFacility(db, { code: 'TPS-CLI-01' });
    await db.$engine.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('user:add adds an account bound to a facility and prints a one-time password', () => {
    const r = cli('user-add', ['--username', 'sari', '--role', 'intake', '--facility', 'TPS-CLI-01', '--name', 'Sari Dewi'], env);
    expect(r.code).toBe(0);
    // It names the database it changed, so a shell pointed elsewhere shows at once.
    expect(r.out).toContain(`Created intake account "sari" in SQLite file ${env.DATABASE_PATH}.\n`);
    expect(r.out).toMatch(/One-time password \(shown once\): [a-z0-9]{4}-/);
    const bad = cli('user-add', ['--username', 'budi', '--role', 'intake'], env);
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('facility: This role must be bound to one facility.');
    const dup = cli('user-add', ['--username', 'sari', '--role', 'command'], env);
    expect(dup.code).toBe(2);
    expect(dup.out).toContain('username: That username is taken.');
  });

  it('refuses an unknown option, an option without its value, or an extra argument: one line, exit code 2, nothing added', () => {
    const unknown = cli('user-add', ['--username', 'ani', '--role', 'command', '--facilty', 'TPS-CLI-01'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.out).toBe('Unknown option --facilty. usage: npm run user:add -- --username U --role R [--facility CODE] [--wilayah CODE] [--cluster C] [--name NAME] [--nip NIP]\n');
    const missing = cli('token-add', ['--name', 'x', '--role'], env);
    expect(missing.code).toBe(2);
    expect(missing.out).toMatch(/^Option --role needs a value\b[^\n]*\n$/);
    const swallowed = cli('user-add', ['--username', '--role', 'command'], env);
    expect(swallowed.code).toBe(2);
    expect(swallowed.out).toMatch(/^Option --username needs a value\b[^\n]*\n$/);
    const extra = cli('backup', [join(dir, 'a.db'), join(dir, 'b.db')], env);
    expect(extra.code).toBe(2);
    expect(extra.out).toMatch(/^Unexpected argument '.*b\.db'\. usage: npm run db:backup -- FILE\n$/);
    expect(cli('demo', ['--scael', 'pwtc'], { ...env, DATABASE_PATH: join(dir, 'demo.db') }).code).toBe(2);
    expect(existsSync(join(dir, 'demo.db'))).toBe(false);
    const db = new Database(env.DATABASE_PATH!, { readonly: true });
    expect(db.prepare('select count(*) as n from users where username = ?').get('ani')).toEqual({ n: 0 });
    db.close();
  });

  it('user:add takes --name=value as well as --name value', () => {
    const r = cli('user-add', ['--username=rudi', '--role=command', '--name=Rudi Hartono', '--nip', '19850101'], env);
    expect(r.code).toBe(0);
    const db = new Database(env.DATABASE_PATH!, { readonly: true });
    expect(db.prepare('select role, display_name, staff_number from users where username = ?').get('rudi')).toEqual({ role: 'command', display_name: 'Rudi Hartono', staff_number: '19850101' });
    db.close();
  });

  it('user:add adds a pendamping with a cluster, bound to a wilayah or a facility', () => {
    const r = cli('user-add', ['--username', 'wati', '--role', 'pendamping', '--wilayah', '31.71', '--cluster', 'lansia'], env);
    expect(r.code).toBe(0);
    const db = new Database(env.DATABASE_PATH!, { readonly: true });
    expect(db.prepare('select role, cluster, wilayah_code from users where username = ?').get('wati')).toEqual({ role: 'pendamping', cluster: 'lansia', wilayah_code: '31.71' });
    db.close();
    const noCluster = cli('user-add', ['--username', 'wati2', '--role', 'pendamping', '--facility', 'TPS-CLI-01'], env);
    expect(noCluster.code).toBe(2);
    expect(noCluster.out).toContain('cluster: A pendamping needs a cluster.');
    const unbound = cli('user-add', ['--username', 'wati3', '--role', 'pendamping', '--cluster', 'anak'], env);
    expect(unbound.code).toBe(2);
    expect(unbound.out).toContain('A pendamping must be bound to one facility or one wilayah.');
  });

  it('token:add prints a token once and stores only its hash', async () => {
    const r = cli('token-add', ['--name', 'Satpol PP Jakpus', '--role', 'satpol', '--wilayah', '31.71'], env);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Created satpol token "Satpol PP Jakpus" in SQLite file ${env.DATABASE_PATH}. It is stored only as a hash`);
    const token = /\n(sgh_\S+)\n/.exec(r.out)![1]!;
    const raw = new Database(env.DATABASE_PATH!, { readonly: true });
    const rows = raw.prepare('select token_hash, wilayah_code from api_tokens').all() as { token_hash: string; wilayah_code: string }[];
    raw.close();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).not.toContain(token);
    expect(rows[0]!.wilayah_code).toBe('31.71');
    const db = await openDatabase(env.DATABASE_PATH!);
    expect((await resolveToken(db, token))?.role).toBe('satpol');
    await db.$engine.close();
    expect(cli('token-add', ['--name', 'x', '--role', 'satpol', '--wilayah', '99.99'], env).out).toContain('Unknown area code');
  });

  it('db:backup writes a consistent copy and never overwrites', () => {
    const target = join(dir, 'backup.db');
    const r = cli('backup', [target], env);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^Backup of SQLite file ${env.DATABASE_PATH} written to ${target} in \\d+ ms \\(integrity ok\\)\\.\\n$`));
    const copy = new Database(target, { readonly: true });
    expect((copy.prepare("select count(*) as n from users where username = 'sari'").get() as { n: number }).n).toBe(1);
    copy.close();
    const again = cli('backup', [target], env);
    expect(again.code).toBe(2);
    expect(again.out).toContain('exists');
    expect(cli('backup', [], env).out).toContain('usage: npm run db:backup -- FILE');
    expect(existsSync(target)).toBe(true);
  });

  it('db:migrate names the database it migrated', () => {
    const r = cli('db-migrate', [], env);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^SQLite file ${env.DATABASE_PATH} migrated in \\d+ ms\\.\\n$`));
  });

  it('db:backup with DATABASE_URL backs up PostgreSQL (pg_dump), names that database, never its password, and leaves no file when it fails', () => {
    const target = join(dir, 'pg.dump');
    // Port 1 on loopback: nothing listens there, so pg_dump fails at once (or is missing): either way the line names the database.
    const r = cli('backup', [target], { ...env, DATABASE_URL: 'postgres://ops:s3cret-pw@127.0.0.1:1/singgah', SESSION_SECRET: 'x'.repeat(40) });
    expect(r.code).toBe(2);
    expect(r.out).toContain('Backup of PostgreSQL database "singgah" on 127.0.0.1:1 failed');
    expect(r.out).not.toContain('s3cret-pw');
    expect(existsSync(target)).toBe(false);
  });
});

describe('describeDatabase: where a command wrote, never a password', () => {
  it('says the SQLite file by its absolute path, and PostgreSQL by database, host and port', () => {
    expect(describeDatabase({ DATABASE_PATH: 'data/singgah.db' })).toBe(`SQLite file ${join(process.cwd(), 'data/singgah.db')}`);
    expect(describeDatabase({ DATABASE_PATH: ':memory:' })).toBe('SQLite in memory (nothing is kept)');
    const pg = (url: string) => describeDatabase({ DATABASE_URL: url, DATABASE_PATH: 'data/singgah.db' });
    expect(pg('postgres://singgah:p%40ss-w0rd@db.internal:6543/singgah_prod')).toBe('PostgreSQL database "singgah_prod" on db.internal:6543');
    expect(pg('postgresql://db.internal/singgah')).toBe('PostgreSQL database "singgah" on db.internal:5432');
    expect(pg('postgres://ops:secret@/singgah?host=/var/run/postgresql')).toBe('PostgreSQL database "singgah" on /var/run/postgresql:5432');
    expect(pg('postgres://ops:secret@db.internal')).toBe('PostgreSQL database (the server\'s default) on db.internal:5432');
    for (const url of ['postgres://singgah:p%40ss-w0rd@db.internal:6543/singgah_prod', 'postgres://ops:secret@/singgah?host=/var/run/postgresql']) {
      expect(pg(url)).not.toMatch(/p%40ss|p@ss|secret|ops|singgah:/);
    }
  });
});
