"""Forms of kubectl commands read from their words, whatever the names."""

from __future__ import annotations

import pytest

from kubechat.translate import translate


def cmd(text: str) -> str | None:
    return translate(text, offline=True, use_model=False).command


@pytest.mark.parametrize("place", ["shop", "team-blue", "ops2"])
def test_event_types_in_the_plural(place):
    assert cmd(f"kubectl events in {place}, normal ones and warnings") == (
        f"kubectl events -n {place} --types=Normal,Warning"
    )


def test_a_participle_of_a_type_name_is_no_typo():
    # "namespaced" was repaired to the type "namespace", losing --namespaced
    assert cmd("api resources that are not namespaced please") == "kubectl api-resources --namespaced=false"
    assert cmd("list the namespaced api resources only") == "kubectl api-resources --namespaced=true"


def test_labels_joined_by_or_are_no_pair_to_set():
    t = translate("put label zone=b on pods having role=x or role=y", offline=True, use_model=False)
    assert t.argv is None
