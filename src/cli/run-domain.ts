import { configFromEnv } from '../server.ts';
import { databaseTarget, openDatabase, type Db } from '../db/client.ts';
import { describeDatabase } from '../db/describe.ts';
import { SYSTEM_ACTOR, type Actor } from '../domain/actor.ts';
import { DomainError } from '../domain/errors.ts';
import { translate } from '../i18n/index.ts';
import { fail } from './args.ts';

/**
 * A command that asks the domain once, as the CLI: opens the configured
 * database, runs `work` with the CLI's actor and the database's description
 * (for the command's line), and closes it. A refusal (DomainError) ends the
 * command with its messages in English on stderr and exit code 2.
 */
export async function runDomainCommand(work: (ctx: { db: Db; actor: Actor; where: string }) => Promise<void>): Promise<void> {
  const config = configFromEnv();
  const db = await openDatabase(databaseTarget(config));
  try {
    await work({ db, actor: { ...SYSTEM_ACTOR, label: 'cli', lang: 'en' }, where: describeDatabase(config) });
  } catch (err) {
    if (err instanceof DomainError) {
      fail(err.fieldErrors.map((e) => `${e.path}: ${translate('en', e.message, e.params)}`).join('\n') || translate('en', err.messageKey));
    }
    throw err;
  } finally {
    await db.$engine.close();
  }
}
