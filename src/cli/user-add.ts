import { configFromEnv } from '../server.ts';
import { databaseTarget, openDatabase } from '../db/client.ts';
import { describeDatabase } from '../db/describe.ts';
import { createUser } from '../domain/accounts/users.ts';
import { SYSTEM_ACTOR } from '../domain/actor.ts';
import { DomainError } from '../domain/errors.ts';
import { translate } from '../i18n/index.ts';
import { parseArgs, fail } from './args.ts';

// npm run user:add -- --username U --role R [--facility CODE] [--wilayah CODE] [--cluster C] [--name "Full name"] [--nip N]
const usage = 'usage: npm run user:add -- --username U --role R [--facility CODE] [--wilayah CODE] [--cluster C] [--name NAME] [--nip NIP]';
const { flags } = parseArgs(process.argv.slice(2), { usage, options: ['username', 'role', 'facility', 'wilayah', 'cluster', 'name', 'nip'] });
if (!flags.username || !flags.role) fail(usage);
const config = configFromEnv();
const db = await openDatabase(databaseTarget(config));
try {
  const created = await createUser({
    db,
    actor: { ...SYSTEM_ACTOR, label: 'cli', lang: 'en' },
    input: { username: flags.username, role: flags.role, facility: flags.facility, wilayah: flags.wilayah, cluster: flags.cluster, display_name: flags.name, staff_number: flags.nip },
  });
  process.stdout.write(`Created ${created.role} account "${created.username}" in ${describeDatabase(config)}.\nOne-time password (shown once): ${created.password}\n`);
} catch (err) {
  if (err instanceof DomainError) {
    fail(err.fieldErrors.map((e) => `${e.path}: ${translate('en', e.message, e.params)}`).join('\n') || translate('en', err.messageKey));
  }
  throw err;
} finally {
  await db.$engine.close();
}
