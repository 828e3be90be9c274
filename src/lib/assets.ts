import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder served at /static/. */
export const STATIC_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../static');

let hashes: Map<string, string> | null = null;

/** A short hash of every file under static/, by its URL path ("/static/js/app.js"), read once. */
export function assetHashes(): Map<string, string> {
  if (hashes) return hashes;
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.set(`/static/${relative(STATIC_ROOT, full).split('\\').join('/')}`, createHash('sha256').update(readFileSync(full)).digest('hex').slice(0, 10));
    }
  };
  walk(STATIC_ROOT);
  hashes = out;
  return out;
}

/**
 * A static file's URL with its content's hash ("/static/js/app.js?v=3f2a…"):
 * the browser may keep it a year, since a changed file has another URL.
 */
export function assetUrl(path: string): string {
  const h = assetHashes().get(path);
  return h ? `${path}?v=${h}` : path;
}
