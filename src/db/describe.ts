import { resolve } from 'node:path';
import { databaseTarget } from './client.ts';

/**
 * The configured database, said so that an operator sees at once which one a
 * command changed: the SQLite file's absolute path, or PostgreSQL's database
 * name, host and port. Built from those parts alone, so a user name or a
 * password in DATABASE_URL is never printed.
 */
export function describeDatabase(config: { DATABASE_URL?: string | undefined; DATABASE_PATH: string }): string {
  const target = databaseTarget(config);
  if (target === config.DATABASE_PATH) {
    return target === ':memory:' ? 'SQLite in memory (nothing is kept)' : `SQLite file ${resolve(target)}`;
  }
  let url: URL;
  try {
    // The user and password are dropped before anything else (libpq also allows `user@/db?host=/socket/dir`, no host).
    url = new URL(target.replace(/^(postgres(?:ql)?:\/\/)[^/]*@/, '$1'));
  } catch {
    return 'PostgreSQL (DATABASE_URL is not a URL this command can read)';
  }
  // libpq's ?host= (a socket directory, say) and ?port= override the authority, as node-postgres reads them.
  const host = url.searchParams.get('host') || decodeURIComponent(url.hostname) || 'localhost';
  const port = url.searchParams.get('port') || url.port || '5432';
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  return `PostgreSQL database ${name ? `"${name}"` : '(the server\'s default)'} on ${host}:${port}`;
}
