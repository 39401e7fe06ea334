import { createHash, generateKeyPairSync, sign } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { canonicalEvent } from './canonical';
import { leafHash, MerkleTree, verifyInclusion, type Hash } from './merkle';
import {
  bitmapHas,
  bitmapSet,
  decodeLeaves,
  encodeLeaves,
  keyIdOf,
  publicKeyFrom,
  rawPublicKey,
  verifySignature,
} from './statements';

/** RFC 6962 §2.1's MTH, written as the RFC states it (recursively), to check the tree against. */
function rfcRoot(leaves: Hash[]): Hash {
  const sha = (...parts: Uint8Array[]) => {
    const hash = createHash('sha256');
    for (const part of parts) hash.update(part);
    return hash.digest();
  };
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return leaves[0] as Hash;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha(Uint8Array.of(1), rfcRoot(leaves.slice(0, k)), rfcRoot(leaves.slice(k)));
}

const leavesOf = (n: number) => Array.from({ length: n }, (_, i) => leafHash(`event ${i}`));

describe('Merkle tree (RFC 6962)', () => {
  it('has the RFC root for every size up to 70, and every leaf proves its inclusion', () => {
    for (let n = 0; n <= 70; n++) {
      const leaves = leavesOf(n);
      const tree = new MerkleTree(leaves);
      expect(Buffer.from(tree.root).toString('hex'), `size ${n}`).toBe(
        Buffer.from(rfcRoot(leaves)).toString('hex'),
      );
      for (let i = 0; i < n; i++) {
        expect(verifyInclusion(leaves[i] as Hash, i, n, tree.proof(i), tree.root)).toBe(true);
      }
    }
  });

  it('refuses a proof for another leaf, index, size or root', () => {
    const leaves = leavesOf(13);
    const tree = new MerkleTree(leaves);
    const proof = tree.proof(5);
    expect(verifyInclusion(leaves[5] as Hash, 5, 13, proof, tree.root)).toBe(true);
    expect(verifyInclusion(leaves[6] as Hash, 5, 13, proof, tree.root)).toBe(false);
    expect(verifyInclusion(leaves[5] as Hash, 4, 13, proof, tree.root)).toBe(false);
    expect(verifyInclusion(leaves[5] as Hash, 5, 6, proof, tree.root)).toBe(false);
    expect(verifyInclusion(leaves[5] as Hash, 5, 13, proof, leafHash('x'))).toBe(false);
    expect(verifyInclusion(leaves[5] as Hash, 5, 13, proof.slice(1), tree.root)).toBe(false);
  });
});

describe('canonical form', () => {
  it('sorts keys, leaves nulls out, writes times as UTC ISO and JSON as JSON', () => {
    const text = canonicalEvent({
      userName: 'alice',
      id: '42',
      occurredAt: new Date('2026-01-02T03:04:05.678+01:00'),
      recordedAt: '2026-01-02T02:04:06.000Z',
      eventId: 'AAAAAAAA-0000-4000-8000-000000000001',
      description: null,
      metadata: { b: 1, a: [true, null] },
    });
    expect(text).toBe(
      '{"eventId":"aaaaaaaa-0000-4000-8000-000000000001","id":"42","metadata":{"a":[true,null],"b":1},' +
        '"occurredAt":"2026-01-02T02:04:05.678Z","recordedAt":"2026-01-02T02:04:06.000Z","userName":"alice","v":1}',
    );
  });

  it('names the field a value does not fit', () => {
    expect(() => canonicalEvent({ occurredAt: 'yesterday' })).toThrow(/occurredAt/);
    expect(() => canonicalEvent({ userName: { x: 1 } })).toThrow(/userName/);
  });
});

describe('statements', () => {
  it('signatures verify with the public key, from PEM or raw base64, and with no other', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const other = generateKeyPairSync('ed25519').publicKey;
    const signature = sign(null, Buffer.from('{"a":1}'), privateKey).toString('base64');
    const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(verifySignature('{"a":1}', signature, publicKeyFrom(pem))).toBe(true);
    expect(verifySignature('{"a":1}', signature, publicKeyFrom(rawPublicKey(publicKey)))).toBe(
      true,
    );
    expect(verifySignature('{"a":2}', signature, publicKey)).toBe(false);
    expect(verifySignature('{"a":1}', signature, other)).toBe(false);
    expect(keyIdOf(publicKeyFrom(pem))).toBe(keyIdOf(publicKey));
    expect(keyIdOf(other)).not.toBe(keyIdOf(publicKey));
  });

  it('leaves and bitmaps round-trip', () => {
    const leaves = [
      { id: 1n, hash: leafHash('a') },
      { id: 9_007_199_254_740_993n, hash: leafHash('b') },
    ];
    const decoded = decodeLeaves(encodeLeaves(leaves));
    expect(decoded.map((leaf) => leaf.id)).toEqual([1n, 9_007_199_254_740_993n]);
    expect(Buffer.from(decoded[1]?.hash ?? []).equals(Buffer.from(leafHash('b')))).toBe(true);
    const bitmap = new Uint8Array(2);
    bitmapSet(bitmap, 0);
    bitmapSet(bitmap, 9);
    expect([0, 1, 8, 9].map((i) => bitmapHas(bitmap, i))).toEqual([true, false, false, true]);
  });
});
