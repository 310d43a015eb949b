"""The Merkle tree of the ledger core, kubechat.ledger.merkle, under the name collector code has used."""

from ..ledger.merkle import *  # noqa: F403
