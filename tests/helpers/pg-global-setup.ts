import pg from 'pg';
import { PG_ADMIN_URL, postgresReachable } from './pg.ts';

/** The PostgreSQL project needs a server: without one it fails at once, saying where it looked. */
export default async function setup(): Promise<() => Promise<void>> {
  if (!(await postgresReachable())) {
    throw new Error(
      `PostgreSQL is not reachable at ${PG_ADMIN_URL.replace(/\/\/[^@]*@/, '//…@')}: the suite runs on both engines ` +
        '(set TEST_DATABASE_URL, or start the server: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start).',
    );
  }
  return dropOrphanTemplates;
}

/**
 * Each test process makes one template database named after its pid and drops it at
 * exit; vitest ends its workers without that exit event, so templates piled up on the
 * server. At the end of the run, drop every template whose process is gone. Only on a
 * server of this machine, where a pid means something; another run's live workers keep theirs.
 */
async function dropOrphanTemplates(): Promise<void> {
  const host = new URL(PG_ADMIN_URL).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]', ''].includes(host)) return;
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    const { rows } = await c.query<{ datname: string }>("select datname from pg_database where datname like 'singgah\\_tpl\\_%'");
    for (const { datname } of rows) {
      const pid = Number(/^singgah_tpl_(\d+)_/.exec(datname)?.[1]);
      if (!Number.isInteger(pid) || alive(pid)) continue;
      await c.query(`drop database if exists "${datname}" with (force)`).catch(() => undefined);
    }
  } finally {
    await c.end();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
