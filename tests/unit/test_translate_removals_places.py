"""Removals carry kubectl's trailing dash, and a namespace named by any cue is never dropped."""

from __future__ import annotations

import pytest

from kubechat.translate import translate

NAMES = ["api-x", "cart7", "ledger-svc", "w2-proxy"]
PLACES = ["shop", "team-blue", "ops2", "stream", "batch"]


def tr(text: str):
    return translate(text, offline=True, use_model=False)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("key", ["tier", "owner", "example.com/team"])
def test_removing_a_label_or_annotation_ends_with_a_dash(name, key):
    for kind, verb in (("label", "label"), ("annotation", "annotate")):
        for text in (
            f"remove the {key} {kind} from deployment {name}",
            f"drop the {key} {kind} from deployment {name}",
            f"take the {key} {kind} off deployment {name}",
        ):
            t = tr(text)
            assert t.argv is None or (t.argv[0] == verb and f"{key}-" in t.argv), (text, t.argv)


@pytest.mark.parametrize("node", ["worker-7", "gpu-node-3"])
def test_removing_a_taint_written_whole_ends_with_a_dash(node):
    for text in (
        f"remove the role=infra:NoExecute taint from {node}",
        f"untaint {node} role=infra:NoExecute",
        f"take the role=infra:NoExecute taint off node {node}",
    ):
        t = tr(text)
        assert t.argv is None or "role=infra:NoExecute-" in t.argv, (text, t.argv)
    assert "role=infra:NoExecute" in tr(f"taint node {node} with role=infra:NoExecute").argv


def test_removing_an_env_var_ends_with_a_dash():
    t = tr("take the DEBUG_MODE env var off deployment api-x in shop")
    assert t.argv is not None and "DEBUG_MODE-" in t.argv and "shop" in t.argv


def test_a_selector_beside_the_label_to_set_chooses_the_objects():
    t = tr("put label zone=b on every pod with app=cart in shop")
    assert t.argv is not None
    assert "zone=b" in t.argv and "--all" not in t.argv
    assert t.intent.selector == "app=cart" and "app=cart" not in t.argv[2:4]


@pytest.mark.parametrize("phase", ["Failed", "Pending", "Succeeded"])
def test_phase_in_words_is_a_field_selector(phase):
    t = tr(f"delete every pod in shop whose phase is {phase}")
    assert t.intent.field_selector == f"status.phase={phase}" and not t.intent.selector
    t = tr(f"list pods that are NOT in the {phase} phase")
    assert t.intent.field_selector == f"status.phase!={phase}"


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("name", NAMES)
def test_every_namespace_cue_reaches_the_command(place, name):
    for text in (
        f"{place} ns: describe deployment {name}",
        f"describe deployment {name} ({place})",
        f"{place} → pods → wide",
        f"rolling restart of the {name} statefulset in {place} please",
        f"describe deployment {name} in {place}",
    ):
        t = tr(text)
        assert t.argv is None or place in t.argv, (text, t.argv)


def test_a_corrected_namespace_takes_the_last():
    t = tr("get pods in shop wait no, in shop-canary")
    assert t.argv is None or ("shop-canary" in t.argv and "shop" not in t.argv)


def test_a_namespace_the_command_cannot_use_is_a_question():
    # the gate: a place said out loud but absent from the command is asked about, never dropped
    from kubechat.intent import Intent
    from kubechat.translate import grounding
    from kubechat.translate.resources import BUILTIN_TABLE

    it = Intent(verb="delete", resource="configmaps", names=["old-cfg"])
    assert grounding.dropped_place("delete configmap old-cfg in team-blue", it, BUILTIN_TABLE) == "team-blue"
    it.namespace = "team-blue"
    assert grounding.dropped_place("delete configmap old-cfg in team-blue", it, BUILTIN_TABLE) is None


@pytest.mark.parametrize(
    "text",
    [
        "drain worker-2 in preparation for maintenance",
        "show me the persistent volumes (cluster-wide)",
        "show pods in detail",
        "get the logs of web-1 in real time",
    ],
)
def test_english_after_a_cue_is_no_place(text):
    t = tr(text)
    assert t.argv is not None, t.clarification
