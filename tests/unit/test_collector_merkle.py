"""RFC 6962 Merkle hashing and proofs, checked against the Certificate Transparency reference vectors."""

import pytest

from kubechat.ledger.merkle import (
    EMPTY_ROOT,
    SubtreeCache,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

DATA = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    bytes(range(0x50, 0x58)),
    bytes(range(0x60, 0x70)),
]
LEAVES = [leaf_hash(d) for d in DATA]
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def test_empty_root():
    assert root([]) == EMPTY_ROOT
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@pytest.mark.parametrize("size", range(1, 9))
def test_reference_roots(size):
    assert root(LEAVES[:size]).hex() == ROOTS[size - 1]


def test_reference_inclusion_proof():
    proof = inclusion_proof(0, LEAVES)
    assert [p.hex() for p in proof] == [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ]


def test_reference_consistency_proofs():
    assert [p.hex() for p in consistency_proof(6, LEAVES)] == [
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ]
    assert [p.hex() for p in consistency_proof(2, LEAVES[:5])] == [
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ]


def test_every_inclusion_and_consistency_proof_verifies_and_tampering_fails():
    leaves = [leaf_hash(str(i).encode()) for i in range(37)]
    for n in range(1, len(leaves) + 1):
        r = root(leaves[:n])
        for i in range(n):
            proof = inclusion_proof(i, leaves[:n])
            assert verify_inclusion(leaves[i], i, n, proof, r)
            assert not verify_inclusion(leaf_hash(b"other"), i, n, proof, r)
        for m in range(1, n):
            proof = consistency_proof(m, leaves[:n])
            assert verify_consistency(m, n, root(leaves[:m]), r, proof)
            assert not verify_consistency(m, n, root(leaves[:m]), node_hash(r, r), proof)
            assert not verify_consistency(m, n, leaf_hash(b"x"), r, proof)


def test_rewritten_history_is_inconsistent():
    old = LEAVES[:5]
    new = LEAVES[:3] + [leaf_hash(b"rewritten")] + LEAVES[4:]
    proof = consistency_proof(5, new)
    assert not verify_consistency(5, 8, root(old), root(new), proof)


def test_subtree_cache_gives_identical_answers_as_the_log_grows():
    cache = SubtreeCache()
    leaves = [leaf_hash(i.to_bytes(4, "big")) for i in range(1500)]
    for n in (1, 255, 256, 257, 700, 1024, 1025, 1500):
        assert root(leaves[:n], cache) == root(leaves[:n])
        assert inclusion_proof(n // 2, leaves[:n], cache) == inclusion_proof(n // 2, leaves[:n])
        assert consistency_proof(n // 3, leaves[:n], cache) == consistency_proof(n // 3, leaves[:n])
    assert cache.get(0, 1024) == root(leaves[:1024])
    assert cache.get(0, 100) is None  # small subtrees are not kept
