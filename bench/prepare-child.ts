import { prepareDatabase, type Scale } from './data.ts';

/**
 * `node --import tsx bench/prepare-child.ts TARGET JSON`: prepareDatabase in a
 * process of its own, its answer as JSON on stdout, so the PostgreSQL bench can
 * build the SQLite database while PostgreSQL builds its own.
 */
const [target, json] = process.argv.slice(2);
const opts = JSON.parse(json!) as { scale: Scale; checkIns: number; liveCheckIns: number; liveClients: number };
process.stdout.write(JSON.stringify(await prepareDatabase(target!, opts)));
