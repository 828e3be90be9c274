/**
 * `npm run db:migrate`: applies the committed migrations to the configured
 * database (DATABASE_URL, else DATABASE_PATH) and exits. The deploy step for
 * PostgreSQL, run once before the instances start; SQLite also migrates itself
 * at start.
 */
import { configFromEnv } from '../server.ts';
import { databaseTarget, openDatabase } from '../db/client.ts';
import { describeDatabase } from '../db/describe.ts';
import { parseArgs } from './args.ts';

parseArgs(process.argv.slice(2), { usage: 'usage: npm run db:migrate (the database from DATABASE_URL, else DATABASE_PATH)' });

const config = configFromEnv();
const target = databaseTarget(config);
const started = Date.now();
const db = await openDatabase(target, { migrate: true });
await db.$engine.close();
process.stdout.write(`${describeDatabase(config)} migrated in ${Date.now() - started} ms.\n`);
