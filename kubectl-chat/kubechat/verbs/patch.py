"""kubectl patch: -p is --patch here."""

import json
import math

import yaml

from ._common import CHANGE, FILES, OUTPUT, edits_access_control
from ._spec import Flag, Risk, VerbSpec, Words, bools, each, flags

_REPLICAS = ("spec", "replicas")


class _Unreadable(ValueError):
    """A patch, or a replica count in it, that this module cannot read the way the API server
    would; such a patch is judged the riskiest it could be."""


def _pairs(pairs):
    # Duplicate keys are read differently by different decoders: which one wins is unknowable here.
    keys = [k.lower() if isinstance(k, str) else k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise _Unreadable("duplicate keys")
    return dict(pairs)


class _StrictLoader(yaml.SafeLoader):
    def construct_mapping(self, node, deep=False):
        return _pairs(
            [(self.construct_object(k, deep), self.construct_object(v, deep)) for k, v in node.value]
        )


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _StrictLoader.construct_mapping)


def _load(patch: str):
    try:
        return json.loads(patch, object_pairs_hook=_pairs)
    except _Unreadable:
        raise
    except ValueError:
        pass
    try:
        return yaml.load(patch, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise _Unreadable("not JSON or YAML") from exc


def _count(value) -> int:
    """A replica count as the API server reads it: numbers in any spelling (`0.0`, `0e0`, `"0"`)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _Unreadable(f"replicas {value!r}")
    try:
        number = float(value.strip()) if isinstance(value, str) else float(value)
    except (ValueError, OverflowError) as exc:
        raise _Unreadable(f"replicas {value!r}") from exc
    if not math.isfinite(number) or number != int(number):
        raise _Unreadable(f"replicas {value!r}")
    return int(number)


def _get(doc: dict, key: str):
    """`doc[key]` with kubectl's decoders' case-insensitive match; (found, value)."""
    hits = [v for k, v in doc.items() if isinstance(k, str) and k.lower() == key]
    return (True, hits[0]) if hits else (False, None)


def _merge_replicas(doc: dict) -> int | None:
    """`spec.replicas` of a strategic/merge patch; None when it does not set it."""
    if any(isinstance(k, str) and k.startswith("$") for k in doc):  # $patch: replace/delete
        raise _Unreadable("patch directive at the top")
    found, spec = _get(doc, "spec")
    if not found:
        return None
    if not isinstance(spec, dict):
        raise _Unreadable("spec is not an object")
    if any(isinstance(k, str) and k.startswith("$") for k in spec):
        raise _Unreadable("patch directive in spec")
    found, value = _get(spec, "replicas")
    return _count(value) if found else None


def _pointer(path) -> tuple[str, ...]:
    if not isinstance(path, str) or (path and not path.startswith("/")):
        raise _Unreadable(f"path {path!r}")
    return tuple(p.replace("~1", "/").replace("~0", "~").lower() for p in path.split("/")[1:])


def _touches(path: tuple[str, ...]) -> bool:
    """The pointer is spec.replicas, inside it, or above it (`/spec`, the whole object)."""
    n = min(len(path), len(_REPLICAS))
    return path[:n] == _REPLICAS[:n]


def _json_patch_replicas(ops: list) -> int | None:
    """The replica count a JSON patch sets; None when it leaves spec.replicas alone."""
    count = None
    for op in ops:
        if not isinstance(op, dict):
            raise _Unreadable("an operation that is not an object")
        kind = op.get("op")
        touched = [p for p in (_pointer(op.get("path")), *_from(op)) if _touches(p)]
        if not touched or kind == "test":
            continue
        if kind in ("replace", "add") and _pointer(op.get("path")) == _REPLICAS and not _from(op):
            found = _count(op.get("value"))
            count = found if count is None else min(count, found)
            continue
        # copy/move/remove into or out of replicas, or a whole spec replaced: the count it leaves
        # is not in the patch
        raise _Unreadable(f"`{kind}` on {op.get('path')!r}")
    return count


def _from(op: dict) -> tuple[tuple[str, ...], ...]:
    return (_pointer(op["from"]),) if "from" in op else ()


def _patched_replicas(patch: str | None) -> int | None:
    """The replica count the patch sets (strategic, merge or JSON patch), None when it sets none.
    A patch or count that cannot be read, or a JSON patch that moves or copies a value into
    spec.replicas, reads as 0: the riskiest count."""
    if not patch:
        return None
    try:
        doc = _load(patch)
        if isinstance(doc, dict):
            return _merge_replicas(doc)
        if isinstance(doc, list):
            return _json_patch_replicas(doc)
        raise _Unreadable("neither an object nor a list")
    except _Unreadable:
        return 0


def _risk(cmd, facts):
    replicas = _patched_replicas(cmd.value("--patch"))
    if replicas is not None and replicas <= 0:
        return Risk.DESTRUCTIVE, "patch sets replicas to 0 (or a count it cannot read)"
    return Risk.WRITE, "`patch` changes the cluster"


SPECS = [
    VerbSpec(
        "patch",
        Risk.WRITE,
        words=Words.RESOURCE,
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
        effects=edits_access_control,
    )
]
