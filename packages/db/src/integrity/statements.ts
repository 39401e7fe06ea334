/**
 * The entries of the seal chain (docs/integrity.md): statements in canonical JSON (RFC 8785),
 * signed with Ed25519, each naming the SHA-256 of the statement before it. Free of database
 * code: the SDK's offline verifier checks them with the public key alone.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';

import canonicalize from 'canonicalize';

import { HASH_BYTES } from './merkle';

export const STATEMENT_VERSION = 1;

/** What `prev` holds in the first entry: there is no statement before it. */
export const GENESIS_PREV = '0'.repeat(HASH_BYTES * 2);

interface StatementBase {
  v: typeof STATEMENT_VERSION;
  /** Position in the chain, from 1, without gaps. */
  seq: number;
  /** Hex SHA-256 of the previous entry's statement text (GENESIS_PREV for seq 1). */
  prev: string;
  /** Which key signed it: see keyIdOf. */
  keyId: string;
  /** When the entry was made (ISO 8601 UTC). */
  at: string;
}

/** A checkpoint: the events whose id lies in (afterId, throughId], as they were when sealed. */
export interface CheckpointStatement extends StatementBase {
  kind: 'checkpoint';
  /** The canonical form's version the leaves were taken over (canonical.ts). */
  canonical: number;
  afterId: string;
  throughId: string;
  /** How many events (leaves) the range held. */
  count: number;
  /** Hex RFC 6962 Merkle root over the leaves in id order. */
  root: string;
  /** The earliest and latest recordedAt among them (ISO), for reading the chain by time. */
  firstRecordedAt: string | null;
  lastRecordedAt: string | null;
}

/** A purge receipt: which sealed events a purge (or retention) removed, by whom, why. */
export interface PurgeStatement extends StatementBase {
  kind: 'purge';
  /** The purge or retention job, when there was one. */
  jobId: string | null;
  by: string;
  /** The purge's cut-off and filter, as the job held them. */
  before: string | null;
  filter: Record<string, unknown>;
  /** Sealed events removed (the bits set in the covers). */
  count: number;
  /** Events removed that no checkpoint had sealed yet. */
  unsealedCount: number;
  /** How many checkpoints the covers name, and the hex SHA-256 of their lines (coverLine). */
  covers: number;
  coversHash: string;
  /** Hex SHA-256 of the archive's data file, when the removed events were archived. */
  archiveSha256: string | null;
}

export type Statement = CheckpointStatement | PurgeStatement;

/** The exact text that is signed and chained. */
export function statementText(statement: Statement): string {
  const text = canonicalize(statement);
  if (text === undefined) throw new Error('statement: nothing to serialise');
  return text;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** One cover of a purge receipt, as hashed into its `coversHash` (in checkpoint order). */
export function coverLine(
  checkpointSeq: number,
  removedCount: number,
  removed: Uint8Array,
): string {
  return `${checkpointSeq} ${removedCount} ${Buffer.from(removed).toString('base64')}\n`;
}

/** A public key from PEM (SPKI) text, or the base64 of its 32 raw bytes. */
export function publicKeyFrom(key: string | KeyObject): KeyObject {
  if (typeof key !== 'string') return key;
  const text = key.trim();
  if (text.startsWith('-----BEGIN')) return createPublicKey(text);
  const raw = Buffer.from(text, 'base64');
  if (raw.length !== 32) throw new TypeError('an Ed25519 public key is 32 bytes (base64) or PEM');
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
}

/** The key's 32 raw bytes, base64. */
export function rawPublicKey(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new TypeError('not an Ed25519 key');
  return Buffer.from(jwk.x, 'base64url').toString('base64');
}

/** A short, stable name for a public key: the first 16 hex digits of SHA-256 of its raw bytes. */
export function keyIdOf(key: KeyObject): string {
  return sha256Hex(Buffer.from(rawPublicKey(key), 'base64')).slice(0, 16);
}

/** Whether `signature` (base64) is `publicKey`'s Ed25519 signature of `text`. */
export function verifySignature(text: string, signature: string, publicKey: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(text, 'utf8'), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** The statement a text holds, or undefined when it is not one of ours. */
export function parseStatement(text: string): Statement | undefined {
  try {
    const value = JSON.parse(text) as Partial<Statement>;
    if (value.v !== STATEMENT_VERSION || (value.kind !== 'checkpoint' && value.kind !== 'purge')) {
      return undefined;
    }
    return value as Statement;
  } catch {
    return undefined;
  }
}

/** Leaves as stored with a checkpoint: per event its id (8 bytes big-endian) then its hash. */
export const LEAF_BYTES = 8 + HASH_BYTES;

export interface Leaf {
  id: bigint;
  hash: Uint8Array;
}

export function encodeLeaves(leaves: readonly Leaf[]): Uint8Array {
  const bytes = Buffer.alloc(leaves.length * LEAF_BYTES);
  leaves.forEach((leaf, i) => {
    bytes.writeBigUInt64BE(leaf.id, i * LEAF_BYTES);
    bytes.set(leaf.hash, i * LEAF_BYTES + 8);
  });
  return bytes;
}

export function decodeLeaves(bytes: Uint8Array): Leaf[] {
  if (bytes.length % LEAF_BYTES !== 0) throw new RangeError('leaves: not a whole number of leaves');
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const leaves: Leaf[] = [];
  for (let at = 0; at < buffer.length; at += LEAF_BYTES) {
    leaves.push({ id: buffer.readBigUInt64BE(at), hash: buffer.subarray(at + 8, at + LEAF_BYTES) });
  }
  return leaves;
}

/** Bitmaps of leaf positions (bit i is byte i >> 3, least significant bit first). */
export function bitmapHas(bitmap: Uint8Array, position: number): boolean {
  return (((bitmap[position >> 3] ?? 0) >> (position & 7)) & 1) === 1;
}

export function bitmapSet(bitmap: Uint8Array, position: number): void {
  bitmap[position >> 3] = (bitmap[position >> 3] ?? 0) | (1 << (position & 7));
}
