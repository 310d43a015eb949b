"""Signed, hash-chained audit records: record → Ed25519 signature → chain → durable spool → collector."""

from ..ledger.record import Cluster, ObjectRef, PolicyResult, RbacResult, Record, RecordInput, UserInfo
from .trail import AuditTrail

__all__ = [
    "AuditTrail",
    "Cluster",
    "ObjectRef",
    "PolicyResult",
    "RbacResult",
    "Record",
    "RecordInput",
    "UserInfo",
]
