"""The wire module of the ledger core, kubechat.ledger.wire, under the name audit code has used."""

from ..ledger.wire import *  # noqa: F403
