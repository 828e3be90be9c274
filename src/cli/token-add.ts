import { configFromEnv } from '../server.ts';
import { databaseTarget, openDatabase } from '../db/client.ts';
import { describeDatabase } from '../db/describe.ts';
import { createToken } from '../domain/accounts/tokens.ts';
import { SYSTEM_ACTOR } from '../domain/actor.ts';
import { DomainError } from '../domain/errors.ts';
import { translate } from '../i18n/index.ts';
import { parseArgs, fail } from './args.ts';

// npm run token:add -- --name N --role R [--facility CODE] [--wilayah CODE] [--account USERNAME]
const usage = 'usage: npm run token:add -- --name N --role R [--facility CODE] [--wilayah CODE] [--account USERNAME (a pendamping token: works on that account\'s cases)]';
const { flags } = parseArgs(process.argv.slice(2), { usage, options: ['name', 'role', 'facility', 'wilayah', 'account'] });
if (!flags.name || !flags.role) fail(usage);
const config = configFromEnv();
const db = await openDatabase(databaseTarget(config));
try {
  const created = await createToken({
    db,
    actor: { ...SYSTEM_ACTOR, label: 'cli', lang: 'en' },
    input: { name: flags.name, role: flags.role, facility: flags.facility, wilayah: flags.wilayah, account: flags.account },
  });
  process.stdout.write(`Created ${created.role} token "${created.name}" in ${describeDatabase(config)}. It is stored only as a hash; copy it now:\n${created.token}\n`);
} catch (err) {
  if (err instanceof DomainError) {
    fail(err.fieldErrors.map((e) => `${e.path}: ${translate('en', e.message, e.params)}`).join('\n') || translate('en', err.messageKey));
  }
  throw err;
} finally {
  await db.$engine.close();
}
