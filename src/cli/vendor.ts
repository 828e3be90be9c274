import { copyFileSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from './args.ts';

/** The browser files Singgah serves, copied from the installed packages (pinned by package-lock). */
export const VENDORED: { from: string; to: string }[] = [
  { from: 'node_modules/htmx.org/dist/htmx.min.js', to: 'static/vendor/htmx.min.js' },
  { from: 'node_modules/htmx.org/dist/ext/hx-ws.min.js', to: 'static/vendor/hx-ws.min.js' },
];

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
if (import.meta.url === `file://${process.argv[1]}`) {
  parseArgs(process.argv.slice(2), { usage: 'usage: npm run vendor' });
  for (const f of VENDORED) {
    copyFileSync(resolve(root, f.from), resolve(root, f.to));
    process.stdout.write(`${f.from} → ${f.to}\n`);
  }
}
