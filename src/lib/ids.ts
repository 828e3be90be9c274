import { randomBytes, randomUUID } from 'node:crypto';

/** Opaque ids: random UUIDs. */
export function newId(): string {
  return randomUUID();
}

// Crockford base32 without I, L, O, U: easy to read aloud and to type from a wristband.
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function randomCode(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += CODE_ALPHABET[bytes[i]! & 31];
  return out;
}

/** Printed on a card or wristband: SGH-7K3M9Q. */
export function newResidentCode(): string {
  return `SGH-${randomCode(6)}`;
}

/** A random secret for tokens and session ids (URL-safe). */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
