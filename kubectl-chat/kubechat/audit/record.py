"""The record module of the ledger core, kubechat.ledger.record, under the name audit code has used."""

from ..ledger.record import *  # noqa: F403
