import { PG_ADMIN_URL, postgresReachable } from './pg.ts';

/** The PostgreSQL project needs a server: without one it fails at once, saying where it looked. */
export default async function setup(): Promise<void> {
  if (!(await postgresReachable())) {
    throw new Error(
      `PostgreSQL is not reachable at ${PG_ADMIN_URL.replace(/\/\/[^@]*@/, '//…@')}: the suite runs on both engines ` +
        '(set TEST_DATABASE_URL, or start the server: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start).',
    );
  }
}
