"""The audit record: one per interaction (answered, cancelled, denied or failed).

Field names follow `audit.k8s.io/v1` Event where one fits (auditID, stage, requestReceivedTimestamp,
stageTimestamp, user.username/groups, verb, objectRef, responseStatus.code, annotations), so a SIEM
that already parses Kubernetes audit logs reads these too. Everything signed is a string, an int, a
bool, a list or a dict: no floats, so canonical bytes are the same on every machine.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

API_VERSION = "audit.kubechat.io/v1"
GENESIS_HASH = "0" * 64
# What a record says when the cluster could not name the user (offline, API server down). The
# collector accepts such records only from a bound key and attributes them through its bindings.
UNVERIFIED_USERS = ("unknown", "")

# Fields added after the first records were written: left out of the canonical bytes when unset,
# so records written before them keep their bytes, hashes and signatures.
OMITTED_WHEN_UNSET = ("policyBundle",)

# Stages: the Kubernetes ones where they match, plus the outcomes a plugin has and the API server has
# not: a question asked back (Clarification) and a write shown through a server dry run, not run (DryRun).
Stage = Literal["ResponseComplete", "Cancelled", "Denied", "Failed", "KeyRotation", "Clarification", "DryRun"]
Risk = Literal["read", "write", "destructive", "unknown"]
Decision = Literal["allow", "deny", "error", "none"]
Confirmation = Literal["none", "yes", "typed"]


def now_rfc3339() -> str:
    """UTC timestamp with microseconds and a trailing Z (sorts as text)."""
    return rfc3339(datetime.now(UTC))


def rfc3339(when: datetime | str) -> str:
    """One timestamp form for every record, so time filters can compare text."""
    if isinstance(when, str):
        when = datetime.fromisoformat(when.replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UserInfo(_Strict):
    """Who asked, as the API server sees it (SelfSubjectReview)."""

    username: str
    uid: str | None = None
    groups: list[str] = Field(default_factory=list)


class ObjectRef(_Strict):
    resource: str | None = None
    namespace: str | None = None
    name: str | None = None
    apiGroup: str | None = None


class ResponseStatus(_Strict):
    code: int | None = None  # kubectl's exit code; None when kubectl never ran


class Cluster(_Strict):
    name: str | None = None
    server: str | None = None


class PolicyResult(_Strict):
    decision: Decision = "none"
    confirm: Confirmation = "none"
    reasons: list[str] = Field(default_factory=list)


class PolicyBundle(_Strict):
    """The policy bundle that made the decision: its .manifest revision and its digest."""

    revision: str | None = None
    digest: str | None = None  # "sha256:<hex>"; unknown when a central OPA decided


class RbacResult(_Strict):
    allowed: bool | None = None  # None: not checked (reads, or no cluster)
    reason: str | None = None


class RecordInput(_Strict):
    """What the CLI knows about one interaction; the trail adds identity of the record itself."""

    user: UserInfo
    cluster: Cluster = Field(default_factory=Cluster)
    context: str | None = None
    session_id: str | None = None
    request: str = ""  # the plain-language input
    argv: list[str] = Field(default_factory=list)
    verb: str | None = None
    object_ref: ObjectRef = Field(default_factory=ObjectRef)
    risk: Risk = "unknown"
    policy: PolicyResult = Field(default_factory=PolicyResult)
    policy_bundle: PolicyBundle | None = None  # None: no policy decision was made
    rbac: RbacResult = Field(default_factory=RbacResult)
    confirmation: Confirmation = "none"
    stage: Stage = "ResponseComplete"
    exit_code: int | None = None
    output: str | None = None
    duration_ms: int = 0
    received_at: str | None = None  # when the request came in (ISO 8601); defaults to record time
    annotations: dict[str, str] = Field(default_factory=dict)


class Record(_Strict):
    """A signed, chained audit record as stored in the spool and at the collector."""

    apiVersion: Literal["audit.kubechat.io/v1"] = API_VERSION
    kind: Literal["Event"] = "Event"
    auditID: str = Field(default_factory=lambda: str(uuid.uuid4()))
    stage: Stage
    requestReceivedTimestamp: str
    stageTimestamp: str
    user: UserInfo
    cluster: Cluster
    context: str | None = None
    sessionID: str | None = None
    request: str
    argv: list[str]
    verb: str | None = None
    objectRef: ObjectRef
    risk: Risk
    policy: PolicyResult
    policyBundle: PolicyBundle | None = None
    rbac: RbacResult
    confirmation: Confirmation
    responseStatus: ResponseStatus
    outputDigest: str | None = None  # sha256 hex of kubectl's output
    output: str | None = None  # only when the trail is configured to keep output
    durationMs: int
    annotations: dict[str, str] = Field(default_factory=dict)
    # chain and signature
    clientID: str
    seq: int
    prevHash: str
    keyID: str
    signature: str | None = None  # base64 Ed25519 over canonical bytes without this field

    def body(self) -> dict:
        data = self.model_dump(mode="json")
        for name in OMITTED_WHEN_UNSET:
            if data.get(name) is None:
                data.pop(name, None)
        return data

    def signing_bytes(self) -> bytes:
        """What the signature covers: everything except the signature."""
        data = self.body()
        data.pop("signature", None)
        return canonical_bytes(data)

    def canonical(self) -> bytes:
        """The record as stored and hashed into the chain (signature included)."""
        return canonical_bytes(self.body())

    def hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()


def canonical_bytes(data: dict) -> bytes:
    """Canonical JSON: sorted keys, no whitespace, UTF-8 (not ASCII-escaped)."""
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def output_digest(output: str | bytes | None) -> str | None:
    if output is None:
        return None
    data = output.encode("utf-8") if isinstance(output, str) else output
    return hashlib.sha256(data).hexdigest()
