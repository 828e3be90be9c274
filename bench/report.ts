import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { markdownTable, round, type Figure } from './lib.ts';
import type { LoadSettings } from './load.ts';
import type { Prepared, Scale } from './data.ts';

export interface RunInfo {
  scale: Scale;
  counts: Prepared['counts'];
  seedMs: number;
  load: LoadSettings;
  quick: boolean;
  liveEvents: number;
  checkIns: number;
  /** 1-minute load average when the run began: other work on the machine weighs on every figure. */
  loadAtStart: number;
}

const BEGIN = '<!-- bench:last-run (written by npm run bench; edit outside these markers) -->';
const END = '<!-- /bench:last-run -->';

/**
 * bench/README.md: the last run's table and the machine it ran on, between
 * markers; what is written around them by hand (what limits each figure,
 * from profiles) is kept from run to run.
 */
export function writeReadme(path: string, figures: readonly Figure[], info: RunInfo): void {
  const c = info.counts;
  const block = [
    BEGIN,
    `Last run: ${new Date().toISOString()}${info.quick ? ' (`--quick`: a smoke run, not figures to quote)' : ''}.`,
    '',
    `Machine: ${availableParallelism()} cores (\`nproc\`), ${cpus()[0]?.model ?? 'unknown CPU'}, ${round(totalmem() / 1024 ** 3)} GiB, Node ${process.version}, ${process.platform}/${process.arch}.`,
    `Database: the \`${info.scale}\` demo (${c.facilities} facilities, ${c.units} units, ${c.persons} persons, ${c.households} households, ${c.stays} stays of which ${c.open_stays} open), built in ${round(info.seedMs / 1000)} s on /dev/shm.`,
    `autocannon, the \`ws\` clients and the server under test share these ${availableParallelism()} cores (so does the ceiling). Load average (1 min): ${round(info.loadAtStart)} at the start, ${round(loadavg()[0]!)} at the end.`,
    `Load: autocannon, ${info.load.connections} connections, warm-up ${info.load.warmupS} s, then the median of ${info.load.rounds} × ${info.load.roundS} s; ${info.checkIns} people ready to check in; live: ${info.liveEvents} events after 3 of warm-up.`,
    '',
    markdownTable(figures),
    END,
  ].join('\n');
  const old = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const i = old.indexOf(BEGIN);
  const j = old.indexOf(END);
  const text = i >= 0 && j > i ? old.slice(0, i) + block + old.slice(j + END.length) : `# Benchmarks\n\n${block}\n`;
  writeFileSync(path, text);
}
