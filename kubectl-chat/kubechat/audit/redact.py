"""Redaction of what a record holds, kubechat.ledger.redact, under the name audit code has used."""

from ..ledger.redact import *  # noqa: F403
