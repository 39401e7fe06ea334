/**
 * RFC 6962 (Certificate Transparency) Merkle trees over SHA-256: a leaf's hash is
 * H(0x00 ‖ data), an inner node's H(0x01 ‖ left ‖ right), and a tree of n leaves splits at
 * the largest power of two below n. Its root commits to every leaf and their order; an
 * inclusion proof (audit path) shows one leaf is in it with log2(n) hashes.
 */
import { createHash } from 'node:crypto';

export type Hash = Uint8Array;

export const HASH_BYTES = 32;

export function leafHash(data: string | Uint8Array): Hash {
  return createHash('sha256').update(Uint8Array.of(0)).update(data).digest();
}

function nodeHash(left: Hash, right: Hash): Hash {
  return createHash('sha256').update(Uint8Array.of(1)).update(left).update(right).digest();
}

/**
 * A tree built once, bottom-up: neighbours are paired and an odd last node is carried up
 * unchanged, which gives the same tree as the RFC's recursive split, and every inclusion
 * proof then costs log2(n) lookups.
 */
export class MerkleTree {
  private readonly levels: Hash[][];

  constructor(leaves: readonly Hash[]) {
    this.levels = [[...leaves]];
    let level = this.levels[0] as Hash[];
    while (level.length > 1) {
      const next: Hash[] = [];
      for (let i = 0; i + 1 < level.length; i += 2) {
        next.push(nodeHash(level[i] as Hash, level[i + 1] as Hash));
      }
      if (level.length % 2 === 1) next.push(level[level.length - 1] as Hash);
      this.levels.push(next);
      level = next;
    }
  }

  get size(): number {
    return (this.levels[0] as Hash[]).length;
  }

  /** The root (the empty tree's is SHA-256 of nothing, as RFC 6962 says). */
  get root(): Hash {
    if (this.size === 0) return createHash('sha256').digest();
    return (this.levels[this.levels.length - 1] as Hash[])[0] as Hash;
  }

  /** The audit path of leaf `index` (RFC 6962 §2.1.1 PATH), nearest the leaf first. */
  proof(index: number): Hash[] {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new RangeError('leaf index out of range');
    }
    const path: Hash[] = [];
    let i = index;
    for (const level of this.levels.slice(0, -1)) {
      const sibling = i ^ 1;
      // The last node of an odd level has no sibling there: it is carried up as it is.
      if (sibling < level.length) path.push(level[sibling] as Hash);
      i >>= 1;
    }
    return path;
  }
}

export function merkleRoot(leaves: readonly Hash[]): Hash {
  return new MerkleTree(leaves).root;
}

/** Whether `proof` shows `leaf` at `index` of a tree of `size` leaves with this `root` (RFC 9162 §2.1.3.2). */
export function verifyInclusion(
  leaf: Hash,
  index: number,
  size: number,
  proof: readonly Hash[],
  root: Hash,
): boolean {
  if (index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equalBytes(r, root);
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
