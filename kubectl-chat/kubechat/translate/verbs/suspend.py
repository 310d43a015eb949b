"""suspend and resume a cron job: kubectl has no verb for it, so its spec.suspend is patched."""

from __future__ import annotations

import json

from ...intent import Intent
from ..readers import common, names_for, resources
from ..reading import Clarify, Req

# "suspend cronjob x", "pause the x cronjob", "resume cronjob x": a cron job is what is stopped
SUSPEND = (
    r"\b(?:un)?suspend\b|\b(?:pause|resume|unpause)\s+(?:the\s+)?"
    r"(?:cron ?jobs?\s+\S+|\S+\s+cron ?jobs?)\b"
)


def h_suspend(req: Req) -> Intent:
    rms = [r for r in resources(req) if r.type.plural == "cronjobs"]
    if not rms:
        raise Clarify("Only a cron job can be suspended or resumed this way; which cron job do you mean?")
    it = Intent(verb="patch", resource="cronjob", names=names_for(req, rms))
    if len(it.names) != 1:
        raise Clarify("Which cron job should I suspend or resume? Name one.")
    stop = not req.has(r"\b(?:unsuspend|resume|unpause)\b")
    it.set_flag("patch", json.dumps({"spec": {"suspend": stop}}, separators=(",", ":")))
    common(req, it, allns=False, sel=False, out=False)
    return it
