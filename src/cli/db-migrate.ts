/**
 * `npm run db:migrate`: applies the committed migrations to the configured
 * database (DATABASE_URL, else DATABASE_PATH) and exits. The deploy step for
 * PostgreSQL, run once before the instances start; SQLite also migrates itself
 * at start.
 */
import { configFromEnv } from '../server.ts';
import { databaseTarget, openDatabase, type Db } from '../db/client.ts';
import { MigrationRefusal } from '../db/migrations.ts';
import { describeDatabase } from '../db/describe.ts';
import { parseArgs } from './args.ts';

parseArgs(process.argv.slice(2), { usage: 'usage: npm run db:migrate (the database from DATABASE_URL, else DATABASE_PATH)' });

const config = configFromEnv();
const target = databaseTarget(config);
const started = Date.now();
let db: Db;
try {
  db = await openDatabase(target, { migrate: true });
} catch (err) {
  // An edited or unknown applied migration: one line, nothing migrated.
  if (!(err instanceof MigrationRefusal)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
await db.$engine.close();
process.stdout.write(`${describeDatabase(config)} migrated in ${Date.now() - started} ms.\n`);
