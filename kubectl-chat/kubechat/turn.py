"""One turn of a conversation, typed: the request as it came in, where it goes, what translation
made of it, the preview (the Assessment, the policy decision and the RBAC result), the
confirmation and the outcome. The conversation fills it in stage by stage and the audit record is
built from it, so what the user saw and what the record says come from the same object.

A turn that runs several commands (a diagnosis) makes one turn per command with the same `id`:
each record then names its own command and object, and `kubechat.io/turn` ties them together.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .conversation import Outcome, Preview
    from .kubeconfig_info import Target
    from .ledger.record import ObjectRef, RecordInput
    from .safety.rbac import Identity
    from .translate import Translation

# The annotation that carries the id shared by the records of one multi-command turn.
TURN_ID = "kubechat.io/turn"
# The annotation that carries the notes shown before the command ran (what it cannot express).
CAVEATS = "kubechat.io/caveats"

# Outcome status → the record's stage.
STAGE = {
    "clarify": "Clarification",
    "dry-run": "DryRun",  # shown, not run: an auditor must never read it as a completed command
    "dry-run-failed": "DryRun",
    "executed": "ResponseComplete",
    "denied": "Denied",
    "rbac-denied": "Denied",
    "cancelled": "Cancelled",
    "failed": "Failed",
    "error": "Failed",
}


@dataclass
class Turn:
    request: str  # the plain-language request (after an answered question: the rewritten one)
    target: Target  # where it goes: context, cluster, server, default namespace
    received: float = field(default_factory=time.monotonic)  # for the record's duration
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    notes: dict[str, str] = field(default_factory=dict)  # annotations: an answered question, a rerun
    translation: Translation | None = None  # the intent: argv, source, caveats or a question
    preview: Preview | None = None  # the Assessment, the policy decision and the RBAC result
    confirmation: str = "none"  # what the user agreed to: none | yes | typed
    outcome: Outcome | None = None

    def step(self, number: int) -> Turn:
        """A turn for one command of this one (a diagnosis read): same request, target and id."""
        notes = {**self.notes, TURN_ID: self.id, "kubechat.io/step": str(number)}
        return Turn(self.request, self.target, id=self.id, notes=notes)

    def record_input(self, identity: Identity | None, session_id: str) -> RecordInput:
        """What the audit record says about this turn (before a run: its reservation)."""
        from .ledger.record import (
            Cluster,
            PolicyBundle,
            PolicyResult,
            RbacResult,
            RecordInput,
            UserInfo,
        )

        out, p = self.outcome, self.preview
        assert out is not None, "a turn is recorded once it has an outcome"
        decision = "none"
        if p is not None:
            decision = ("allow" if p.policy_allow else "deny") if p.policy_available else "error"
        return RecordInput(
            user=UserInfo(
                username=getattr(identity, "user", None) or "unknown",
                groups=list(getattr(identity, "groups", []) or []),
            ),
            cluster=Cluster(name=self.target.cluster, server=self.target.server),
            context=self.target.context,
            session_id=session_id,
            request=self.request,
            argv=p.argv if p else [],
            verb=p.argv[0] if p else None,
            object_ref=object_ref(p),
            risk=p.risk if p else "unknown",
            policy=PolicyResult(
                decision=decision, confirm=p.confirm if p else "none", reasons=p.reasons if p else []
            ),
            policy_bundle=PolicyBundle(revision=p.policy_bundle[0], digest=p.policy_bundle[1])
            if p and p.policy_bundle
            else None,
            rbac=RbacResult(allowed=p.rbac_allowed if p else None, reason=p.rbac_message if p else None),
            confirmation=self.confirmation,
            stage=STAGE[out.status],
            exit_code=out.exit_code,
            output=out.stdout or None,
            duration_ms=int((time.monotonic() - self.received) * 1000),
            annotations={
                "kubechat.io/status": out.status,
                **({"kubechat.io/source": p.source} if p and p.source else {}),
                # What the user was told the command leaves out of the request: an auditor reads
                # "get pods" for "failing pods" together with the note that was shown.
                **({CAVEATS: " | ".join(p.caveats)} if p and p.caveats else {}),
                **self.notes,
            },
        )


def object_ref(p: Preview | None) -> ObjectRef:
    """The object the command acts on, from its assessment (resource, one name, namespace)."""
    from .ledger.record import ObjectRef

    if p is None:
        return ObjectRef()
    if p.assessment is None:
        return ObjectRef(namespace=p.namespace)
    return ObjectRef(**p.assessment.object_ref())
