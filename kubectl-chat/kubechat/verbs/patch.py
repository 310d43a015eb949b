"""kubectl patch: -p is --patch here."""

import json

import yaml

from ._common import CHANGE, FILES, OUTPUT, edits_rbac
from ._spec import Flag, Risk, VerbSpec, bools, each, flags


def _patched_replicas(patch: str | None) -> int | None:
    """`spec.replicas` in a strategic/merge patch, if the patch sets it."""
    if not patch:
        return None
    try:
        doc = json.loads(patch)
    except ValueError:
        try:
            doc = yaml.safe_load(patch)
        except yaml.YAMLError:
            return None
    if isinstance(doc, dict):
        spec = doc.get("spec")
        if isinstance(spec, dict) and isinstance(spec.get("replicas"), int):
            return spec["replicas"]
    if isinstance(doc, list):  # JSON patch
        for op in doc:
            if isinstance(op, dict) and op.get("path") == "/spec/replicas" and op.get("value") == 0:
                return 0
    return None


def _risk(cmd, facts):
    if _patched_replicas(cmd.value("--patch")) == 0:
        return Risk.DESTRUCTIVE, "patch sets replicas to 0"
    return Risk.WRITE, "`patch` changes the cluster"


SPECS = [
    VerbSpec(
        "patch",
        Risk.WRITE,
        rule=_risk,
        flags=(
            *OUTPUT,
            *FILES,
            *CHANGE,
            Flag("--patch", True, "p"),
            *flags("--patch-file", "--type", "--subresource"),
            *bools("--local"),
        ),
        access=lambda cmd, resource, names: each(resource, names, "patch"),
        server_dry_run=True,
        effects=edits_rbac,
    )
]
