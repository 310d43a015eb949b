"""Resource names as the safety checks see them: canonical plural, API group, whether namespaced.
Built on the product's table of built-in types, so policy rules written for `secrets` also match
`secret`, `Secret` and `secrets.v1`."""

from __future__ import annotations

from dataclasses import dataclass

from ..translate.resources import BUILTIN_TABLE


@dataclass(frozen=True)
class ResourceInfo:
    plural: str
    group: str
    namespaced: bool


def _base(word: str) -> str:
    # The part before the first dot decides, so a CRD named like a built-in is treated as the
    # built-in: the cautious direction for policy matching.
    return word.strip().lower().split(".", 1)[0]


def canonical_resource(word: str) -> str:
    """`Secret`, `secrets.v1`, `deploy.apps` → `secrets`, `deployments`; unknown words pass lowercased."""
    found = BUILTIN_TABLE.get(_base(word))
    return found.plural if found else _base(word)


def info(resource: str) -> ResourceInfo | None:
    found = BUILTIN_TABLE.get(_base(resource))
    return ResourceInfo(found.plural, found.group, found.namespaced) if found else None
