"""A restriction of a read is never dropped silently: kubectl selects it where it can (a phase,
a node, an order), and otherwise the translation carries a caveat saying what kubectl cannot
select and what is shown instead. Phrasings, places and node names are invented; the checks are
metamorphic (swap the place or the node and the command and caveat follow)."""

import json

import pytest
from click.testing import CliRunner

from kubechat.translate import translate

RESTARTS = "--sort-by=.status.containerStatuses[0].restartCount"
CREATED = "--sort-by=.metadata.creationTimestamp"


def tr(request: str):
    return translate(request, offline=True, use_model=False)


# a state kubectl has no field for: all pods are listed, with the caveat (one line each)
LOOSE_STATES = [
    ("list the {s} pods in {ns}", "failing", "failing"),
    ("show me every {s} pod in {ns}", "crashing", "crash-looping"),
    ("which pods in {ns} are {s}?", "crash looping", "crash-looping"),
    ("pods in {ns} that keep {s}", "restarting", "crash-looping"),
    ("get {s} pods from {ns}", "broken", "failing"),
    ("display the {s} pods in {ns}", "unhealthy", "failing"),
    ("find pods in {ns} which are {s}", "not ready", "not-ready"),
    ("{s} pods in {ns}, please", "stuck", "stuck"),
    ("are there {s} pods in {ns}?", "terminating", "terminating"),
    ("pods in {s} in {ns}", "CrashLoopBackOff", "crash-looping"),
]


@pytest.mark.parametrize("phrase,state,what", LOOSE_STATES)
@pytest.mark.parametrize("ns", ["larkspur", "tide-pool-4"])
def test_a_state_kubectl_cannot_select_lists_all_pods_and_says_so(phrase, state, what, ns):
    t = tr(phrase.format(s=state, ns=ns))
    assert t.argv == ["get", "pods", "-n", ns], t.command
    assert len(t.caveats) == 1
    note = t.caveats[0]
    assert note.startswith(f"kubectl cannot select {what} pods")
    assert f"showing all pods in {ns}" in note and "see STATUS and RESTARTS" in note
    assert "\n" not in note


@pytest.mark.parametrize("word", ["broken", "unhealthy", "failing", "crashing", "not ready"])
@pytest.mark.parametrize("lead", ["list", "show", "get", "which are the"])
def test_a_health_word_never_changes_the_verb(word, lead):
    t = tr(f"{lead} {word} pods in marigold")
    assert t.argv is not None and t.argv[:2] == ["get", "pods"], t.command
    assert t.caveats


@pytest.mark.parametrize(
    "request_,selector",
    [
        ("show pending pods in quarry-2", "status.phase=Pending"),
        ("which pods in quarry-2 are stuck in pending", "status.phase=Pending"),
        ("list completed pods in quarry-2", "status.phase=Succeeded"),
        ("get failed pods in quarry-2", "status.phase=Failed"),
    ],
)
def test_a_phase_is_selected_exactly_without_a_caveat(request_, selector):
    t = tr(request_)
    assert f"--field-selector={selector}" in t.argv and "-n" in t.argv
    assert t.caveats == []


def test_evicted_pods_are_failed_ones_and_the_caveat_says_so():
    t = tr("list evicted pods in pebble")
    assert t.argv == ["get", "pods", "-n", "pebble", "--field-selector=status.phase=Failed"]
    assert len(t.caveats) == 1 and "evicted" in t.caveats[0] and "Failed phase" in t.caveats[0]


def test_other_types_name_the_columns_that_show_their_state():
    t = tr("which deployments in pebble are unhealthy")
    assert t.argv == ["get", "deployments", "-n", "pebble"]
    assert "deployments in pebble" in t.caveats[0] and "AVAILABLE" in t.caveats[0]
    t = tr("show nodes that are not ready")
    assert t.argv == ["get", "nodes"] and "see STATUS" in t.caveats[0]


@pytest.mark.parametrize(
    "request_",
    [
        "delete all failing pods in sorrel",
        "remove every crashing pod in sorrel",
        "delete the unhealthy pods in sorrel",
        "label all crashing pods in sorrel with triage=yes",
        "annotate every broken pod in sorrel with seen=true",
        "cordon the unhealthy nodes",
    ],
)
def test_a_change_never_widens_an_unselectable_state_to_every_object(request_):
    t = tr(request_)
    assert t.argv is None, t.command  # a question: which ones?
    assert t.clarification


def test_top_names_the_state_it_cannot_select():
    t = tr("which failing pods use the most memory in sorrel")
    assert t.argv == ["top", "pod", "-n", "sorrel", "--sort-by=memory"]
    assert t.caveats == ["kubectl cannot select failing pods: showing all pods in sorrel"]


def test_a_change_by_an_exact_phase_still_runs():
    t = tr("delete pending pods in sorrel")
    assert t.argv == ["delete", "pods", "-n", "sorrel", "--field-selector=status.phase=Pending"]


@pytest.mark.parametrize(
    "request_",
    [
        "which pods in {ns} restarted the most",
        "pods with the most restarts in {ns}",
        "which pods restart the most in {ns}",
    ],
)
@pytest.mark.parametrize("ns", ["fennel", "orbit-9"])
def test_most_restarts_sorts_by_restart_count_and_says_where_they_are(request_, ns):
    t = tr(request_.format(ns=ns))
    assert t.argv == ["get", "pods", "-n", ns, RESTARTS], t.command
    assert "ascending" in t.caveats[0] and "last" in t.caveats[0]


def test_newest_and_oldest_sort_by_creation_time():
    newest = tr("the newest configmaps in fennel")
    assert newest.argv == ["get", "configmaps", "-n", "fennel", CREATED]
    assert "newest configmaps are last" in newest.caveats[0]
    oldest = tr("oldest secrets in fennel")
    assert oldest.argv == ["get", "secrets", "-n", "fennel", CREATED]
    assert oldest.caveats == []  # oldest first is kubectl's own order


@pytest.mark.parametrize("n", ["3", "12"])
def test_a_count_kubectl_cannot_cut_to_is_named(n):
    t = tr(f"top {n} pods by cpu in fennel")
    assert t.argv == ["top", "pod", "-n", "fennel", "--sort-by=cpu"]
    assert t.caveats == [f"kubectl cannot limit the list to {n}: showing all pods, highest cpu first"]
    t = tr(f"the {n} oldest jobs in fennel")
    assert t.argv == ["get", "jobs", "-n", "fennel", CREATED]
    assert f"limit the list to {n}" in t.caveats[0]


@pytest.mark.parametrize(
    "phrase",
    ["show pods on {node}", "pods running on {node} in {ns}", "list the pods scheduled on {node} in {ns}"],
)
@pytest.mark.parametrize("node,ns", [("blade-07", "kestrel"), ("ip-10-9-3-4.internal", "moth")])
def test_pods_on_a_node_select_its_name(phrase, node, ns):
    t = tr(phrase.format(node=node, ns=ns))
    assert f"--field-selector=spec.nodeName={node}" in t.argv, t.command
    assert ("-n" in t.argv) == ("{ns}" in phrase)
    assert node not in t.argv[:3]  # never read as a pod's name


def test_a_plain_word_after_pods_on_is_not_taken_for_a_node():
    t = tr("pods on kestrel")
    assert not any("nodeName" in a for a in t.argv)


@pytest.mark.parametrize(
    "request_,time",
    [
        ("any warnings in {ns} recently?", "recently"),
        ("errors in {ns} in the last 20 minutes", "in the last 20 minutes"),
        ("were there warnings in {ns} since yesterday", "since yesterday"),
    ],
)
@pytest.mark.parametrize("ns", ["heron", "vault-13"])
def test_warnings_with_a_place_and_a_time_are_warning_events(request_, time, ns):
    t = tr(request_.format(ns=ns))
    assert t.argv == ["events", "-n", ns, "--types=Warning"], t.command
    assert len(t.caveats) == 1
    assert f"'{time}'" in t.caveats[0] and f"Warning event in {ns}" in t.caveats[0]


def test_warnings_about_one_object_are_its_events():
    t = tr("warnings for deployment lumen in heron today")
    assert t.argv == ["events", "-n", "heron", "--types=Warning", "--for=deployment/lumen"]
    assert "'today'" in t.caveats[0]


def test_a_value_the_read_leaves_unused_is_named():
    t = tr("list configmaps in heron, like cfg-owl-2")
    assert t.argv == ["get", "configmaps", "-n", "heron"]
    assert t.caveats == ["the command does not use 'cfg-owl-2' from the request"]


def test_a_read_that_expresses_everything_has_no_caveat():
    for request_ in ("list pods in heron", "pods on node blade-3", "show warning events in heron"):
        assert tr(request_).caveats == [], request_


def test_the_translate_command_prints_the_caveat_and_carries_it_in_json():
    from kubechat.commands.translate_cmd import translate as translate_cmd

    out = CliRunner().invoke(translate_cmd, ["--offline", "--rules-only", "list crashing pods in wren"])
    assert out.exit_code == 0
    lines = out.output.splitlines()
    assert lines[-1] == "kubectl get pods -n wren"
    assert lines[0].startswith("note: kubectl cannot select crash-looping pods")
    out = CliRunner().invoke(
        translate_cmd, ["--offline", "--rules-only", "--jsonl"], input="list crashing pods in wren\n"
    )
    doc = json.loads(out.output.splitlines()[-1])
    assert doc["argv"] == ["get", "pods", "-n", "wren"]
    assert doc["caveats"][0].startswith("kubectl cannot select crash-looping pods")
