import { createToken } from '../domain/accounts/tokens.ts';
import { parseArgs, fail } from './args.ts';
import { runDomainCommand } from './run-domain.ts';

// npm run token:add -- --name N --role R [--facility CODE] [--wilayah CODE] [--account USERNAME]
const usage = 'usage: npm run token:add -- --name N --role R [--facility CODE] [--wilayah CODE] [--account USERNAME (a pendamping token: works on that account\'s cases)]';
const { flags } = parseArgs(process.argv.slice(2), { usage, options: ['name', 'role', 'facility', 'wilayah', 'account'] });
if (!flags.name || !flags.role) fail(usage);
await runDomainCommand(async ({ db, actor, where }) => {
  const created = await createToken({
    db,
    actor,
    input: { name: flags.name, role: flags.role, facility: flags.facility, wilayah: flags.wilayah, account: flags.account },
  });
  process.stdout.write(`Created ${created.role} token "${created.name}" in ${where}. It is stored only as a hash; copy it now:\n${created.token}\n`);
});
