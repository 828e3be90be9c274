import { scrypt, randomBytes, timingSafeEqual, createHash, type ScryptOptions } from 'node:crypto';

// OWASP's equivalent scrypt settings (Password Storage Cheat Sheet) trade memory for
// parallelism: N=2^17,r=8,p=1 costs 128 MiB a hash, N=2^15,r=8,p=3 the same work in
// 32 MiB. Two checks run at once (PASSWORD_CHECKS in src/domain/accounts/login.ts), so
// memory stays at 32 MiB a hash and p=3 buys the work (three times p=1's time).
// Parameters travel in the hash (scrypt$N$r$p$salt$key): older hashes still verify,
// and a sign-in re-hashes them at these (needsRehash).
const N = 2 ** 15;
const R = 8;
const P = 3;
const KEYLEN = 32;

function scryptAsync(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, KEYLEN, { N, r: R, p: P, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, saltB64, keyB64] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(keyB64, 'base64');
  if (expected.length < 16) return false; // an empty key would match any password
  const key = await scryptAsync(password, Buffer.from(saltB64, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 256 * 1024 * 1024,
  });
  return timingSafeEqual(key, expected);
}

/** Whether a stored hash was made with other parameters than hashPassword's now (it should be made again at the next sign-in). */
export function needsRehash(stored: string): boolean {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return true;
  return Number(parts[1]) !== N || Number(parts[2]) !== R || Number(parts[3]) !== P || Buffer.from(parts[5]!, 'base64').length !== KEYLEN;
}

/** A hash to compare against when the account does not exist, so timing does not tell (at the current parameters, as every account's hash is after its next sign-in). */
export const DUMMY_HASH = `scrypt$${N}$${R}$${P}$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`;

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** A readable one-time password: four groups of four, e.g. "k7dm-2xqp-9vth-rw4c". */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(16);
  let out = '';
  for (let i = 0; i < 16; i++) {
    if (i > 0 && i % 4 === 0) out += '-';
    out += alphabet[bytes[i]! % alphabet.length];
  }
  return out;
}
