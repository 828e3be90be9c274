import { createUser } from '../domain/accounts/users.ts';
import { parseArgs, fail } from './args.ts';
import { runDomainCommand } from './run-domain.ts';

// npm run user:add -- --username U --role R [--facility CODE] [--wilayah CODE] [--cluster C] [--name "Full name"] [--nip N]
const usage = 'usage: npm run user:add -- --username U --role R [--facility CODE] [--wilayah CODE] [--cluster C] [--name NAME] [--nip NIP]';
const { flags } = parseArgs(process.argv.slice(2), { usage, options: ['username', 'role', 'facility', 'wilayah', 'cluster', 'name', 'nip'] });
if (!flags.username || !flags.role) fail(usage);
await runDomainCommand(async ({ db, actor, where }) => {
  const created = await createUser({
    db,
    actor,
    input: { username: flags.username, role: flags.role, facility: flags.facility, wilayah: flags.wilayah, cluster: flags.cluster, display_name: flags.name, staff_number: flags.nip },
  });
  process.stdout.write(`Created ${created.role} account "${created.username}" in ${where}.\nOne-time password (shown once): ${created.password}\n`);
});
