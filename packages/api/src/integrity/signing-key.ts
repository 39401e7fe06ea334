/**
 * The key that signs the seal chain. It lives outside the database, so that someone who can
 * write the database cannot re-sign what they changed: AUDIT_SIGNING_KEY, or a key file
 * under DATA_DIR made on first start (mode 0600). Its private half is never logged nor
 * served; the public half is (integrity.publicKey), so a verifier needs nothing else.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  type KeyObject,
} from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { keyIdOf } from '@audit/db/integrity';

export interface SigningKey {
  /** First 16 hex digits of SHA-256 of the raw public key; every statement names it. */
  readonly keyId: string;
  readonly publicKey: KeyObject;
  /** The public key as SPKI PEM, what `audit-verify --key` and verifyArchive take. */
  readonly publicKeyPem: string;
  /** Base64 Ed25519 signature of the text's UTF-8 bytes. */
  sign(text: string): string;
}

export const SIGNING_KEY_FILE = 'signing-key.pem';

function fromPrivateKey(privateKey: KeyObject): SigningKey {
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new TypeError('the signing key must be an Ed25519 key');
  }
  const publicKey = createPublicKey(privateKey);
  return {
    keyId: keyIdOf(publicKey),
    publicKey,
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    sign: (text) => sign(null, Buffer.from(text, 'utf8'), privateKey).toString('base64'),
  };
}

/** A key from PKCS#8 PEM text or the base64 of a 32-byte seed; throws saying which it is not. */
export function signingKeyFrom(text: string): SigningKey {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) return fromPrivateKey(createPrivateKey(trimmed));
  const seed = Buffer.from(trimmed, 'base64');
  if (seed.length !== 32) {
    throw new TypeError(
      'must be a PKCS#8 PEM Ed25519 private key or the base64 of its 32-byte seed',
    );
  }
  // PKCS#8 for Ed25519 is a fixed 16-byte prefix and the seed (RFC 8410).
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  return fromPrivateKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
}

/** A new random key (tests; the first start writes one to its file). */
export function generateSigningKey(): SigningKey {
  return fromPrivateKey(generateKeyPairSync('ed25519').privateKey);
}

/**
 * The configured key, or the one in DATA_DIR's key file, made there if there is none.
 * Several processes starting at once agree: the file is created exclusively, and a process
 * that loses the race reads the winner's.
 */
export async function loadSigningKey(options: {
  configured: string | undefined;
  dataDir: string;
}): Promise<SigningKey> {
  if (options.configured !== undefined) return signingKeyFrom(options.configured);
  const file = join(options.dataDir, SIGNING_KEY_FILE);
  try {
    return signingKeyFrom(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  await mkdir(dirname(file), { recursive: true });
  // Written whole under a name of its own, then linked into place: link() fails if the file
  // exists, so a reader never sees half a key and only one key ever wins.
  const draft = `${file}.${process.pid}.${Date.now()}`;
  await writeFile(draft, pem, { mode: 0o600 });
  try {
    await link(draft, file);
    return fromPrivateKey(privateKey);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return signingKeyFrom(await readFile(file, 'utf8'));
  } finally {
    await unlink(draft);
  }
}
