"""RFC 6962 / RFC 9162 Merkle tree hashing, inclusion and consistency proofs.

leaf = sha256(0x00 || data), node = sha256(0x01 || left || right); a tree of n leaves splits at
k, the largest power of two below n. Proof generation follows RFC 9162 §2.1.3.1 / §2.1.4.1 and
verification §2.1.3.2 / §2.1.4.2, so any RFC 6962 verifier accepts our proofs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """Largest power of two strictly less than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


class SubtreeCache:
    """Hashes of complete (power-of-two) subtrees of an append-only log. They never change, so a
    growing log's root costs O(log n) cached lookups plus the new leaves, not a full rehash.
    Only subtrees of at least MIN_SIZE leaves are kept (memory stays about 64 bytes per 128 leaves)."""

    MIN_SIZE = 256

    def __init__(self):
        self._hashes: dict[tuple[int, int], bytes] = {}

    def get(self, start: int, end: int) -> bytes | None:
        return self._hashes.get((start, end))

    def put(self, start: int, end: int, value: bytes) -> None:
        size = end - start
        if size >= self.MIN_SIZE and size & (size - 1) == 0:
            self._hashes[(start, end)] = value


class BatchCache(SubtreeCache):
    """For many proofs at once (a batch's receipts): every subtree hash is kept for the life of
    this object, and the large ones go on to the log's lasting cache. Proofs of neighbouring
    leaves share most of their small subtrees, which would otherwise be hashed again per proof."""

    def __init__(self, lasting: SubtreeCache):
        super().__init__()
        self._lasting = lasting

    def get(self, start: int, end: int) -> bytes | None:
        return self._hashes.get((start, end)) or self._lasting.get(start, end)

    def put(self, start: int, end: int, value: bytes) -> None:
        self._hashes[(start, end)] = value
        self._lasting.put(start, end, value)


class Prefix(Sequence):
    """The first `size` leaf hashes of a list that only grows: a tree of that size without copying."""

    def __init__(self, leaves: list[bytes], size: int):
        self._leaves, self._size = leaves, size

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._leaves[: self._size][index]
        if not -self._size <= index < self._size:
            raise IndexError(index)
        return self._leaves[index if index >= 0 else self._size + index]


def _mth(leaves: Sequence[bytes], start: int, end: int, cache: SubtreeCache | None) -> bytes:
    n = end - start
    if n == 1:
        return leaves[start]
    if cache is not None:
        hit = cache.get(start, end)
        if hit is not None:
            return hit
    k = _split(n)
    value = node_hash(_mth(leaves, start, start + k, cache), _mth(leaves, start + k, end, cache))
    if cache is not None:
        cache.put(start, end, value)
    return value


def root(leaves: Sequence[bytes], cache: SubtreeCache | None = None) -> bytes:
    """MTH over leaf hashes (already leaf_hash()ed)."""
    if not leaves:
        return EMPTY_ROOT
    return _mth(leaves, 0, len(leaves), cache)


def inclusion_proof(index: int, leaves: Sequence[bytes], cache: SubtreeCache | None = None) -> list[bytes]:
    """PATH(m, D[n]) for leaf `index` in the tree made of `leaves`."""
    n = len(leaves)
    if not 0 <= index < n:
        raise ValueError(f"leaf {index} is not in a tree of size {n}")
    path: list[bytes] = []
    start, end = 0, n
    while end - start > 1:  # walk down, collecting siblings; the proof lists them bottom-up
        k = _split(end - start)
        if index < start + k:
            path.append(_mth(leaves, start + k, end, cache))
            end = start + k
        else:
            path.append(_mth(leaves, start, start + k, cache))
            start = start + k
    return path[::-1]


def consistency_proof(first: int, leaves: Sequence[bytes], cache: SubtreeCache | None = None) -> list[bytes]:
    """PROOF(m, D[n]): the tree of size `first` is a prefix of the tree made of `leaves`."""
    n = len(leaves)
    if not 0 <= first <= n:
        raise ValueError(f"size {first} is larger than the tree ({n})")
    if first in (0, n):
        return []
    path: list[bytes] = []
    start, end, m, complete = 0, n, first, True
    while True:  # SUBPROOF(m, D[start:end], complete), iteratively; siblings collected top-down
        if m == end - start:
            if not complete:
                path.append(_mth(leaves, start, end, cache))
            break
        k = _split(end - start)
        if m <= k:
            path.append(_mth(leaves, start + k, end, cache))
            end = start + k
        else:
            path.append(_mth(leaves, start, start + k, cache))
            m -= k
            start += k
            complete = False
    return path[::-1]


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], expected_root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2. `leaf` is the leaf hash."""
    if index >= size or index < 0:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == expected_root


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2."""
    if first < 0 or second < first:
        return False
    if first == 0:
        return not proof
    if first == second:
        return not proof and first_root == second_root
    path = list(proof)
    if first & (first - 1) == 0:  # a power of two: the old root is itself a node of the new tree
        path.insert(0, first_root)
    if not path:
        return False
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0
